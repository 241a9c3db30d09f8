// Register model of an MCP23017 (DS20001952C) for the simulated bus: IODIR,
// IPOL, GPINTEN, DEFVAL, INTCON, IOCON, GPPU, INTF, INTCAP, GPIO, OLAT with
// BANK=0 addressing, sequential (SEQOP=0) pointer increment, and the INT line:
// asserted when an enabled input changes (INTCON=0) or differs from DEFVAL
// (INTCON=1); INTF/INTCAP latch the first change; reading INTCAPx or GPIOx
// clears port x. With MIRROR the one modelled INT line ORs both ports; with
// ODR it is open-drain active-low (idle high by the pull-up), else INTPOL
// sets its active level. Not modelled: BANK=1, INTB as a separate line, HAEN.
import type { Level } from '../gpio/line.js';
import { IOCON, MCP23017_REG as R } from '../i2c/mcp23017.js';
import type { SimGpio } from './sim-gpio.js';
import type { SimI2cDevice } from './sim-i2c-bus.js';
import { record } from './bounded-log.js';

const REG_COUNT = 0x16;

export class Mcp23017Model implements SimI2cDevice {
  readonly regs: number[] = new Array<number>(REG_COUNT).fill(0);
  /** Every register write, byte by byte, in order. */
  readonly writes: { reg: number; value: number }[] = [];
  private readonly ext: (Level | undefined)[] = new Array<Level | undefined>(16).fill(undefined);
  private last = [0, 0];

  constructor(private readonly intLine?: SimGpio) {
    this.regs[R.IODIRA] = 0xff;
    this.regs[R.IODIRB] = 0xff;
    this.last = [this.port(0), this.port(1)];
    this.updateInt();
  }

  /** Drive pin 0..15 from outside (a button to GND: 0 when pressed, undefined = open, left to the pull-up). */
  setInput(pin: number, level: Level | undefined): void {
    this.ext[pin] = level;
    this.evaluate();
  }

  /** The electrical level of a pin (an output shows OLAT). */
  pinLevel(pin: number): Level {
    const port = pin < 8 ? 0 : 1;
    const b = pin % 8;
    const raw = this.port(port) ^ (this.isInput(pin) ? this.regs[R.IPOLA + port]! : 0);
    return ((raw >> b) & 1) as Level;
  }

  reg(addr: number): number {
    return this.regs[addr]!;
  }

  intActive(): boolean {
    const a = this.regs[R.INTFA]!;
    const b = this.regs[R.INTFB]!;
    return (this.regs[R.IOCON]! & IOCON.MIRROR ? a | b : a) !== 0;
  }

  write(reg: number, data: readonly number[]): void {
    let p = reg;
    for (const value of data) {
      record(this.writes, { reg: p, value });
      this.writeReg(p, value & 0xff);
      p = (p + 1) % REG_COUNT;
    }
    this.evaluate();
  }

  read(reg: number, length: number): number[] {
    const out: number[] = [];
    let p = reg;
    for (let n = 0; n < length; n++) {
      out.push(this.readReg(p));
      p = (p + 1) % REG_COUNT;
    }
    this.evaluate();
    return out;
  }

  private isInput(pin: number): boolean {
    return ((this.regs[R.IODIRA + (pin < 8 ? 0 : 1)]! >> pin % 8) & 1) === 1;
  }

  /** The GPIO register value of a port (IPOL applied to inputs). */
  private port(port: number): number {
    let v = 0;
    for (let b = 0; b < 8; b++) {
      const pin = port * 8 + b;
      let level: number;
      if (this.isInput(pin)) {
        level = this.ext[pin] ?? ((this.regs[R.GPPUA + port]! >> b) & 1); // floating without pull-up reads 0 here
        level ^= (this.regs[R.IPOLA + port]! >> b) & 1;
      } else {
        level = (this.regs[R.OLATA + port]! >> b) & 1;
      }
      v |= level << b;
    }
    return v;
  }

  private writeReg(reg: number, value: number): void {
    switch (reg) {
      case R.IOCON:
      case R.IOCON + 1:
        if (value & IOCON.BANK) throw new Error('Mcp23017Model: BANK=1 is not modelled');
        this.regs[R.IOCON] = this.regs[R.IOCON + 1] = value;
        break;
      case R.INTFA:
      case R.INTFB:
      case R.INTCAPA:
      case R.INTCAPB:
        break; // read-only
      case R.GPIOA:
      case R.GPIOB:
        this.regs[reg + 2] = value; // writing GPIO writes OLAT
        break;
      default:
        this.regs[reg] = value;
    }
  }

  private readReg(reg: number): number {
    switch (reg) {
      case R.GPIOA:
      case R.GPIOB: {
        const port = reg - R.GPIOA;
        const v = this.port(port);
        this.clear(port);
        return v;
      }
      case R.INTCAPA:
      case R.INTCAPB: {
        const v = this.regs[reg]!;
        this.clear(reg - R.INTCAPA);
        return v;
      }
      default:
        return this.regs[reg]!;
    }
  }

  private clear(port: number): void {
    this.regs[R.INTFA + port] = 0;
    this.updateInt();
  }

  /** Latch interrupts for enabled inputs that changed (INTCON=0) or differ from DEFVAL (INTCON=1). */
  private evaluate(): void {
    for (const port of [0, 1]) {
      const now = this.port(port);
      const en = this.regs[R.GPINTENA + port]! & this.regs[R.IODIRA + port]!;
      const intcon = this.regs[R.INTCONA + port]!;
      const cause = en & ((~intcon & (now ^ this.last[port]!)) | (intcon & (now ^ this.regs[R.DEFVALA + port]!))) & 0xff;
      this.last[port] = now;
      // Only the first change is captured until the interrupt is cleared.
      if (cause && this.regs[R.INTFA + port] === 0) {
        this.regs[R.INTFA + port] = cause;
        this.regs[R.INTCAPA + port] = now;
      }
    }
    this.updateInt();
  }

  private updateInt(): void {
    if (!this.intLine) return;
    const iocon = this.regs[R.IOCON]!;
    const activeLevel: Level = iocon & IOCON.ODR ? 0 : iocon & IOCON.INTPOL ? 1 : 0;
    this.intLine.setLevel(this.intActive() ? activeLevel : activeLevel === 1 ? 0 : 1);
  }
}
