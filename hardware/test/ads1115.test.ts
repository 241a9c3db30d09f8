// ADS1115 driver against the register model: the Config word written, PGA
// scaling and two's complement of conversions, and the supervised-loop
// classification at and around its thresholds.
import t from 'tap';
import { ADS1115_REG, Ads1115, ads1115CodeToVolts, ads1115ConfigWord } from '../src/i2c/ads1115.js';
import { classifyLoop, DEFAULT_THRESHOLDS, DEFAULT_WIRING, loopVoltages } from '../src/i2c/supervised-loop.js';
import { Ads1115Model } from '../src/sim/ads1115-model.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { SimI2cBus } from '../src/sim/sim-i2c-bus.js';

function setup(fsr: 4.096 | 2.048 | 6.144 = 4.096) {
  const clock = new ManualClock();
  const model = new Ads1115Model();
  const bus = new SimI2cBus(1);
  bus.attach(0x48, model);
  const ads = new Ads1115(bus, 0x48, { fsr, dataRate: 860 }, clock);
  const read = async (ch: 0 | 1 | 2 | 3) => {
    const p = ads.readVolts(ch);
    await clock.advance(20);
    return p;
  };
  return { clock, model, bus, ads, read };
}

t.test('Config word: OS | MUX AINx/GND | PGA | single-shot | DR | comparator off', async (t) => {
  t.equal(ads1115ConfigWord(0, { fsr: 4.096, dataRate: 860 }), 0xc3e3);
  t.equal(ads1115ConfigWord(3, { fsr: 2.048, dataRate: 128 }), 0xf583, 'AIN3, the power-on PGA and DR');
  const { model, bus, read } = setup();
  model.setVolts(2, 1.0);
  await read(2);
  t.same(model.writes, [{ reg: ADS1115_REG.CONFIG, value: 0xe3e3 }]);
  t.same(bus.log[0], { op: 'write', addr: 0x48, reg: 0x01, bytes: [0xe3, 0xe3] }, 'MSB first on the wire');
  t.same(
    bus.log.slice(1).map((x) => x.reg),
    [0x01, 0x01, 0x00],
    'Config polled until OS=1 (busy once), then Conversion',
  );
});

t.test('conversions: PGA scaling, rounding, clamping, two\'s complement', async (t) => {
  for (const [fsr, v, code] of [
    [4.096, 1.65, 13200],
    [2.048, 1.0, 16000],
    [6.144, 1.0, 5333],
    [4.096, 5.0, 0x7fff], // above full scale: clamped
  ] as const) {
    const { model, read } = setup(fsr);
    model.setVolts(0, v);
    const got = await read(0);
    t.equal(model.conversion, code, `${v} V at ±${fsr} V → ${code}`);
    t.ok(Math.abs(got - (code * fsr) / 32768) < 1e-9, `read back ${got}`);
  }
  t.equal(ads1115CodeToVolts(0xffff, 4.096), -0.000125, '0xFFFF is −1 LSB');
  t.equal(ads1115CodeToVolts(0x8000, 4.096), -4.096, '0x8000 is −FS');
  t.equal(ads1115CodeToVolts(0x7fff, 2.048), (32767 * 2.048) / 32768);
  const m = new Ads1115Model();
  m.setVolts(0, 0.5);
  m.setVolts(1, 1.5);
  m.write(ADS1115_REG.CONFIG, [0x85, 0x83]); // OS, MUX 000 = AIN0−AIN1, ±2.048 (the power-on word)
  t.equal(m.conversion, (-16000) & 0xffff, 'a negative differential reading is two\'s complement');
});

t.test('a conversion that never completes is an error, not a hang', async (t) => {
  const { model, ads, clock } = setup();
  model.busyReads = 10;
  const done = t.rejects(ads.readVolts(0), /conversion did not complete/);
  await clock.advance(50);
  await done;
});

t.test('supervised loop: nominal voltages and the four states at and around the thresholds', async (t) => {
  const v = loopVoltages(DEFAULT_WIRING);
  t.ok(Math.abs(v.normal - 1.65) < 0.01, `normal ${v.normal.toFixed(3)} V`);
  t.ok(Math.abs(v.pressed - 0.4926) < 0.01, `pressed ${v.pressed.toFixed(3)} V`);
  t.equal(v.open, 3.3);
  t.equal(v.short, 0);
  const th = DEFAULT_THRESHOLDS;
  for (const s of ['normal', 'pressed', 'open', 'short'] as const) t.equal(classifyLoop(v[s], th), s, `nominal ${s}`);
  const lsb = 4.096 / 32768;
  const cases: [number, string][] = [
    [0, 'short'],
    [0.25 - lsb, 'short'],
    [0.25, 'pressed'],
    [0.25 + lsb, 'pressed'],
    [1.0 - lsb, 'pressed'],
    [1.0, 'normal'],
    [2.6, 'normal'],
    [2.6 + lsb, 'open'],
    [3.3, 'open'],
  ];
  for (const [volts, want] of cases) {
    // Through the ADC, so quantisation is part of the test.
    const { model, read } = setup();
    model.setVolts(1, volts);
    const measured = await read(1);
    t.equal(classifyLoop(measured, th), want, `${volts.toFixed(6)} V → ${want}`);
  }
});
