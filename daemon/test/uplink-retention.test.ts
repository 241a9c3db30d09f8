// The backlog cap: over it, the oldest call records go first, then events;
// alarms are never dropped; what was dropped is counted, persisted, shown in
// health and reported to central as an event.
import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { Store } from '../src/store/store.js';
import { DROPPED_KEY, enforceRetention, UplinkClient } from '../src/uplink/index.js';
import { freePort } from './helpers/daemon.js';
import { sampleEvent, sampleOf } from './helpers/messages.js';
import type { OutboxType } from '../src/contracts/index.js';

const log = pino({ level: 'silent' });
const origin = { site: 's', node: 'n' };

async function fill(store: Store, pattern: OutboxType[]) {
  return store.tx((r) => r.outbox.enqueueMany(pattern.map((type, i) => ({ type, data: sampleOf(type, i), orderKey: null }))));
}

t.test('over the cap: calls first, then events, never alarms; counted and reported', async (t) => {
  const store = await Store.open(join(t.testdir(), 'data'), origin);
  t.teardown(() => store.close());
  // 5 of each, interleaved: alarm call event alarm call event …
  await fill(store, Array.from({ length: 15 }, (_, i) => (['alarm', 'call', 'event'] as const)[i % 3]!));

  t.equal(await enforceRetention(store, 20), undefined, 'under the cap: nothing happens');
  const r1 = await enforceRetention(store, 8);
  // 15 rows, cap 8: 7 over, plus room for the notice = 8 to drop: the 5 calls, then the 3 oldest events.
  t.same(r1?.dropped, { call: 5, event: 3 });
  t.same(r1?.total, { call: 5, event: 3 });
  t.equal(r1?.stillOver, false);
  const rows = await store.outbox.peek(100);
  t.equal(rows.length, 8, 'at the cap, the notice included');
  t.equal(rows.filter((x) => x.type === 'alarm').length, 5, 'every alarm kept');
  t.equal(rows.filter((x) => x.type === 'call').length, 0);
  const kept = rows.filter((x) => x.type === 'event');
  t.same(kept.slice(0, 2).map((x) => x.envelope.data), [sampleEvent(11), sampleEvent(14)], 'the newest events survived');
  t.match(kept[2]!.envelope.data, { kind: 'backlog-trimmed', dropped: { call: 5, event: 3 }, total: { call: 5, event: 3 }, maxBacklog: 8 }, 'central is told');
  t.same(await store.settings.get(DROPPED_KEY), { call: 5, event: 3 }, 'persisted');

  // Alarms push it over again: the remaining events go, alarms never, even if that leaves it over the cap.
  await fill(store, ['alarm', 'alarm', 'alarm', 'alarm', 'alarm']);
  const r2 = await enforceRetention(store, 8);
  t.same(r2?.dropped, { call: 0, event: 2 }, 'the remaining events go (not the notice)');
  t.same(r2?.total, { call: 5, event: 5 }, 'cumulative count');
  t.equal(r2?.stillOver, true, 'still over: alarms are never dropped');
  const after = await store.outbox.peek(100);
  t.equal(after.filter((x) => x.type === 'alarm').length, 10, 'all ten alarms kept');
  t.equal(after.length, 12, 'ten alarms and the two notices');
  const r3 = await enforceRetention(store, 8);
  t.same(r3, { dropped: { call: 0, event: 0 }, total: { call: 5, event: 5 }, stillOver: true }, 'alarms and notices only: nothing dropped, no new notice');
  t.equal((await store.outbox.stats()).count, 12);
});

t.test('the uplink trims on notify while central is unreachable, and health says what was dropped', async (t) => {
  const store = await Store.open(join(t.testdir(), 'data'), origin);
  t.teardown(() => store.close());
  const bus = new EventBus(log);
  const health = new HealthRegistry({ version: 'x', ...origin }, (h) => bus.emit('health', h));
  const port = await freePort(); // nothing listens there
  const up = new UplinkClient({ ...origin, version: 'x', brokers: [`mqtt://127.0.0.1:${port}`], maxBacklog: 100, pollMs: 100, backoffBaseMs: 50, backoffMaxMs: 100 }, { store, health, bus, log });
  await up.start();
  t.teardown(() => up.stop());
  await fill(store, Array.from({ length: 150 }, (_, i): OutboxType => (i % 10 === 0 ? 'alarm' : i % 2 ? 'call' : 'event')));
  up.notify();
  const end = Date.now() + 5000;
  while (!/dropped over the backlog cap/.test(health.snapshot().components.uplink.detail) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  const h = health.snapshot().components.uplink;
  t.equal(h.status, 'degraded');
  t.match(h.detail, /not connected to central .*; 100 messages waiting, oldest \d+ s; 51 call records and 0 events dropped over the backlog cap/);
  const b = await up.backlog();
  t.same(b.dropped, { call: 51, event: 0 });
  t.equal((await store.outbox.peek(1000)).filter((x) => x.type === 'alarm').length, 15, 'every alarm kept');

  // The count survives a restart.
  await up.stop();
  const up2 = new UplinkClient({ ...origin, version: 'x', brokers: [], maxBacklog: 100 }, { store, health, bus, log });
  await up2.start();
  t.same((await up2.backlog()).dropped, { call: 51, event: 0 });
  await up2.stop();
});
