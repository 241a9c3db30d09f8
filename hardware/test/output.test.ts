// Output patterns and the safe state, on a simulated line.
import t from 'tap';
import { Output } from '../src/gpio/output.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { SimGpio } from '../src/sim/sim-gpio.js';

t.test('steady on and off, active-high', async (t) => {
  const clock = new ManualClock();
  const line = new SimGpio('led', 0);
  const out = new Output('led', line, { activeLow: false, safe: 'off' }, clock);
  out.set({ mode: 'on' });
  t.equal(line.read(), 1);
  out.set({ mode: 'off' });
  t.equal(line.read(), 0);
  t.same(line.writes, [1, 0]);
});

t.test('active-low output inverts the level', async (t) => {
  const clock = new ManualClock();
  const line = new SimGpio('relay', 1);
  const out = new Output('relay', line, { activeLow: true, safe: 'off' }, clock);
  out.set({ mode: 'on' });
  t.equal(line.read(), 0);
  t.equal(out.isOn(), true);
  t.equal(Output.safeLevel({ activeLow: true, safe: 'off' }), 1);
  t.equal(Output.safeLevel({ activeLow: false, safe: 'on' }), 1);
});

t.test('flashing follows onMs/offMs and stops when set to another pattern', async (t) => {
  const clock = new ManualClock();
  const line = new SimGpio('strobe', 0);
  const out = new Output('strobe', line, { activeLow: false, safe: 'off' }, clock);
  const levels: string[] = [];
  const sample = () => levels.push(String(line.read()));
  out.set({ mode: 'flash', onMs: 200, offMs: 800 });
  for (let i = 0; i < 10; i++) {
    sample();
    await clock.advance(100);
  }
  sample();
  t.equal(levels.join(''), '11000000001', 'on 200 ms, off 800 ms, on again at 1000 ms');
  t.same(out.pattern, { mode: 'flash', onMs: 200, offMs: 800 });
  out.set({ mode: 'off' });
  t.equal(clock.pending(), 0, 'no flash timer left');
  const n = line.writes.length;
  await clock.advance(5000);
  t.equal(line.writes.length, n, 'nothing written after the pattern changed');
  t.throws(() => out.set({ mode: 'flash', onMs: 0, offMs: 100 }), RangeError);
});

t.test('safe state: off for a siren, on for an output whose safe state is on', async (t) => {
  const clock = new ManualClock();
  const siren = new SimGpio('siren', 0);
  const lamp = new SimGpio('lamp', 0);
  const s = new Output('siren', siren, { activeLow: false, safe: 'off' }, clock);
  const l = new Output('lamp', lamp, { activeLow: false, safe: 'on' }, clock);
  s.set({ mode: 'flash', onMs: 100, offMs: 100 });
  l.set({ mode: 'off' });
  s.safe();
  l.safe();
  t.equal(siren.read(), 0);
  t.equal(lamp.read(), 1);
  t.same(s.pattern, { mode: 'off' });
  t.equal(clock.pending(), 0);
});
