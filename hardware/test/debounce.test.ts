// DebouncedInput over a simulated line, with a hand-driven clock.
import t from 'tap';
import { DebouncedInput } from '../src/gpio/debounced-input.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { SimGpio } from '../src/sim/sim-gpio.js';
import { record } from './helpers.js';

function setup(opts: Partial<ConstructorParameters<typeof DebouncedInput>[1]> = {}) {
  const clock = new ManualClock();
  const t0 = clock.now();
  const line = new SimGpio('in1', 1); // active-low button: idle high by the pull-up
  const input = new DebouncedInput(line, { activeLow: true, debounceMs: 30, longPressMs: 3000, stuckAfterMs: 60000, ...opts }, clock);
  const seen = record(input, t0);
  input.start();
  return { clock, line, input, seen };
}

t.test('bounces inside the window give one press and one release', async (t) => {
  const { clock, line, input, seen } = setup();
  await clock.advance(100);
  t.same(seen, [], 'idle high is not a press');
  // Contact bounce: edges at 100, 103, 106, 109, 112 ms, then held low.
  for (const l of [0, 1, 0, 1, 0] as const) {
    line.setLevel(l);
    await clock.advance(3);
  }
  await clock.advance(26); // 141 ms
  t.same(seen, [], 'not yet: the line has been quiet for less than 30 ms since the last edge');
  await clock.advance(1);
  t.same(seen, ['pressed@142'], 'one press, 30 ms after the last bounce');
  t.equal(input.isPressed(), true);
  line.bounce(1, 4);
  await clock.advance(30);
  t.same(seen, ['pressed@142', 'released@172'], 'one release');
  input.stop();
  t.equal(clock.pending(), 0, 'stop leaves no timers');
});

t.test('a press shorter than the debounce time is ignored', async (t) => {
  const { clock, line, seen } = setup();
  line.setLevel(0);
  await clock.advance(20);
  line.setLevel(1);
  await clock.advance(200);
  t.same(seen, []);
});

t.test('active-high input: pressed is high', async (t) => {
  const clock = new ManualClock();
  const line = new SimGpio('x', 0);
  const input = new DebouncedInput(line, { activeLow: false, debounceMs: 10 }, clock);
  const seen = record(input, clock.now());
  input.start();
  await clock.advance(50);
  line.setLevel(1);
  await clock.advance(10);
  line.setLevel(0);
  await clock.advance(10);
  t.same(seen, ['pressed@60', 'released@70']);
});

t.test('active-low: a low line at start is a press (a held button is not lost on restart)', async (t) => {
  const clock = new ManualClock();
  const line = new SimGpio('x', 0);
  const input = new DebouncedInput(line, { activeLow: true, debounceMs: 30 }, clock);
  const seen = record(input, clock.now());
  input.start();
  await clock.advance(30);
  t.same(seen, ['pressed@30']);
});

t.test('long press after longPressMs, once; none on a short press', async (t) => {
  const { clock, line, seen } = setup();
  line.setLevel(0);
  await clock.advance(1000);
  line.setLevel(1);
  await clock.advance(5000);
  t.same(seen, ['pressed@30', 'released@1030'], 'a 1 s press is not long');
  line.setLevel(0);
  await clock.advance(30 + 2999);
  t.notOk(seen.some((s) => s.startsWith('long-press')));
  await clock.advance(1);
  await clock.advance(10000);
  t.same(seen.slice(2), ['pressed@6030', 'long-press@9030'], 'long-press 3 s after the debounced press');
});

t.test('stuck after stuckAfterMs, unstuck (then released) when it lets go', async (t) => {
  const { clock, line, input, seen } = setup({ stuckAfterMs: 60000 });
  line.setLevel(0);
  await clock.advance(60029);
  t.notOk(input.isStuck());
  await clock.advance(1);
  t.same(seen, ['pressed@30', 'long-press@3030', 'stuck@60030']);
  t.ok(input.isStuck());
  line.setLevel(1);
  await clock.advance(30);
  t.same(seen.slice(3), ['unstuck@60060', 'released@60060']);
  t.notOk(input.isStuck());
});
