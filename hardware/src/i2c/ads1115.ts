// ADS1115 16-bit ADC (TI SBAS444), register level, single-shot conversions of
// single-ended inputs. Registers (pointer byte, then 16 bits MSB first):
//   0x00 Conversion  16-bit two's complement result
//   0x01 Config      OS[15] MUX[14:12] PGA[11:9] MODE[8] DR[7:5] COMP_MODE[4]
//                    COMP_POL[3] COMP_LAT[2] COMP_QUE[1:0]; power-on 0x8583
//   0x02 Lo_thresh, 0x03 Hi_thresh (comparator; unused here)
// A conversion: write Config with OS=1 (start), MUX=1xx (AINx vs GND),
// MODE=1 (single-shot), COMP_QUE=11 (comparator off); wait 1/DR; read Config
// until OS reads 1 (idle = done); read Conversion. Volts = code × FSR / 32768.
import { sleep, type Clock } from '../clock.js';
import type { I2cBus } from './bus.js';
import { deviceLabel, readWordBE, writeWordBE } from './bus.js';

export const ADS1115_REG = { CONVERSION: 0x00, CONFIG: 0x01, LO_THRESH: 0x02, HI_THRESH: 0x03 } as const;
export const ADS1115_OS = 0x8000;

/** Full-scale range (±V) by PGA[11:9]; 101–111 are all ±0.256 V. */
export const PGA_FSR = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256] as const;
/** Samples per second by DR[7:5]. */
export const DATA_RATES = [8, 16, 32, 64, 128, 250, 475, 860] as const;

export type AdsChannel = 0 | 1 | 2 | 3;
export type Fsr = 6.144 | 4.096 | 2.048 | 1.024 | 0.512 | 0.256;
export type DataRate = (typeof DATA_RATES)[number];

export interface Ads1115Options {
  /** Full-scale range in volts (PGA). Inputs must still stay within GND−0.3 … VDD+0.3. */
  fsr: Fsr;
  dataRate: DataRate;
}

export function ads1115ConfigWord(channel: AdsChannel, opts: Ads1115Options): number {
  const pga = PGA_FSR.indexOf(opts.fsr);
  const dr = DATA_RATES.indexOf(opts.dataRate);
  if (pga < 0 || dr < 0) throw new RangeError('ADS1115: unsupported PGA or data rate');
  return ADS1115_OS | ((0b100 | channel) << 12) | (pga << 9) | (1 << 8) | (dr << 5) | 0b11;
}

/** The Conversion register (two's complement) in volts at `fsr`. */
export function ads1115CodeToVolts(code: number, fsr: number): number {
  const signed = code & 0x8000 ? (code & 0xffff) - 0x10000 : code & 0xffff;
  return (signed * fsr) / 32768;
}

export class Ads1115 {
  readonly label: string;

  constructor(
    private readonly bus: I2cBus,
    readonly address: number,
    private readonly opts: Ads1115Options,
    private readonly clock: Clock,
  ) {
    this.label = deviceLabel('ADS1115', bus.busNumber, address);
  }

  async readVolts(channel: AdsChannel): Promise<number> {
    await writeWordBE(this.bus, this.address, ADS1115_REG.CONFIG, ads1115ConfigWord(channel, this.opts));
    const conversionMs = Math.ceil(1000 / this.opts.dataRate) + 1;
    await sleep(this.clock, conversionMs);
    for (let tries = 0; ; tries++) {
      const cfg = await readWordBE(this.bus, this.address, ADS1115_REG.CONFIG);
      if (cfg & ADS1115_OS) break;
      if (tries >= 3) throw new Error(`${this.label}: conversion did not complete`);
      await sleep(this.clock, conversionMs);
    }
    const code = await readWordBE(this.bus, this.address, ADS1115_REG.CONVERSION);
    return ads1115CodeToVolts(code, this.opts.fsr);
  }
}
