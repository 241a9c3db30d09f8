// Register model of an ADS1115 (SBAS444): a settable voltage per input; a
// single-shot conversion starts when Config is written with OS=1 and yields
// round(V / FSR × 32768) clamped to the 16-bit two's complement range, for
// the MUX selection (single-ended or differential). While "converting" Config
// reads OS=0 for `busyReads` reads. Registers are MSB first on the wire.
import { ADS1115_OS, ADS1115_REG, PGA_FSR } from '../i2c/ads1115.js';
import type { SimI2cDevice } from './sim-i2c-bus.js';
import { record } from './bounded-log.js';

export class Ads1115Model implements SimI2cDevice {
  readonly volts = [0, 0, 0, 0];
  config = 0x8583;
  conversion = 0;
  busyReads = 1;
  private busy = 0;
  /** Every 16-bit register write: pointer and value. */
  readonly writes: { reg: number; value: number }[] = [];
  private lo = 0x8000;
  private hi = 0x7fff;

  setVolts(channel: number, v: number): void {
    this.volts[channel] = v;
  }

  write(reg: number, data: readonly number[]): void {
    const value = (((data[0] ?? 0) << 8) | (data[1] ?? 0)) & 0xffff;
    record(this.writes, { reg, value });
    switch (reg) {
      case ADS1115_REG.CONFIG:
        this.config = value & ~ADS1115_OS;
        if (value & ADS1115_OS) this.convert();
        break;
      case ADS1115_REG.LO_THRESH:
        this.lo = value;
        break;
      case ADS1115_REG.HI_THRESH:
        this.hi = value;
        break;
      default:
        break; // Conversion is read-only
    }
  }

  read(reg: number, length: number): number[] {
    let v: number;
    switch (reg & 0x03) {
      case ADS1115_REG.CONVERSION:
        v = this.conversion;
        break;
      case ADS1115_REG.CONFIG:
        if (this.busy > 0) {
          this.busy--;
          v = this.config & ~ADS1115_OS;
        } else v = this.config | ADS1115_OS;
        break;
      case ADS1115_REG.LO_THRESH:
        v = this.lo;
        break;
      default:
        v = this.hi;
    }
    return [(v >> 8) & 0xff, v & 0xff].slice(0, length);
  }

  private convert(): void {
    const mux = (this.config >> 12) & 0x7;
    const fsr = PGA_FSR[(this.config >> 9) & 0x7]!;
    const [a0, a1, a2, a3] = this.volts as [number, number, number, number];
    const diff = [a0 - a1, a0 - a3, a1 - a3, a2 - a3][mux] ?? this.volts[mux - 4]!;
    const code = Math.max(-32768, Math.min(32767, Math.round((diff / fsr) * 32768)));
    this.conversion = code & 0xffff;
    this.busy = this.busyReads;
  }
}
