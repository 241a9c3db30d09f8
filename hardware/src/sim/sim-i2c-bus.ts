// A simulated I2C bus hosting register-level device models. Transactions are
// translated to what the wire carries (a register pointer, then bytes; SMBus
// words low byte first) so the models are written like the datasheets, and a
// missing device fails the way the kernel does: EREMOTEIO (no ACK).
import type { I2cBus } from '../i2c/bus.js';
import { hex } from '../i2c/bus.js';
import { record } from './bounded-log.js';

export interface SimI2cDevice {
  /** A write transaction: register pointer `reg`, then `data`. */
  write(reg: number, data: readonly number[]): void;
  /** A read of `length` bytes starting at register `reg`. */
  read(reg: number, length: number): number[];
}

export interface SimTransaction {
  op: 'read' | 'write';
  addr: number;
  reg: number;
  bytes: number[];
}

export function noAckError(syscall: string, addr: number): NodeJS.ErrnoException {
  // i2c-bus surfaces the errno of the failed ioctl like this.
  return Object.assign(new Error(`EREMOTEIO, Remote I/O error (${syscall} at ${hex(addr)})`), { code: 'EREMOTEIO', errno: -121, syscall });
}

export class SimI2cBus implements I2cBus {
  private readonly devices = new Map<number, SimI2cDevice>();
  private readonly absent = new Set<number>();
  /** Every successful transaction, for byte-exact assertions. */
  readonly log: SimTransaction[] = [];
  closed = false;

  constructor(readonly busNumber: number) {}

  attach(addr: number, dev: SimI2cDevice): void {
    this.devices.set(addr, dev);
  }

  /** Unplug (false) or plug back (true) a device; the model keeps its registers (use a new model to simulate a power-cycled chip). */
  setPresent(addr: number, present: boolean): void {
    if (present) this.absent.delete(addr);
    else this.absent.add(addr);
  }

  private dev(addr: number, syscall: string): SimI2cDevice {
    const d = this.devices.get(addr);
    if (!d || this.absent.has(addr)) throw noAckError(syscall, addr);
    return d;
  }

  async readByte(addr: number, reg: number): Promise<number> {
    const bytes = this.dev(addr, 'readByte').read(reg, 1);
    record(this.log, { op: 'read', addr, reg, bytes });
    return bytes[0] ?? 0xff;
  }

  async writeByte(addr: number, reg: number, byte: number): Promise<void> {
    const bytes = [byte & 0xff];
    this.dev(addr, 'writeByte').write(reg, bytes);
    record(this.log, { op: 'write', addr, reg, bytes });
  }

  async readWord(addr: number, reg: number): Promise<number> {
    const bytes = this.dev(addr, 'readWord').read(reg, 2);
    record(this.log, { op: 'read', addr, reg, bytes });
    return (bytes[0] ?? 0xff) | ((bytes[1] ?? 0xff) << 8);
  }

  async writeWord(addr: number, reg: number, word: number): Promise<void> {
    const bytes = [word & 0xff, (word >> 8) & 0xff];
    this.dev(addr, 'writeWord').write(reg, bytes);
    record(this.log, { op: 'write', addr, reg, bytes });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
