// MCP23017 16-bit I/O expander (Microchip DS20001952C), register level.
//
// Configuration this driver uses (IOCON = 0x44):
//   BANK=0    registers of ports A and B interleaved (the power-on layout), so
//             an SMBus word at an A register covers A (low byte) then B (high).
//   MIRROR=1  INTA and INTB are one wired-OR line: one GPIO serves both ports.
//   SEQOP=0   sequential addressing (word transfers walk A→B).
//   ODR=1     INT is open-drain, active low: needs a pull-up (the Pi's
//             internal one or 10k), lets several expanders share one GPIO.
// Inputs have the 100k pull-up (GPPU) and interrupt-on-change against the
// previous value (GPINTEN=1, INTCON=0). On INT the driver reads INTF, INTCAP
// (the port as it was when the first change happened) and GPIO (as it is
// now); reading INTCAP/GPIO clears the interrupt. Delivering the captured
// value and then the current one means a press shorter than the service
// latency is still seen. Outputs are driven through OLAT; OLAT is written
// before IODIR so an output comes up at its safe level without a glitch.
import type { GpioLine, Level } from '../gpio/line.js';
import type { I2cBus } from './bus.js';
import { deviceLabel } from './bus.js';
import type { SupervisedDevice } from './supervisor.js';

/** Register addresses with IOCON.BANK = 0 (datasheet table 3-1). */
export const MCP23017_REG = {
  IODIRA: 0x00, // 1 = input (power-on 0xFF)
  IODIRB: 0x01,
  IPOLA: 0x02, // 1 = GPIO bit reads inverted
  IPOLB: 0x03,
  GPINTENA: 0x04, // 1 = interrupt-on-change enabled
  GPINTENB: 0x05,
  DEFVALA: 0x06, // compare value when INTCON = 1
  DEFVALB: 0x07,
  INTCONA: 0x08, // 0 = compare with previous value, 1 = with DEFVAL
  INTCONB: 0x09,
  IOCON: 0x0a, // also at 0x0B
  GPPUA: 0x0c, // 1 = 100k pull-up
  GPPUB: 0x0d,
  INTFA: 0x0e, // read-only: pins that caused the interrupt
  INTFB: 0x0f,
  INTCAPA: 0x10, // read-only: port value at the interrupt; reading clears it
  INTCAPB: 0x11,
  GPIOA: 0x12, // port value; reading clears the interrupt; writing writes OLAT
  GPIOB: 0x13,
  OLATA: 0x14, // output latches
  OLATB: 0x15,
} as const;

export const IOCON = { BANK: 0x80, MIRROR: 0x40, SEQOP: 0x20, DISSLW: 0x10, HAEN: 0x08, ODR: 0x04, INTPOL: 0x02 } as const;
export const MCP23017_IOCON_VALUE = IOCON.MIRROR | IOCON.ODR;

/** "a0".."a7" → 0..7, "b0".."b7" → 8..15. */
export function mcpPinIndex(pin: string): number {
  const m = /^([ab])([0-7])$/.exec(pin);
  if (!m) throw new RangeError(`MCP23017 pin "${pin}" is not a0..a7 or b0..b7`);
  return (m[1] === 'a' ? 0 : 8) + Number(m[2]);
}

export type Runner = (op: () => Promise<void>) => Promise<boolean>;

export class Mcp23017 implements SupervisedDevice {
  readonly label: string;
  private inputMask = 0;
  private outputMask = 0;
  private olat = 0;
  private gpio = 0xffff;
  private readonly watchers = new Map<number, (level: Level) => void>();
  /**
   * How queued transactions (output writes, interrupt service) run. The Board
   * sets its supervisor's run() so failures become the device status; alone,
   * a failure is kept in lastError (never an unhandled rejection).
   */
  runner: Runner = async (op) => {
    try {
      await op();
      return true;
    } catch (err) {
      this.lastError = err;
      return false;
    }
  };
  lastError: unknown;

  constructor(
    private readonly bus: I2cBus,
    readonly address: number,
    readonly id = 'mcp23017',
  ) {
    this.label = deviceLabel('MCP23017', bus.busNumber, address);
  }

  /** A pin as an input with pull-up and interrupt-on-change. Call before init(). */
  input(pin: string): GpioLine {
    const i = mcpPinIndex(pin);
    this.claim(i, pin);
    this.inputMask |= 1 << i;
    return this.line(i, pin);
  }

  /** A pin as an output starting at `initial`. Call before init(). */
  output(pin: string, initial: Level): GpioLine {
    const i = mcpPinIndex(pin);
    this.claim(i, pin);
    this.outputMask |= 1 << i;
    this.setOlatBit(i, initial);
    return this.line(i, pin);
  }

  async init(): Promise<void> {
    const R = MCP23017_REG;
    await this.bus.writeByte(this.address, R.IOCON, MCP23017_IOCON_VALUE);
    await this.bus.writeWord(this.address, R.OLATA, this.olat);
    await this.bus.writeWord(this.address, R.IODIRA, ~this.outputMask & 0xffff);
    await this.bus.writeWord(this.address, R.IPOLA, 0x0000);
    // Pull-ups on every pin that is not an output: unused inputs must not float.
    await this.bus.writeWord(this.address, R.GPPUA, ~this.outputMask & 0xffff);
    await this.bus.writeWord(this.address, R.DEFVALA, 0x0000);
    await this.bus.writeWord(this.address, R.INTCONA, 0x0000);
    await this.bus.writeWord(this.address, R.GPINTENA, this.inputMask);
    // Reading GPIO takes the current levels and clears any interrupt pending from before.
    this.apply(await this.bus.readWord(this.address, R.GPIOA));
  }

  /** Safety net for a missed INT edge, and how a removed chip is noticed. */
  async poll(): Promise<void> {
    this.apply(await this.bus.readWord(this.address, MCP23017_REG.GPIOA));
  }

  /** Call when the INT line is active. */
  serviceInterrupt(): Promise<boolean> {
    return this.runner(async () => {
      const R = MCP23017_REG;
      const intf = await this.bus.readWord(this.address, R.INTFA);
      const intcap = await this.bus.readWord(this.address, R.INTCAPA);
      const now = await this.bus.readWord(this.address, R.GPIOA);
      if (intf) this.apply((this.gpio & ~intf) | (intcap & intf));
      this.apply(now);
    });
  }

  private claim(i: number, pin: string): void {
    if ((this.inputMask | this.outputMask) & (1 << i)) throw new Error(`${this.label}: pin ${pin} is used twice`);
  }

  private setOlatBit(i: number, level: Level): void {
    this.olat = level ? this.olat | (1 << i) : this.olat & ~(1 << i);
  }

  private apply(value: number): void {
    const changed = (value ^ this.gpio) & this.inputMask;
    this.gpio = value;
    if (!changed) return;
    for (const [i, cb] of this.watchers) if (changed & (1 << i)) cb(((value >> i) & 1) as Level);
  }

  private line(i: number, pin: string): GpioLine {
    const bit = 1 << i;
    return {
      name: `${this.id}.${pin}`,
      read: () => (((this.outputMask & bit ? this.olat : this.gpio) >> i) & 1) as Level,
      write: (level) => {
        this.setOlatBit(i, level);
        const port = i < 8 ? 0 : 1;
        const byte = (this.olat >> (8 * port)) & 0xff;
        // A failed write is a device fault; init() rewrites OLAT from this shadow on recovery.
        void this.runner(() => this.bus.writeByte(this.address, MCP23017_REG.OLATA + port, byte));
      },
      watch: (cb) => {
        this.watchers.set(i, cb);
      },
      unwatch: () => {
        this.watchers.delete(i);
      },
      close: () => {
        this.watchers.delete(i);
      },
    };
  }
}
