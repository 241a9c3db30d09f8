// Components start in order, stop in reverse, and shutdown ends within its bound.
import t from 'tap';
import pino from 'pino';
import { Lifecycle, type Component } from '../src/lifecycle/components.js';

const log = pino({ level: 'silent' });

t.test('reverse order, and a hung component does not hold shutdown', async (t) => {
  const events: string[] = [];
  const mk = (name: string, stop: () => Promise<void> = async () => undefined): Component => ({
    name,
    start: async () => void events.push(`start ${name}`),
    stop: async () => {
      events.push(`stop ${name}`);
      await stop();
    },
  });
  const life = new Lifecycle(log);
  await life.start(mk('store'));
  await life.start(mk('hung', () => new Promise(() => undefined)));
  await life.start(mk('failing', () => Promise.reject(new Error('boom'))));
  await life.start(mk('http'));
  const t0 = Date.now();
  const clean = await life.stopAll(300);
  const took = Date.now() - t0;
  t.equal(clean, false, 'reported as not clean');
  t.same(events, ['start store', 'start hung', 'start failing', 'start http', 'stop http', 'stop failing', 'stop hung', 'stop store']);
  t.ok(took < 1000, `bounded (${took} ms)`);
});
