// Alarms held while the disk is full (alarms/held-alarms.ts), with the real
// store and reserve file, and the process killed (SIGKILL) at chosen points:
// a new run on the same files must write each held step to the database
// exactly once — every message for central once, no alarm reopened by a
// stale state, nothing held lost.
//
// A kill is simulated by abandoning the run: from then on its transactions
// never start and its reserve file writes never happen (those under way when
// it dies finish, as a write already handed to the kernel would).
import { join } from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { alarmMessage } from '../src/alarms/alarm-message.js';
import { raisedAlarm } from '../src/alarms/alarm-transitions.js';
import { FaultBook } from '../src/alarms/faults.js';
import { FLUSHED_KEY, HeldAlarms, STORE_FAULT, type HeldStep } from '../src/alarms/held-alarms.js';
import type { Alarm } from '../src/contracts/alarms.js';
import { EventBus } from '../src/events/bus.js';
import { RESERVE_FILE, ReserveFile } from '../src/store/reserve-file.js';
import { Store } from '../src/store/store.js';

const log = pino({ level: 'silent' });
const T0 = '2026-03-02T08:00:00.000Z';
const full = () => Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL', errno: 13 });
const until = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond()) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

// ---- the reserve files of the runs, so a kill can stop their writes ----
const realOpen = ReserveFile.open.bind(ReserveFile);
const realSave = Object.getOwnPropertyDescriptor(ReserveFile.prototype, 'save')!.value as (this: ReserveFile, state: unknown) => Promise<number>;
/** Per open file: how many more saves reach the disk (the process dies before the next). */
const budget = new Map<ReserveFile, number>();
const underWay = new Set<Promise<unknown>>();
/** The files the run being started opens. */
let opening = new Set<ReserveFile>();
ReserveFile.open = async (path) => {
  const f = await realOpen(path);
  budget.set(f, Infinity);
  opening.add(f);
  return f;
};
ReserveFile.prototype.save = function (this: ReserveFile, state: unknown) {
  const left = budget.get(this) ?? Infinity;
  if (left <= 0) return new Promise<number>(() => undefined);
  budget.set(this, left - 1);
  const p = realSave.call(this, state);
  underWay.add(p);
  void p.catch(() => undefined).finally(() => underWay.delete(p));
  return p;
};
t.teardown(() => {
  ReserveFile.open = realOpen;
  ReserveFile.prototype.save = realSave;
});

/** What the reserve file holds on disk now (read as a new run would). */
async function onDisk(dataDir: string): Promise<{ alarms: Array<{ alarm: Alarm }> } | undefined> {
  const f = await realOpen(join(dataDir, RESERVE_FILE));
  try {
    return (await f.load<{ alarms: Array<{ alarm: Alarm }> }>())?.state;
  } finally {
    await f.close();
  }
}

/**
 * One run of the daemon's held alarms over the store. `disk.full`: its
 * transactions fail as on a full disk. `hooks.whileFlushing`: done when a
 * transaction is asked for, before it runs. `hooks.killAfterCommit`: the
 * process dies right after the next transaction committed (its in-memory
 * follow-up runs, but none of it reaches the disk any more).
 */
function run(t: Test, store: Store, dataDir: string, withFaults = false) {
  const disk = { full: false };
  const files = (opening = new Set<ReserveFile>());
  let dead = false;
  const kill = async () => {
    dead = true;
    for (const f of files) budget.set(f, 0);
    await Promise.allSettled([...underWay]);
  };
  const hooks: { whileFlushing?: () => Promise<void>; killAfterCommit?: boolean } = {};
  const s = Object.create(store) as Store;
  s.tx = async (body, o) => {
    if (dead) return new Promise(() => undefined);
    if (disk.full) throw full();
    const w = hooks.whileFlushing;
    hooks.whileFlushing = undefined;
    await w?.();
    const v = await store.tx(body, o);
    if (hooks.killAfterCommit) await kill();
    return v;
  };
  const faults = withFaults ? new FaultBook({ store: s, bus: new EventBus(log), log, notify: () => undefined }) : undefined;
  const held = new HeldAlarms({ dataDir, store: s, faults, log, notify: () => undefined });
  t.teardown(kill);
  return {
    held, disk, hooks,
    /** Only the next n saves of the reserve file reach the disk. */
    keepSaves: (n: number) => {
      for (const f of files) budget.set(f, n);
    },
  };
}

async function setup(t: Test) {
  const dataDir = join(t.testdir(), 'data');
  const store = await Store.open(dataDir, { site: 's', node: 'n' });
  t.teardown(() => store.close());
  const events = async (id: string) => (await store.outbox.peek(1000)).filter((r) => r.orderKey === id).map((r) => (r.envelope.data as { event: string }).event);
  const history = async (id: string) => (await store.alarms.history(id)).map((h) => h.kind);
  return { dataDir, store, events, history };
}

const point = (id: string) => ({ id, zone: 'tunnel-a' });
const step = (a: Alarm, kind: string): HeldStep => ({ log: { kind, detail: `${kind} (test)`, ts: a.updatedAt }, message: alarmMessage(a, undefined, kind) });

t.test('a step held while a flush runs, then a kill after its commit: the older steps are not written again, and an alarm cleared since is not reopened', async (t) => {
  const { dataDir, store, events, history } = await setup(t);
  // A was stored as usual; then the disk filled while it was calling.
  const a = raisedAlarm('A-20260302-1', point('km1-2'), T0);
  await store.tx(async (r) => {
    await r.alarms.insert(a);
    await r.alarms.log(a.id, 'raised', 'button', T0);
    await r.outbox.enqueue('alarm', alarmMessage(a, undefined, 'raised'), a.id);
  });
  const p1 = run(t, store, dataDir, true);
  await p1.held.start();
  p1.disk.full = true;
  p1.held.storeFailing('the data disk is full: the database cannot be written');
  const calling: Alarm = { ...a, state: 'calling', attempts: 1, target: '8000', updatedAt: '2026-03-02T08:00:01.000Z' };
  p1.held.hold(calling, true, step(calling, 'calling'));
  t.notOk(await p1.held.flush(), 'nothing written while the disk is full');

  // Space again. The flush has taken its snapshot (A's step, the store fault); while its
  // transaction waits, another point is pressed: B is held, and saved in the reserve file.
  const b = raisedAlarm('A-20260302-99999', point('km2-0'), '2026-03-02T08:00:02.000Z');
  p1.disk.full = false;
  p1.hooks.whileFlushing = async () => {
    p1.held.hold(b, false, step(b, 'raised'));
    t.ok(await until(async () => !!(await onDisk(dataDir))?.alarms.some((h) => h.alarm.id === b.id)), 'B is in the reserve file');
  };
  p1.hooks.killAfterCommit = true;
  await p1.held.flush();
  t.equal((await store.alarms.byId(a.id))?.state, 'calling', 'the flush committed A’s step');
  t.notOk(p1.held.has(a.id), 'A is no longer held: its next change goes straight to the database');
  // A dispatcher clears A (written directly, as the alarm service does for an alarm not held) …
  await store.tx(async (r) => {
    const cleared: Alarm = { ...calling, state: 'cleared', clearedAt: '2026-03-02T08:00:03.000Z', clearedBy: 'tech', clearSource: 'ui', updatedAt: '2026-03-02T08:00:03.000Z' };
    await r.alarms.update(a.id, { state: 'cleared', clearedAt: cleared.clearedAt, clearedBy: 'tech', clearSource: 'ui', updatedAt: cleared.updatedAt });
    await r.alarms.log(a.id, 'cleared', 'by tech (ui)', cleared.updatedAt);
    await r.outbox.enqueue('alarm', alarmMessage(cleared, undefined, 'cleared'), a.id);
  });
  // … and the process is killed before the reserve file was rewritten: it still holds A's calling step.
  t.ok((await onDisk(dataDir))?.alarms.some((h) => h.alarm.id === a.id), 'the reserve file on disk still holds A (older than the flush)');

  const p2 = run(t, store, dataDir, true);
  const resumed = await p2.held.start();
  t.same(resumed.map((x) => x.id), [b.id], 'only B is resumed: A is not called again');
  t.same(p2.held.open().map((x) => x.id), [b.id], 'no held open alarm but B');
  t.ok(await p2.held.flush(), 'everything held is written');
  await p2.held.stop();
  t.equal((await store.alarms.byId(a.id))?.state, 'cleared', 'A stays cleared in the database');
  t.same(await events(a.id), ['raised', 'calling', 'cleared'], 'each of A’s states once for central, in order');
  t.same(await history(a.id), ['raised', 'calling', 'cleared'], 'each of A’s steps once in its log');
  t.equal((await store.alarms.byId(b.id))?.state, 'raised', 'B, held during the flush, is written after the kill');
  t.same(await events(b.id), ['raised'], 'B’s message once');
  const fault = (await store.outbox.peek(1000)).map((r) => r.envelope.data as { kind?: string; key?: string; state?: string }).filter((d) => d.kind === 'fault' && d.key === STORE_FAULT);
  t.same(fault.map((d) => d.state), ['raised', 'cleared'], 'the store’s fault raised and cleared at central once');
});

t.test('a step held after a flush took its snapshot, saved in the last reserve write before a kill: written after the restart, not lost', async (t) => {
  const { dataDir, store, events, history } = await setup(t);
  const p1 = run(t, store, dataDir);
  await p1.held.start();
  // The reserve file takes one more write; the process dies before the one after it.
  p1.keepSaves(1);
  const a = raisedAlarm('A-20260302-99999', point('km1-2'), T0);
  const cleared: Alarm = { ...a, state: 'cleared', clearedAt: '2026-03-02T08:00:05.000Z', clearedBy: 'tech', clearSource: 'ui', updatedAt: '2026-03-02T08:00:05.000Z' };
  p1.hooks.killAfterCommit = true;
  // Raised while nothing could be written; the flush takes its snapshot (A raised); A is cleared
  // before the reserve write of its raising has started, so that write holds the clearing too.
  p1.held.hold(a, false, step(a, 'raised'));
  const flushed = p1.held.flush();
  p1.held.hold(cleared, false, { ...step(cleared, 'cleared'), audit: { username: 'tech', role: 'technician', ip: null, action: 'alarm.clear', target: a.id, outcome: 'ok', detail: 'ui; held', ts: cleared.updatedAt } });
  await flushed;
  t.same(await events(a.id), ['raised'], 'the flush wrote A as raised (its snapshot)');
  t.match((await onDisk(dataDir))?.alarms, [{ alarm: { id: a.id, state: 'cleared' } }], 'the reserve file on disk holds A cleared');

  const p2 = run(t, store, dataDir);
  t.same((await p2.held.start()).map((x) => x.id), [a.id], 'the clearing is resumed from the reserve file');
  t.ok(await p2.held.flush());
  await p2.held.stop();
  t.equal((await store.alarms.byId(a.id))?.state, 'cleared', 'A is cleared in the database: not called again after the restart');
  t.same(await events(a.id), ['raised', 'cleared'], 'its clearing reaches central, once');
  t.same(await history(a.id), ['raised', 'cleared']);
  t.same((await store.audit.list(10)).map((e) => `${e.action} ${e.target}`), [`alarm.clear ${a.id}`], 'the clearing audited once');
});

t.test('a kill after each flush, with a step held while it ran: every step is written once, in order', async (t) => {
  const { dataDir, store, events, history } = await setup(t);
  let cur = raisedAlarm('A-20260302-99999', point('km1-2'), T0);
  let p = run(t, store, dataDir);
  await p.held.start();
  p.held.hold(cur, false, step(cur, 'raised'));
  const next = ['calling', 'connected', 'acknowledged', 'cleared'] as const;
  for (const [i, kind] of next.entries()) {
    const held = p.held;
    const after: Alarm = { ...cur, state: kind, updatedAt: `2026-03-02T08:00:0${i + 1}.000Z` };
    p.hooks.whileFlushing = async () => {
      held.hold(after, true, step(after, kind));
      await until(async () => (await onDisk(dataDir))?.alarms[0]?.alarm.state === kind);
    };
    p.hooks.killAfterCommit = true;
    await held.flush();
    cur = after;
    p = run(t, store, dataDir);
    t.same((await p.held.start()).map((a) => a.state), [kind], `run ${i + 2} resumes the alarm as the step held during run ${i + 1}’s flush left it`);
  }
  t.ok(await p.held.flush());
  await p.held.stop();
  t.same(await events(cur.id), ['raised', ...next], 'each state once for central, in order');
  t.same(await history(cur.id), ['raised', ...next], 'each step once in the log');
  t.equal((await store.alarms.byId(cur.id))?.state, 'cleared');
});

t.test('a reserve file written before steps were numbered (an update during a full disk): written once, whole', async (t) => {
  const { dataDir, store, events } = await setup(t);
  const a = raisedAlarm('A-20260302-99999', point('km1-2'), T0);
  // An earlier version's file: two saves, the last one not yet written to the database.
  const f = await realOpen(join(dataDir, RESERVE_FILE));
  await f.save({ alarms: [{ alarm: a, inDb: false, steps: [step(a, 'raised')] }], storeFault: null });
  const seq = await f.save({ alarms: [{ alarm: a, inDb: false, steps: [step(a, 'raised')] }], storeFault: null });
  await f.close();
  await store.settings.set(FLUSHED_KEY, seq - 1, 'system');
  const p1 = run(t, store, dataDir);
  t.same((await p1.held.start()).map((x) => x.id), [a.id], 'resumed');
  p1.hooks.killAfterCommit = true;
  await p1.held.flush();
  t.same(await events(a.id), ['raised'], 'written');
  // Killed before the file was rewritten: the next run finds the old file again.
  const p2 = run(t, store, dataDir);
  t.same(await p2.held.start(), [], 'not resumed again');
  await p2.held.flush();
  await p2.held.stop();
  t.same(await events(a.id), ['raised'], 'written once');
});
