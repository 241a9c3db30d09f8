// Register model of an LM75: a settable temperature encoded as the Temp
// register would hold it (9 or 11 bits, left-aligned two's complement, MSB
// first), Conf, Thyst (75 °C) and Tos (80 °C) at their power-on values.
import type { Lm75Resolution } from '../i2c/lm75.js';
import { LM75_REG } from '../i2c/lm75.js';
import type { SimI2cDevice } from './sim-i2c-bus.js';
import { record } from './bounded-log.js';

export function lm75Encode(celsius: number, bits: Lm75Resolution): number {
  const lsb = bits === 9 ? 0.5 : 0.125;
  const steps = Math.round(celsius / lsb);
  return (steps << (16 - bits)) & 0xffff;
}

export class Lm75Model implements SimI2cDevice {
  celsius = 25;
  conf = 0;
  readonly writes: { reg: number; bytes: number[] }[] = [];

  constructor(private readonly bits: Lm75Resolution = 9) {}

  write(reg: number, data: readonly number[]): void {
    record(this.writes, { reg, bytes: [...data] });
    if (reg === LM75_REG.CONF) this.conf = data[0] ?? 0;
  }

  read(reg: number, length: number): number[] {
    let v: number;
    switch (reg & 0x03) {
      case LM75_REG.TEMP:
        v = lm75Encode(this.celsius, this.bits);
        break;
      case LM75_REG.CONF:
        return [this.conf].slice(0, length);
      case LM75_REG.THYST:
        v = lm75Encode(75, 9);
        break;
      default:
        v = lm75Encode(80, 9);
    }
    return [(v >> 8) & 0xff, v & 0xff].slice(0, length);
  }
}
