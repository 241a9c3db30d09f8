// The Board on the sim profile: presses through GPIO, the MCP23017 INT path
// and the supervised ADS1115 loop; wiring faults; a chip that disappears and
// comes back; outputs by id; the safe state on stop.
import t from 'tap';
import { Board, type HardwareEvent } from '../src/board.js';
import { loadBoardProfile } from '../src/boards/load.js';
import { SimDeviceFactory } from '../src/devices.js';
import { MCP23017_REG as R } from '../src/i2c/mcp23017.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { quietLog } from './helpers.js';

async function setup(before?: (f: SimDeviceFactory) => void) {
  const profile = await loadBoardProfile('sim');
  const clock = new ManualClock();
  const t0 = clock.now();
  const factory = new SimDeviceFactory(profile);
  before?.(factory);
  const board = new Board(profile, factory, { log: quietLog, clock });
  const events: string[] = [];
  const raw: HardwareEvent[] = [];
  board.onEvent((e) => {
    raw.push(e);
    events.push('input' in e ? `${e.kind} ${e.input}` : `${e.kind} ${e.device}`);
  });
  await board.start();
  await clock.advance(10);
  /** stop() waits for a conversion in flight, which waits on the clock: move it along. */
  const stop = async () => {
    const done = board.stop();
    await clock.advance(10);
    await done;
  };
  return { profile, clock, t0, factory, board, events, raw, stop };
}

t.test('start: every device ok, outputs in their safe state, temperature read', async (t) => {
  const { board, clock, factory, events, stop } = await setup();
  t.same(
    Object.fromEntries(Object.entries(board.status()).map(([k, v]) => [k, v.status])),
    { gpio: 'ok', mcp0: 'ok', ads0: 'ok', temp0: 'ok' },
  );
  t.equal(board.health().status, 'ok');
  t.same(events, [], 'nothing pressed');
  t.same(board.temperatures(), { temp0: 25 });
  factory.lm75('temp0').celsius = -12.5;
  await clock.advance(10000); // the LM75 poll interval
  t.same(board.temperatures(), { temp0: -12.5 }, 'a negative temperature');
  t.equal(factory.gpio(5).read(), 0, 'strobe off');
  t.equal(factory.mcp('mcp0').reg(R.OLATB), 0x00, 'LEDs off');
  t.equal(factory.mcp('mcp0').reg(R.IODIRB), 0x00, 'port B all outputs');
  await stop();
});

t.test('press and release through GPIO, the MCP23017 and the supervised loop', async (t) => {
  const { board, clock, factory, events, raw, t0, stop } = await setup();
  factory.drive('in1', true);
  factory.drive('in5', true);
  await clock.advance(30);
  t.same(events, ['pressed in1', 'pressed in5'], 'both after the 30 ms debounce');
  t.ok(board.isPressed('in1') && board.isPressed('in5'));
  factory.drive('in1', false);
  factory.drive('in5', false);
  await clock.advance(30);
  t.same(events.slice(2), ['released in1', 'released in5']);
  factory.drive('sup1', true);
  await clock.advance(50 + 30 + 10); // next sample, then debounce
  t.same(events.slice(4), ['pressed sup1']);
  factory.drive('sup1', false);
  await clock.advance(100);
  t.same(events.slice(5), ['released sup1']);
  const e = raw[0]!;
  t.equal(e.kind === 'pressed' && e.at - t0, 40, 'events carry the clock time');
  await stop();
});

t.test('supervised loop: open and short circuits are wiring faults, then ok', async (t) => {
  const { board, clock, factory, events, raw, stop } = await setup();
  const ads = factory.ads('ads0');
  ads.setVolts(0, 3.3);
  await clock.advance(100);
  t.same(events, [], 'two open samples are not yet a fault');
  await clock.advance(60);
  t.same(events, ['wiring-fault sup1']);
  t.match(raw[0], { kind: 'wiring-fault', input: 'sup1', detail: /^open circuit .* at 3\.30 V$/ });
  ads.setVolts(0, 0.01);
  await clock.advance(200);
  t.same(events.slice(1), ['wiring-fault sup1']);
  t.match(raw[1], { detail: /^short circuit at 0\.01 V$/ });
  factory.drive('sup1', false); // back to the normal loop voltage
  await clock.advance(60);
  t.same(events.slice(2), ['wiring-ok sup1']);
  t.notOk(board.isPressed('sup1'));
  await stop();
});

t.test('a chip that stops answering is a device fault, retried until it answers again', async (t) => {
  const { board, clock, factory, events, raw, stop } = await setup();
  factory.setPresent('mcp0', false);
  board.output('in1.sent').set({ mode: 'on' }); // written while the chip is away
  await clock.advance(1000); // the next safety-net poll
  t.same(events, ['device-fault mcp0']);
  t.match(raw[0], { device: 'mcp0', inputs: ['in5', 'in6', 'in7', 'in8'], detail: 'MCP23017 at 0x20 on bus 1 does not answer' });
  t.same(board.status().mcp0?.status, 'fault');
  t.same(board.health(), { status: 'degraded', detail: 'MCP23017 at 0x20 on bus 1 does not answer' });
  await clock.advance(4000);
  t.same(events, ['device-fault mcp0'], 'retries failing do not repeat the event');
  factory.setPresent('mcp0', true);
  await clock.advance(2000);
  t.same(events, ['device-fault mcp0', 'device-ok mcp0']);
  t.equal(board.status().mcp0?.status, 'ok');
  t.equal(board.health().status, 'ok');
  t.equal(factory.mcp('mcp0').reg(R.OLATB) & 0x01, 0x01, 'the output set during the fault is applied on recovery');
  factory.drive('in6', true);
  await clock.advance(30);
  t.same(events.slice(2), ['pressed in6'], 'inputs work again');
  await stop();
});

t.test('a chip missing at start is a fault from the start, and its absence does not stop the rest', async (t) => {
  const { board, clock, factory, events, stop } = await setup((f) => {
    f.setPresent('temp0', false);
    f.setPresent('ads0', false);
    f.setPresent('mcp0', false); // its outputs' safe-state writes at start must not escape as rejections
  });
  t.same(events.sort(), ['device-fault ads0', 'device-fault mcp0', 'device-fault temp0']);
  t.match(board.status().temp0, { status: 'fault', detail: 'LM75 at 0x49 on bus 1 does not answer' });
  t.same(board.temperatures(), { temp0: null });
  factory.drive('in2', true);
  await clock.advance(30);
  t.ok(board.isPressed('in2'));
  board.output('in1.sent').set({ mode: 'on' });
  factory.setPresent('temp0', true);
  factory.setPresent('ads0', true);
  factory.setPresent('mcp0', true);
  await clock.advance(2000);
  t.equal(factory.mcp('mcp0').reg(R.OLATB), 0x01, 'configured on recovery, with the output set meanwhile');
  t.same(board.temperatures(), { temp0: 25 });
  t.equal(board.health().status, 'ok');
  await stop();
});

t.test('outputs by id with patterns; stop applies the safe state everywhere', async (t) => {
  const { board, clock, factory, stop } = await setup();
  const strobe = factory.gpio(5);
  board.output('strobe').set({ mode: 'flash', onMs: 250, offMs: 750 });
  board.output('siren').set({ mode: 'on' });
  board.output('in1.sent').set({ mode: 'on' });
  board.output('in1.voice').set({ mode: 'flash', onMs: 500, offMs: 500 });
  await clock.advance(1);
  t.equal(strobe.read(), 1);
  t.equal(factory.gpio(6).read(), 1);
  t.equal(factory.mcp('mcp0').reg(R.OLATB), 0x03, 'both LEDs of in1 on (b0, b1)');
  await clock.advance(300);
  t.equal(strobe.read(), 0, 'strobe in its off phase');
  t.equal(factory.mcp('mcp0').reg(R.OLATB), 0x03);
  await clock.advance(300);
  t.equal(factory.mcp('mcp0').reg(R.OLATB), 0x01, 'voice LED flashing');
  await stop();
  t.equal(strobe.read(), 0);
  t.equal(factory.gpio(6).read(), 0, 'siren off');
  t.equal(factory.mcp('mcp0').reg(R.OLATB), 0x00, 'the expander LEDs were written off before the bus closed');
  t.same(Object.values(board.status()).map((s) => s.status).filter((s) => s !== 'ok'), ['stopped', 'stopped', 'stopped']);
  const writes = strobe.writes.length;
  await clock.advance(5000);
  t.equal(strobe.writes.length, writes, 'no flashing after stop');
  t.equal(clock.pending(), 0, 'no timers left');
  t.notOk(strobe.closed, 'outputs stay exported, driven at the safe level');
  t.ok(factory.gpio(17).closed, 'input lines (in1 on BCM17) are released');
});

t.test('a listener that throws does not stop the others', async (t) => {
  const { board, clock, factory, events, stop } = await setup();
  board.onEvent(() => {
    throw new Error('listener bug');
  });
  const later: string[] = [];
  const off = board.onEvent((e) => later.push(e.kind));
  factory.drive('in3', true);
  await clock.advance(30);
  t.same(events, ['pressed in3']);
  t.same(later, ['pressed']);
  off();
  factory.drive('in3', false);
  await clock.advance(30);
  t.same(later, ['pressed'], 'unsubscribed');
  await stop();
});
