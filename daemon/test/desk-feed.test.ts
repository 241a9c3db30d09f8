// The wallboard's `desk` events: 200 callers pouring into a queue are a few
// events, not 200, the last naming every caller; the first change after a
// quiet spell goes out at once; a queue whose callers only waited longer
// sends nothing; another queue's change does not resend this one.
import pino from 'pino';
import t from 'tap';
import type { DeskEvent, DeskView, WaitingCallView } from '../src/contracts/desk.js';
import { DeskFeed } from '../src/desk/desk-feed.js';
import { EventBus } from '../src/events/bus.js';

const EVERY_MS = 100;
const call = (i: number, queue = 'dispatch', waitedS = 0): WaitingCallView => ({
  uuid: `call-${queue}-${i}`, queue, caller: String(5000 + i), zone: null, urgency: 'normal', vip: false, skill: null,
  arrivedAt: '2026-12-02T10:00:00.000Z', position: i + 1, reasons: [`waiting ${waitedS} s`], offeredTo: [], waitingFor: 'no free agent',
});
const queue = (id: string, waiting: WaitingCallView[]) => ({ id, name: null, strategy: 'longest-idle' as const, agents: ['8001'], waiting });
const agent = { extension: '8001', user: null, state: 'available' as const, reason: null, since: null, wrapUpUntil: null, call: null, queues: ['dispatch'] };

function rig() {
  const bus = new EventBus(pino({ level: 'silent' }));
  let view: DeskView = { queues: [queue('dispatch', []), queue('backup', [])], agents: [agent] };
  const events: Array<DeskEvent & { receivedAt: number }> = [];
  bus.on('desk', (e) => events.push({ ...e, receivedAt: Date.now() }));
  const feed = new DeskFeed({ bus, view: () => view, everyMs: EVERY_MS });
  return { feed, events, set: (v: DeskView) => (view = v) };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('200 callers arriving at once: a few events, the last naming them all', async (t) => {
  const { feed, events, set } = rig();
  t.teardown(() => feed.stop());
  const started = Date.now();
  for (let i = 0; i < 200; i++) {
    set({ queues: [queue('dispatch', Array.from({ length: i + 1 }, (_, j) => call(j))), queue('backup', [])], agents: [agent] });
    feed.changed();
    if (i % 20 === 19) await sleep(25);
  }
  await sleep(EVERY_MS * 2);
  const dispatch = events.filter((e) => e.queue.id === 'dispatch');
  t.ok(dispatch.length >= 2 && dispatch.length <= 6, `${dispatch.length} events for 200 arrivals over ${Date.now() - started} ms`);
  t.equal(dispatch.at(-1)!.queue.waiting.length, 200, 'the last names all 200');
  t.same(dispatch.at(-1)!.agents.map((a) => a.extension), ['8001'], 'with the agents serving the queue');
  t.ok(dispatch[0]!.receivedAt - started < EVERY_MS / 2, 'the first went out at once');
  for (let i = 1; i < dispatch.length; i++) t.ok(dispatch[i]!.receivedAt - dispatch[i - 1]!.receivedAt >= EVERY_MS - 5, `event ${i + 1} at least ${EVERY_MS} ms after the one before`);
  t.equal(events.filter((e) => e.queue.id === 'backup').length, 1, 'the other queue sent once (its first picture), not again');
});

t.test('callers who only waited longer: nothing is sent', async (t) => {
  const { feed, events, set } = rig();
  t.teardown(() => feed.stop());
  set({ queues: [queue('dispatch', [call(0, 'dispatch', 1)])], agents: [agent] });
  feed.changed();
  await sleep(EVERY_MS * 2);
  const n = events.length;
  set({ queues: [queue('dispatch', [call(0, 'dispatch', 9)])], agents: [agent] });
  feed.changed();
  await sleep(EVERY_MS * 2);
  t.equal(events.length, n, 'no event for a wait that grew');
  set({ queues: [queue('dispatch', [call(0, 'dispatch', 9)])], agents: [{ ...agent, state: 'paused', reason: 'break' }] });
  feed.changed();
  await sleep(EVERY_MS * 2);
  t.equal(events.length, n + 1, 'an agent paused: sent');
  t.equal(events.at(-1)!.agents[0]!.state, 'paused');
});
