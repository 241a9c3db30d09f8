// MCP23017 driver against the register model: the exact register writes of
// the configuration, interrupt-on-change on the INT line, INTCAP/GPIO reads
// clearing it, and outputs through OLAT.
import t from 'tap';
import type { Level } from '../src/gpio/line.js';
import { MCP23017_REG as R, Mcp23017 } from '../src/i2c/mcp23017.js';
import { Mcp23017Model } from '../src/sim/mcp23017-model.js';
import { settle } from '../src/sim/manual-clock.js';
import { SimGpio } from '../src/sim/sim-gpio.js';
import { SimI2cBus } from '../src/sim/sim-i2c-bus.js';

async function setup() {
  const intLine = new SimGpio('int', 1);
  const model = new Mcp23017Model(intLine);
  const bus = new SimI2cBus(1);
  bus.attach(0x20, model);
  const mcp = new Mcp23017(bus, 0x20, 'mcp0');
  const a0 = mcp.input('a0');
  const a1 = mcp.input('a1');
  const b7 = mcp.input('b7');
  const a4 = mcp.output('a4', 0);
  const b0 = mcp.output('b0', 1);
  await mcp.init();
  const seen: string[] = [];
  for (const [name, l] of [['a0', a0], ['a1', a1], ['b7', b7]] as const) l.watch((v: Level) => seen.push(`${name}=${v}`));
  intLine.watch((level) => {
    if (level === 0) void mcp.serviceInterrupt();
  });
  return { intLine, model, bus, mcp, a0, a1, b7, a4, b0, seen };
}

t.test('configuration: the register writes, in order, and the resulting registers', async (t) => {
  const { model, bus, a0, a1, b7 } = await setup();
  // inputs a0 a1 b7 → 0x8003; outputs a4 b0 → 0x0110; OLAT b0 high → 0x0100.
  t.same(
    model.writes.map((w) => [w.reg, w.value]),
    [
      [R.IOCON, 0x44], // MIRROR | ODR, BANK=0, SEQOP=0
      [R.OLATA, 0x00], // output latches before directions: no glitch
      [R.OLATB, 0x01],
      [R.IODIRA, 0xef], // a4 output
      [R.IODIRB, 0xfe], // b0 output
      [R.IPOLA, 0x00],
      [R.IPOLB, 0x00],
      [R.GPPUA, 0xef], // pull-ups on every non-output pin
      [R.GPPUB, 0xfe],
      [R.DEFVALA, 0x00],
      [R.DEFVALB, 0x00],
      [R.INTCONA, 0x00], // compare with the previous value
      [R.INTCONB, 0x00],
      [R.GPINTENA, 0x03], // a0, a1
      [R.GPINTENB, 0x80], // b7
    ],
  );
  t.same(bus.log.at(-1), { op: 'read', addr: 0x20, reg: R.GPIOA, bytes: [0xef, 0xff] }, 'GPIO read last: a4 low (OLAT), inputs pulled up, b0 high');
  t.equal(model.reg(R.IOCON), 0x44);
  t.equal(model.reg(R.IOCON + 1), 0x44, 'IOCON is at 0x0A and 0x0B');
  t.same([a0.read(), a1.read(), b7.read()], [1, 1, 1], 'idle inputs read high');
  t.equal(model.pinLevel(8), 1, 'b0 drives high');
});

t.test('interrupt on change: INT asserts, the driver reads INTF, INTCAP, GPIO, and INT clears', async (t) => {
  const { intLine, model, bus, seen } = await setup();
  bus.log.length = 0;
  model.setInput(0, 0); // a0 pressed to GND
  t.equal(model.reg(R.INTFA), 0x01, 'INTFA names a0');
  t.equal(model.reg(R.INTCAPA), 0xee, 'INTCAPA: a0 low, a4 (output) low');
  await settle();
  t.same(
    bus.log.map((x) => [x.op, x.reg, x.bytes]),
    [
      ['read', R.INTFA, [0x01, 0x00]],
      ['read', R.INTCAPA, [0xee, 0x00]], // INTCAPB: nothing captured on port B
      ['read', R.GPIOA, [0xee, 0xff]],
    ],
  );
  t.equal(intLine.read(), 1, 'INT released after the reads');
  t.same(seen, ['a0=0']);
  model.setInput(15, 0); // b7: port B, mirrored onto the one INT line
  await settle();
  t.same(seen, ['a0=0', 'b7=0']);
  t.equal(intLine.read(), 1);
  model.setInput(3, 0); // a3 is not an input with interrupt enabled
  t.equal(intLine.read(), 1, 'no interrupt for a pin without GPINTEN');
});

t.test('INTCAP keeps the first change; reading INTCAP or GPIO clears INT; a short press is still delivered', async (t) => {
  const { intLine, model, bus, mcp, seen } = await setup();
  intLine.unwatch(); // service by hand
  model.setInput(1, 0);
  model.setInput(1, undefined); // released before anyone serviced the interrupt
  t.equal(intLine.read(), 0, 'INT still asserted');
  t.equal(model.reg(R.INTCAPA) & 0x02, 0, 'INTCAP holds the pressed level');
  t.equal(await bus.readByte(0x20, R.INTCAPA), 0xed);
  t.equal(intLine.read(), 1, 'reading INTCAPA cleared INT');
  model.setInput(1, 0);
  t.equal(intLine.read(), 0);
  t.equal(await bus.readByte(0x20, R.GPIOA), 0xed);
  t.equal(intLine.read(), 1, 'reading GPIOA cleared INT');
  // Now the driver: a short press between two services is seen as press then release.
  model.setInput(1, undefined);
  await mcp.serviceInterrupt();
  seen.length = 0;
  model.setInput(1, 0);
  model.setInput(1, undefined);
  await mcp.serviceInterrupt();
  t.same(seen, ['a1=0', 'a1=1'], 'captured low, then current high');
});

t.test('outputs through OLAT', async (t) => {
  const { model, a4, b0 } = await setup();
  model.writes.length = 0;
  a4.write(1);
  b0.write(0);
  await settle();
  t.same(model.writes, [
    { reg: R.OLATA, value: 0x10 },
    { reg: R.OLATB, value: 0x00 },
  ]);
  t.equal(model.pinLevel(4), 1);
  t.equal(model.pinLevel(8), 0);
  t.equal(a4.read(), 1, 'an output reads its latch');
  t.equal(model.reg(R.GPIOA), 0, 'GPIO register storage untouched (GPIO reads are computed)');
});

t.test('pin names', async (t) => {
  const bus = new SimI2cBus(1);
  const mcp = new Mcp23017(bus, 0x20);
  t.throws(() => mcp.input('c1'), /a0\.\.a7 or b0\.\.b7/);
  mcp.input('b3');
  t.throws(() => mcp.output('b3', 0), /used twice/);
});
