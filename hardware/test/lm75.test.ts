// LM75 driver against the register model: positive and negative
// temperatures at 9 and 11 bits (datasheet example codes).
import t from 'tap';
import { LM75_REG, Lm75, lm75RawToCelsius } from '../src/i2c/lm75.js';
import { Lm75Model, lm75Encode } from '../src/sim/lm75-model.js';
import { SimI2cBus } from '../src/sim/sim-i2c-bus.js';

t.test('Temp register codes (LM75A datasheet table)', async (t) => {
  for (const [c, raw] of [
    [125, 0x7d00],
    [25, 0x1900],
    [0.5, 0x0080],
    [0, 0x0000],
    [-0.5, 0xff80],
    [-25, 0xe700],
    [-55, 0xc900],
  ] as const) {
    t.equal(lm75Encode(c, 9), raw, `${c} °C encodes as 0x${raw.toString(16)}`);
    t.equal(lm75RawToCelsius(raw, 9), c, `0x${raw.toString(16)} decodes as ${c} °C`);
  }
  t.equal(lm75RawToCelsius(0x197f, 9), 25, 'undefined low bits are masked at 9 bits');
  t.equal(lm75RawToCelsius(0x1920, 11), 25.125, '11 bits: 0.125 °C steps');
  t.equal(lm75RawToCelsius(0xffe0, 11), -0.125);
});

t.test('driver reads positive and negative temperatures through the bus', async (t) => {
  const bus = new SimI2cBus(1);
  const m9 = new Lm75Model(9);
  const m11 = new Lm75Model(11);
  bus.attach(0x49, m9);
  bus.attach(0x4a, m11);
  const a = new Lm75(bus, 0x49, 9);
  const b = new Lm75(bus, 0x4a, 11);
  await a.init();
  t.same(m9.writes, [{ reg: LM75_REG.CONF, bytes: [0x00] }], 'Conf: normal operation, comparator mode');
  t.equal(a.lastCelsius, null);
  for (const c of [23.5, 0, -0.5, -20, -40.5]) {
    m9.celsius = c;
    t.equal(await a.readCelsius(), c, `${c} °C`);
  }
  m9.celsius = 21.3;
  t.equal(await a.readCelsius(), 21.5, 'rounded to 0.5 °C at 9 bits');
  for (const c of [24.125, -10.375]) {
    m11.celsius = c;
    t.equal(await b.readCelsius(), c, `${c} °C at 11 bits`);
  }
  t.equal(b.lastCelsius, -10.375);
  bus.setPresent(0x4a, false);
  await t.rejects(b.readCelsius(), { code: 'EREMOTEIO' });
  t.equal(b.lastCelsius, null, 'no stale reading after a failure');
});
