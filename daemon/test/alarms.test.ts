// The emergency path with the real gateway against the FreeSWITCH emulator:
// press → durable alarm → strobe → priority call → acknowledgement → clear.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import pino from 'pino';
import { fixedConfig } from '../src/config/holder.js';
import { AlarmService } from '../src/alarms/alarm-service.js';
import { FaultBook } from '../src/alarms/faults.js';
import type { AlarmOutputs } from '../src/alarms/ports.js';
import { configFrom } from '../src/config/load.js';
import { type Config } from '../src/config/schema.js';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { FreeswitchGateway } from '../src/pbx/gateway.js';
import { FreeSwitchEmulator } from '../src/sim/freeswitch/index.js';
import type { Alarm } from '../src/contracts/alarms.js';
import type { OutboxEnvelope as Envelope } from '../src/contracts/index.js';
import { Store } from '../src/store/store.js';

const log = pino({ level: 'silent' });
const PASSWORD = 'alarm-test-secret-1';
const until = async (cond: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await cond()) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

function config(onBusy: 'release' | 'barge' | 'next' = 'release', targets = [{ extension: '8000', ringS: 5 }, { extension: '1002', ringS: 5 }]): Config {
  return configFrom({
    site: 's', node: 'n',
    points: [{ id: 'km1-2', input: 'in1', label: 'SOS km 1.2 east', location: 'Tunnel A km 1.2', zone: 'tunnel-a', phone: '1001', escalation: { targets, onBusy, pauseS: 5 } }],
  });
}

async function rig(t: Test, cfg = config(), phones = [
  { number: '8000', name: 'Dispatch', behaviour: 'answer' as const, answerAfterMs: 150, busyWhenInCall: true },
  { number: '1001', name: 'Intercom', behaviour: 'answer' as const, answerAfterMs: 50 },
  { number: '1002', name: 'Backup', behaviour: 'answer' as const, answerAfterMs: 150 },
]) {
  const dir = t.testdir();
  const emu = new FreeSwitchEmulator({ password: PASSWORD, port: 0, recordingsDir: join(dir, 'rec'), phones });
  const { port } = await emu.start();
  const store = await Store.open(join(dir, 'data'), { site: 's', node: 'n' });
  const bus = new EventBus(log);
  const gw = new FreeswitchGateway({ host: '127.0.0.1', port, password: PASSWORD, recordingsDir: join(dir, 'recordings') }, { store, health: new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined), bus, log });
  await gw.start();
  await until(() => gw.connected, 3000);
  const outputs: Array<{ what: string; alarmRowExists: Promise<boolean> }> = [];
  const out: AlarmOutputs = {
    point: (p, ind) => outputs.push({ what: `${p}:${ind}`, alarmRowExists: store.alarms.openForPoint(p).then((a) => !!a) }),
    beacons: (on) => outputs.push({ what: `beacons:${on}`, alarmRowExists: store.alarms.open().then((a) => a.length > 0) }),
  };
  const alarms = new AlarmService({ config: fixedConfig(cfg), store, pbx: gw, outputs: out, bus, log });
  await alarms.start();
  t.teardown(async () => {
    await alarms.stop();
    await gw.stop();
    await store.close();
    await emu.stop();
  });
  const messages = async () => (await store.outbox.peek(1000)).map((r) => r.envelope as Envelope<{ id: string; state: string; event: string }>);
  return { emu, store, gw, alarms, outputs, messages };
}

t.test('press → raised before any output → calling → connected → acknowledged by the key → cleared', async (t) => {
  const { emu, store, gw, alarms, outputs, messages } = await rig(t);
  t.same(outputs.map((o) => o.what), ['beacons:false'], 'at start, with no open alarm: the safe state');
  outputs.splice(0);
  const r = await alarms.press('km1-2');
  t.ok(r.ok);
  if (!r.ok) return;
  const id = r.alarm.id;
  t.match(id, /^A-\d{8}-1$/, 'a readable alarm id');
  t.same(outputs.slice(0, 2).map((o) => o.what), ['beacons:true', 'km1-2:alarm-sent'], 'strobe on, "alarm sent" lit');
  t.same(await Promise.all(outputs.map((o) => o.alarmRowExists)), outputs.map(() => true), 'the alarm row existed before every output change');
  t.ok(await until(() => emu.channels().some((c) => c.destination === '8000'), 2000), 'the dispatch desk rings');
  t.ok(await until(async () => (await store.alarms.byId(id))?.state === 'connected', 3000), 'connected when the desk answers');
  const a = await store.alarms.byId(id);
  const desk = emu.channels().find((c) => c.uuid === a?.callUuid);
  t.ok(desk, 'the desk’s leg is live');
  // The desk is connected at once (ring-back, its key works); the intercom is called with auto-answer and bridged when it answers.
  t.ok(await until(() => emu.channels().some((c) => c.destination === '1001' && c.bridgedTo === desk?.uuid), 2000), 'bridged to the intercom at the point');
  // The lamp follows the bridge's answer, a moment after the emulator has bridged.
  t.ok(await until(() => outputs.some((o) => o.what === 'km1-2:voice-connected'), 2000), '"voice connected" lit once the point’s voice is connected');
  emu.phone('1001').sendDtmf('5');
  await new Promise((r) => setTimeout(r, 300));
  t.equal((await store.alarms.byId(id))?.state, 'connected', 'the key pressed at the point itself does not acknowledge');
  emu.phone('8000').sendDtmf('5');
  t.ok(await until(async () => (await store.alarms.byId(id))?.state === 'acknowledged', 2000), 'acknowledged by the dispatcher’s key');
  t.match(await store.alarms.byId(id), { ackSource: 'dtmf', acknowledgedBy: 'ext:8000' });
  const c = await alarms.clear(id, { username: 'tech', role: 'technician', ip: '127.0.0.1' }, 'ui');
  t.ok(c.ok, 'cleared by a technician');
  t.same(outputs.slice(-2).map((o) => o.what), ['km1-2:idle', 'beacons:false'], 'indications off');
  const states = (await messages()).filter((m) => m.type === 'alarm' && m.data.id === id).map((m) => m.data.state);
  t.same(states, ['raised', 'calling', 'connected', 'acknowledged', 'cleared'], 'central gets every state, in order');
  const seqs = (await messages()).map((m) => m.seq);
  t.same(seqs, [...seqs].sort((x, y) => x - y), 'seq increasing');
  const audit = await store.audit.list(20);
  t.ok(audit.some((e) => e.action === 'alarm.acknowledge' && e.target === id) && audit.some((e) => e.action === 'alarm.clear' && e.username === 'tech'), 'acknowledgement and clearing audited');
  t.ok(gw.connected);
});

t.test('ten quick presses → one alarm; a press after acknowledgement → a new alarm', async (t) => {
  const { store, alarms } = await rig(t);
  const results = await Promise.all(Array.from({ length: 10 }, () => alarms.press('km1-2')));
  const ids = new Set(results.map((r) => (r.ok ? r.alarm.id : 'x')));
  t.equal(ids.size, 1, 'one alarm');
  const [id] = [...ids];
  t.equal((await store.alarms.byId(id!))?.presses, 10, 'ten presses counted');
  await alarms.acknowledge(id!, { username: 'central', role: null, ip: null }, 'central');
  const again = await alarms.press('km1-2');
  t.ok(again.ok && again.alarm.id !== id, 'between acknowledgement and clearing a press raises a new alarm');
  t.equal((await store.alarms.open()).length, 2);
});

t.test('acknowledged during the call: "voice connected" stays lit while it lasts and goes out when it is released', async (t) => {
  const { store, gw, alarms, outputs } = await rig(t);
  const r = await alarms.press('km1-2');
  if (!r.ok) return t.fail('no alarm');
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'connected', 3000), 'connected');
  const call = (await store.alarms.byId(r.alarm.id))!.callUuid!;
  const lamp = () => outputs.filter((o) => o.what.startsWith('km1-2:')).at(-1)?.what;
  // The desk is connected at once; the point's intercom joins it in the background.
  t.ok(await until(() => lamp() === 'km1-2:voice-connected', 3000), 'the point\'s voice is connected: "voice connected" lit');
  await alarms.acknowledge(r.alarm.id, { username: 'tech', role: 'technician', ip: null }, 'ui');
  t.equal(lamp(), 'km1-2:voice-connected', 'acknowledged, still talking: "voice connected" stays lit');
  await gw.hangup(call); // what a higher-priority call's force-release (强拆) does to it
  t.ok(await until(() => lamp() === 'km1-2:alarm-sent', 3000), 'the call is gone: back to "alarm sent" (the alarm is still open)');
});

t.test('dispatch busy: the other call is released (强拆), audited', async (t) => {
  const { emu, store, gw, alarms } = await rig(t, config('release'));
  const other = await gw.originate({ target: { kind: 'extension', number: '8000' }, app: { app: 'park' }, timeoutS: 5 });
  t.ok(other.ok, 'the desk is on another call');
  const r = await alarms.press('km1-2');
  if (!r.ok || !other.ok) return;
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'connected', 4000), 'the emergency call got through');
  t.notOk(emu.channels().some((c) => c.uuid === other.value.uuid), 'the other call was released');
  const audit = await store.audit.list(20);
  t.ok(audit.some((e) => e.action === 'alarm.force-release' && e.target === other.value.uuid), 'audited');
});

t.test('dispatch busy: the point barges into the call after a warning tone (强插), audited', async (t) => {
  const { emu, store, gw, alarms } = await rig(t, config('barge'));
  const other = await gw.originate({ target: { kind: 'extension', number: '8000' }, app: { app: 'park' }, timeoutS: 5 });
  t.ok(other.ok, 'the desk is on another call');
  if (!other.ok) return;
  const r = await alarms.press('km1-2');
  if (!r.ok) return;
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'connected', 4000), 'connected into the busy call');
  t.equal((await store.alarms.byId(r.alarm.id))?.callUuid, other.value.uuid, 'the alarm follows the desk’s existing call');
  t.ok(emu.channels().some((c) => c.uuid === other.value.uuid), 'the other call was not released');
  t.ok(await until(() => emu.channels().some((c) => c.destination === '1001' && c.eavesdrop?.target === other.value.uuid && c.eavesdrop.mode === 'barge'), 2000), 'the intercom joined it three-way');
  const audit = await store.audit.list(20);
  t.ok(audit.some((e) => e.action === 'alarm.barge' && e.target === other.value.uuid), 'audited');
  emu.phone('8000').sendDtmf('5');
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'acknowledged', 2000), 'the desk acknowledges on its own call');
});

t.test('no answer → the next target; every target failed → failed, and calling goes on', async (t) => {
  const { emu, store, alarms } = await rig(t, config('next', [{ extension: '8000', ringS: 5 }, { extension: '1002', ringS: 5 }]));
  emu.phone('8000').setBehaviour('unregistered');
  emu.phone('1002').setBehaviour('busy');
  const r = await alarms.press('km1-2');
  if (!r.ok) return;
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'failed', 4000), 'failed after every target');
  const before = (await store.alarms.byId(r.alarm.id))!.attempts;
  emu.phone('1002').setBehaviour('answer');
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'connected', 10_000), 'the next round reaches someone');
  t.ok((await store.alarms.byId(r.alarm.id))!.attempts > before, 'calling went on');
  const log = (await store.alarms.history(r.alarm.id)).map((h) => h.kind);
  t.ok(log.includes('call-failed') && log.includes('round-failed'), 'each failure logged');
});

t.test('a press the database refuses: the lamps and the call go out at once, the alarm is held, then written with its whole history', async (t) => {
  const { emu, store, alarms, outputs, messages } = await rig(t);
  outputs.splice(0);
  const realTx = store.tx.bind(store);
  let refusing = true;
  const full = () => Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL', errno: 13 });
  (store as unknown as { tx: typeof store.tx }).tx = (body, o) => (refusing ? Promise.reject(full()) : realTx(body, o));
  const r = await alarms.press('km1-2');
  if (!r.ok) return t.fail('press refused');
  t.match(r.alarm.id, /^A-\d{8}-99999$/, 'an id from the top of the day’s range: the database’s come from the bottom');
  t.same(outputs.slice(0, 2).map((o) => o.what), ['beacons:true', 'km1-2:alarm-sent'], 'indications on although nothing could be written');
  t.ok(await until(() => emu.channels().some((c) => c.destination === '8000'), 2000), 'the dispatch desk is called at once');
  t.ok(await until(async () => (await alarms.open()).some((a) => a.id === r.alarm.id && a.state === 'connected'), 4000), 'and connected; the alarm is open for the UI while held');
  t.equal(await store.alarms.byId(r.alarm.id), undefined, 'nothing in the database yet');
  const again = await alarms.press('km1-2');
  t.match(again, { ok: true, alarm: { id: r.alarm.id, presses: 2 } }, 'a second press joins the held alarm');
  refusing = false;
  t.ok(await until(async () => !!(await store.alarms.byId(r.alarm.id)), 5000), 'written once the database takes writes again');
  t.match(await store.alarms.byId(r.alarm.id), { state: 'connected', presses: 2 });
  t.same((await store.alarms.history(r.alarm.id)).map((h) => h.kind).slice(0, 4), ['raised', 'calling', 'connected', 'pressed-again'], 'its whole history, in order');
  t.same((await messages()).filter((m) => m.data.id === r.alarm.id).map((m) => m.data.state), ['raised', 'calling', 'connected'], 'every state for central, in order');
  t.match(await alarms.acknowledge(r.alarm.id, { username: 'tech', role: 'technician', ip: null }, 'ui'), { ok: true }, 'and it is handled as any other');
});

/** The disk full from now on: every transaction fails as SQLite does (`full.value = false`: space again). */
function fillDisk(store: Store): { value: boolean } {
  const realTx = store.tx.bind(store);
  const full = { value: true };
  (store as unknown as { tx: typeof store.tx }).tx = (body, o) => (full.value ? Promise.reject(Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' })) : realTx(body, o));
  return full;
}

/** The next urgent read of `what` answers (with the rows as they were) only when released: a slow card. */
function slowRead(store: Store, what: 'byId' | 'openForPoint'): { reached: Promise<void>; release: () => void } {
  const urgentOf = (Object.getOwnPropertyDescriptor(Store.prototype, 'urgent') as { get: (this: Store) => Store['urgent'] }).get;
  let reached: () => void = () => undefined;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let done = false;
  Object.defineProperty(store, 'urgent', {
    configurable: true,
    get: () => {
      const repos = urgentOf.call(store);
      const plain = urgentOf.call(store);
      const read = (x: string): Promise<Alarm | undefined> => plain.alarms[what](x);
      repos.alarms[what] = async (x: string) => {
        const row = await read(x);
        if (done) return row;
        done = true;
        reached();
        await released;
        return row;
      };
      return repos;
    },
  });
  return { reached: new Promise<void>((resolve) => (reached = resolve)), release };
}

const TECH = { username: 'tech', role: 'technician' as const, ip: null };

t.test('the disk full while the desk answers: a clearing held meanwhile stays; the step that waited does not reopen the alarm', async (t) => {
  const { emu, store, alarms, messages } = await rig(t, config(), [
    { number: '8000', name: 'Dispatch', behaviour: 'answer' as const, answerAfterMs: 1500, busyWhenInCall: true },
    { number: '1001', name: 'Intercom', behaviour: 'answer' as const, answerAfterMs: 50 },
  ]);
  const r = await alarms.press('km1-2');
  if (!r.ok) return t.fail('press refused');
  const id = r.alarm.id;
  t.ok(await until(async () => (await store.alarms.byId(id))?.state === 'calling', 1000), 'calling, stored');
  // The disk fills. The answer's step fails to be stored and reads the alarm to hold it; that read
  // answers only after the alarm was cleared (held too).
  const full = fillDisk(store);
  const read = slowRead(store, 'byId');
  await read.reached;
  t.ok(emu.channels().find((c) => c.destination === '8000')?.answered, 'the read is the answer’s step: the desk answered');
  t.match(await alarms.clear(id, TECH, 'ui'), { ok: true, alarm: { state: 'cleared' } }, 'cleared from the UI, held');
  read.release();
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk((await alarms.open()).some((a) => a.id === id), 'the alarm stays cleared: the step read before the clearing does not reopen it');
  full.value = false;
  t.ok(await until(async () => (await store.alarms.byId(id))?.state === 'cleared', 5000), 'written cleared once the disk takes writes');
  const states = (await messages()).filter((m) => m.data.id === id).map((m) => m.data.state);
  t.equal(states.at(-1), 'cleared', `nothing after the clearing at central (${states.join(', ')})`);
  t.equal(states.filter((s) => s === 'cleared').length, 1, 'cleared once');
});

t.test('the disk full: a press that read its point’s open alarm just before it was cleared raises a new alarm, and does not reopen the cleared one', async (t) => {
  const { store, alarms, messages } = await rig(t);
  const r = await alarms.press('km1-2');
  if (!r.ok) return t.fail('press refused');
  const id = r.alarm.id;
  t.ok(await until(async () => ['calling', 'connected'].includes((await store.alarms.byId(id))?.state ?? ''), 2000), 'open, stored');
  const full = fillDisk(store);
  // The press cannot be stored; it reads the point's open alarm to join it, and that read answers
  // only after the alarm was cleared (held).
  const read = slowRead(store, 'openForPoint');
  const again = alarms.press('km1-2');
  await read.reached;
  t.match(await alarms.clear(id, TECH, 'ui'), { ok: true, alarm: { state: 'cleared' } }, 'cleared from the UI, held');
  read.release();
  const pressed = await again;
  if (!pressed.ok) return t.fail('second press refused');
  t.not(pressed.alarm.id, id, 'the press raises a new alarm (the one it read is cleared)');
  const open = (await alarms.open()).map((a) => a.id);
  t.notOk(open.includes(id), 'the cleared alarm is not open again');
  t.same(open, [pressed.alarm.id], 'the new one is, and is called');
  full.value = false;
  t.ok(await until(async () => (await store.alarms.byId(id))?.state === 'cleared' && !!(await store.alarms.byId(pressed.alarm.id)), 5000), 'both written once the disk takes writes: the first cleared');
  const states = (await messages()).filter((m) => m.data.id === id).map((m) => m.data.state);
  t.equal(states.at(-1), 'cleared', `nothing after the clearing at central (${states.join(', ')})`);
});

t.test('a daemon restart during a connected alarm call keeps the call: not re-placed, not released', async (t) => {
  const { emu, store, alarms, gw } = await rig(t);
  const r = await alarms.press('km1-2');
  if (!r.ok) return;
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'connected', 3000));
  const desk = (await store.alarms.byId(r.alarm.id))!.callUuid!;
  await alarms.stop();
  // A new daemon: the alarm service starts before its gateway has connected and resynchronised.
  const bus = new EventBus(log);
  const port = (gw as unknown as { o: { port: number } }).o.port;
  const gw2 = new FreeswitchGateway({ host: '127.0.0.1', port, password: PASSWORD, recordingsDir: join(t.testdirName, 'rec2') }, { store, health: new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined), bus, log });
  const outputs: string[] = [];
  const again = new AlarmService({ config: fixedConfig(config()), store, pbx: gw2, outputs: { point: (p, i) => outputs.push(`${p}:${i}`), beacons: (on) => outputs.push(`beacons:${on}`) }, bus, log });
  await again.start();
  t.ok(outputs.includes('beacons:true') && outputs.includes('km1-2:voice-connected'), 'indications restored at once');
  await gw2.start();
  t.teardown(async () => {
    await again.stop();
    await gw2.stop();
  });
  await new Promise((r) => setTimeout(r, 1500));
  t.equal((await store.alarms.byId(r.alarm.id))?.state, 'connected', 'still connected');
  t.ok(emu.channels().some((c) => c.uuid === desk), 'the dispatcher’s call was not released');
  emu.phone('8000').sendDtmf('5');
  t.ok(await until(async () => (await store.alarms.byId(r.alarm.id))?.state === 'acknowledged', 2000), 'the desk’s key on the same call acknowledges');
});

t.test('self-test: a test alarm to central without calling anyone; passed when the broker took it, a fault when not', async (t) => {
  const { emu, store } = await rig(t);
  const { SelfTest, SELF_TEST_KEY } = await import('../src/alarms/self-test.js');
  const bus = new EventBus(log);
  const st = new SelfTest({ points: () => config().points, store, bus, log, notify: () => undefined, faults: new FaultBook({ store, bus, log, notify: () => undefined }) }, { deadlineMs: 800, pollMs: 50, firstAfterMs: 3_600_000 });
  await st.start();
  t.teardown(() => st.stop());
  const before = emu.channels().length;
  // Passed: central's broker acknowledges the message (the uplink deletes the row on PUBACK).
  const a = await st.begin('km1-2', 'technician', { name: 'tech', role: 'technician' });
  const row = (await store.outbox.peek(100)).find((r) => r.orderKey === a.alarmId)!;
  t.match(row.envelope, { type: 'alarm', data: { id: a.alarmId, state: 'test', test: true, event: 'self-test' } }, 'the test alarm is queued for central');
  t.equal((await store.alarms.byId(a.alarmId))?.state, 'test');
  await store.outbox.acknowledge(row.seq);
  const ok = await a.done;
  t.match(ok, { ok: true, source: 'technician', pointId: 'km1-2' });
  t.match(await store.alarms.byId(a.alarmId), { state: 'cleared', clearSource: 'self-test' }, 'closed once delivered');
  const final = (await store.outbox.peek(100)).filter((r) => r.orderKey === a.alarmId).map((r) => r.envelope.data as { state: string; event: string });
  t.match(final, [{ state: 'cleared', event: 'self-test-passed' }], 'and its final state is queued for central like any alarm’s');
  t.equal(emu.channels().length, before, 'nobody was called');
  // Failed: nothing takes it within the deadline.
  const b = await st.begin(undefined, 'periodic', { name: 'system' });
  const bad = await b.done;
  t.match(bad, { ok: false, detail: /not delivered to central/ });
  t.same((await store.outbox.peek(100)).filter((r) => r.orderKey === b.alarmId).map((r) => (r.envelope.data as { state: string; event: string }).event), ['self-test', 'self-test-failed'], 'a failed test’s end goes to central too, after its start');
  t.match(await store.settings.get(SELF_TEST_KEY), { alarmId: b.alarmId, ok: false }, 'the result is kept for the UI');
  const events = (await store.outbox.peek(100)).filter((r) => r.type === 'event').map((r) => r.envelope.data as { kind: string; code: string; state: string });
  t.ok(events.some((e) => e.kind === 'fault' && e.code === 'failed' && e.state === 'raised'), 'and reported to central as a fault event');
  t.match(await store.faults.open(), [{ key: 'self-test:failed', source: 'self-test', detail: /not delivered to central/ }], 'a fault record is open');
  // The next test that passes clears the fault.
  const c = await st.begin('km1-2', 'technician', { name: 'tech', role: 'technician' });
  const crow = (await store.outbox.peek(100)).find((r) => r.orderKey === c.alarmId)!;
  await store.outbox.acknowledge(crow.seq);
  t.match(await c.done, { ok: true });
  t.same(await store.faults.open(), [], 'a passing test clears the fault');
  t.match(await store.faults.recent(5), [{ key: 'self-test:failed', clearedAt: /^20/ }], 'and the record keeps when it was cleared');
  t.equal((await store.alarms.open()).filter((x) => !x.test).length, 0, 'no real alarm was raised');
});

t.test('acknowledged while the desk still rings: the call, once answered, is not left up', async (t) => {
  const { emu, alarms } = await rig(t, config(), [
    { number: '8000', name: 'Dispatch', behaviour: 'answer' as const, answerAfterMs: 700, busyWhenInCall: true },
    { number: '1001', name: 'Intercom', behaviour: 'answer' as const, answerAfterMs: 50 },
    { number: '1002', name: 'Backup', behaviour: 'answer' as const, answerAfterMs: 150 },
  ]);
  const r = await alarms.press('km1-2');
  if (!r.ok) return t.fail('press refused');
  t.ok(await until(() => emu.channels().some((c) => c.destination === '8000'), 2000), 'the desk rings');
  t.match(await alarms.acknowledge(r.alarm.id, { username: 'tech', role: 'technician', ip: null }, 'ui'), { ok: true }, 'acknowledged on site meanwhile');
  await new Promise((res) => setTimeout(res, 1500));
  t.same(emu.channels().map((c) => c.destination), [], 'the answered desk and the intercom were hung up');
});

t.test('self-test with a test line: the call must be answered too, and nobody else is called', async (t) => {
  const cfg = config();
  cfg.points[0]!.testCall = '8099';
  const { emu, store, gw } = await rig(t, cfg, [
    { number: '8000', name: 'Dispatch', behaviour: 'answer' as const, answerAfterMs: 150, busyWhenInCall: true },
    { number: '1001', name: 'Intercom', behaviour: 'answer' as const, answerAfterMs: 50 },
    { number: '1002', name: 'Backup', behaviour: 'answer' as const, answerAfterMs: 150 },
    { number: '8099', name: 'Test line', behaviour: 'answer' as const, answerAfterMs: 100 },
  ]);
  const { SelfTest } = await import('../src/alarms/self-test.js');
  const bus = new EventBus(log);
  const st = new SelfTest({ points: () => cfg.points, store, bus, log, notify: () => undefined, faults: new FaultBook({ store, bus, log, notify: () => undefined }) }, { deadlineMs: 3000, pollMs: 50, firstAfterMs: 3_600_000, pbx: gw, testCallRingS: 5 });
  const dialled: string[] = [];
  emu.on('command', (c: string) => { const m = /originate .*user\/(\d+)/.exec(c); if (m) dialled.push(m[1]!); });
  const ack = async (id: string) => {
    const row = (await store.outbox.peek(100)).find((r) => r.orderKey === id)!;
    await store.outbox.acknowledge(row.seq);
  };
  const a = await st.begin('km1-2', 'technician', { name: 'tech', role: 'technician' });
  await ack(a.alarmId);
  t.match(await a.done, { ok: true, detail: /central's broker took the test alarm.*; the test line answered/ });
  t.same(dialled, ['8099'], 'only the test line was called');
  t.ok(await until(() => emu.channels().length === 0, 2000), 'and hung up');
  emu.phone('8099').unregister();
  const b = await st.begin('km1-2', 'technician', { name: 'tech', role: 'technician' });
  await ack(b.alarmId);
  t.match(await b.done, { ok: false, detail: /delivered|took/ });
  t.match((await st.last())?.detail, /the test call to 8099 failed/, 'a test line that does not answer fails the test');
  t.match(await store.faults.open(), [{ key: 'self-test:failed' }]);
});
