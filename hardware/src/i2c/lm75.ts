// LM75 temperature sensor (TI SNIS153 LM75A; NXP LM75B), register level.
//   0x00 Temp   16 bits MSB first, two's complement, left-aligned: 9 bits on
//               the LM75A (D15..D7, 0.5 °C/LSB), 11 bits on the LM75B (D15..D5,
//               0.125 °C/LSB). So °C = (int16) raw / 256 after masking the
//               undefined low bits.
//   0x01 Conf   8 bits: SHUTDOWN[0] OS_COMP_INT[1] OS_POL[2] OS_F_QUE[4:3]
//   0x02 Thyst, 0x03 Tos (9-bit, same format as Temp)
import type { I2cBus } from './bus.js';
import { deviceLabel, readWordBE } from './bus.js';

export const LM75_REG = { TEMP: 0x00, CONF: 0x01, THYST: 0x02, TOS: 0x03 } as const;

export type Lm75Resolution = 9 | 11;

export function lm75RawToCelsius(raw: number, bits: Lm75Resolution): number {
  const mask = (0xffff << (16 - bits)) & 0xffff;
  const v = raw & mask;
  const signed = v & 0x8000 ? v - 0x10000 : v;
  return signed / 256;
}

export class Lm75 {
  readonly label: string;
  private last: number | null = null;

  constructor(
    private readonly bus: I2cBus,
    readonly address: number,
    private readonly resolution: Lm75Resolution = 9,
  ) {
    this.label = deviceLabel('LM75', bus.busNumber, address);
  }

  /** The last successful reading, or null before one / after a fault. */
  get lastCelsius(): number | null {
    return this.last;
  }

  async init(): Promise<void> {
    this.last = null;
    // Conf = 0x00: continuous conversion, comparator mode, OS active low, 1 fault.
    await this.bus.writeByte(this.address, LM75_REG.CONF, 0x00);
  }

  async readCelsius(): Promise<number> {
    try {
      this.last = lm75RawToCelsius(await readWordBE(this.bus, this.address, LM75_REG.TEMP), this.resolution);
      return this.last;
    } catch (err) {
      this.last = null;
      throw err;
    }
  }
}
