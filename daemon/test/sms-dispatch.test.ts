// The outgoing SMS queue: any ready modem sends, alarm texts first; a text
// whose alarm was answered meanwhile is not sent late; failures are retried
// then given up; texts stuck in the queue are a fault; a store failure does
// not take the daemon down or send a message twice.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import pino from 'pino';
import { FaultBook } from '../src/alarms/faults.js';
import { EventBus } from '../src/events/bus.js';
import { SmsDispatch, SMS_STUCK_KEY, type SmsDispatchOptions, type SmsModem } from '../src/lines/sms-dispatch.js';
import type { Alarm } from '../src/contracts/alarms.js';
import { Store } from '../src/store/store.js';

const log = pino({ level: 'silent' });
const until = async (cond: () => boolean | Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await cond()) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

function fakeModem(id: string, ready: boolean) {
  const sent: Array<{ to: string; text: string }> = [];
  const m = { id, isReady: ready, fail: undefined as string | undefined, sent, ready: () => m.isReady, send: async (to: string, text: string) => (m.fail ? { ok: false as const, error: m.fail } : (sent.push({ to, text }), { ok: true as const, refs: [sent.length], parts: [{ part: 1, ref: sent.length }], total: 1 })) };
  return m satisfies SmsModem;
}

async function rig(t: Test, opts: SmsDispatchOptions = {}) {
  const store = await Store.open(join(t.testdir(), 'd'), { site: 's', node: 'n' });
  const bus = new EventBus(log);
  const faults = new FaultBook({ store, bus, log, notify: () => undefined });
  const d = new SmsDispatch({ store, bus, faults, log, notify: () => undefined }, opts);
  t.teardown(async () => {
    await d.stop();
    await store.close();
  });
  return { store, faults, d };
}

t.test('a ready modem sends what another one cannot; alarm texts go first', async (t) => {
  const { store, d } = await rig(t);
  const a = fakeModem('gsm0', false);
  const b = fakeModem('gsm1', false);
  d.add(a);
  d.add(b);
  d.start();
  t.match(await d.queue('+8613700000000', 'test', { modem: 'gsm0' }), { ok: true });
  t.match(await d.queue('+8613800138000', 'EMERGENCY', { alarmId: 'A-20261125-1', tag: 'alarm A-20261125-1 raised' }), { ok: true });
  t.match(await d.queue('13800; ATD112', 'x'), { ok: false, error: /is not a phone number/ }, 'a bad number never reaches a modem');
  t.match(await d.queue('+8613800138000', 'x', { modem: 'gsm9' }), { ok: false, error: 'no modem gsm9' });
  t.same(a.sent.length + b.sent.length, 0, 'nothing ready, nothing sent');
  b.isReady = true;
  d.kick();
  t.ok(await until(() => b.sent.length === 2));
  t.same(b.sent.map((m) => m.text), ['EMERGENCY', 'test'], 'the second modem sent both, the alarm text first');
  t.ok(await until(async () => (await store.sms.recent(5)).every((m) => m.status === 'sent')), 'both rows marked');
  t.same((await store.sms.recent(5)).map((m) => [m.status, m.modem]), [['sent', 'gsm1'], ['sent', 'gsm1']], 'recorded as sent by the modem that sent them');
});

t.test('an emergency text that waited until its alarm was acknowledged is not sent', async (t) => {
  const { store, d } = await rig(t);
  const a = fakeModem('gsm0', false);
  d.add(a);
  d.start();
  const now = new Date().toISOString();
  await store.tx((r) => r.alarms.insert({ id: 'A-20261125-2', pointId: 'p', zone: 'z', state: 'acknowledged', test: false, raisedAt: now, updatedAt: now, presses: 1, attempts: 0, target: null, callUuid: null, connectedAt: null, acknowledgedAt: now, acknowledgedBy: 'ui', ackSource: 'ui', clearedAt: null, clearedBy: null, clearSource: null } satisfies Alarm));
  const q = await d.queue('+8613800138000', 'EMERGENCY', { alarmId: 'A-20261125-2', tag: 'alarm A-20261125-2 raised' });
  a.isReady = true;
  d.kick();
  t.ok(await until(async () => (await store.sms.byId(q.ok ? q.id : 0))?.status === 'failed'));
  t.match(await store.sms.byId(q.ok ? q.id : 0), { status: 'failed', detail: /already acknowledged/ });
  t.same(a.sent, [], 'nobody got a stale emergency text');
});

t.test('a refused send is retried, then given up; alarm texts stuck in the queue are a fault', async (t) => {
  const { store, d, faults } = await rig(t);
  const a = fakeModem('gsm0', true);
  a.fail = '+CMS ERROR: network timeout';
  d.add(a);
  d.start();
  const q = await d.queue('+8613800138000', 'EMERGENCY', { alarmId: 'A-20261125-3', tag: 'alarm A-20261125-3 raised' });
  const id = q.ok ? q.id : 0;
  t.ok(await until(async () => /attempt 1 failed: \+CMS ERROR: network timeout/.test((await store.sms.byId(id))?.detail ?? '')));
  t.equal((await store.sms.byId(id))?.status, 'queued', 'kept queued for the next attempt');
  await d.checkStuck(Date.now() + 6 * 60_000);
  await faults.settled();
  t.match(await store.faults.open(), [{ key: SMS_STUCK_KEY, code: 'sms-stuck', detail: /1 alarm SMS waiting for more than 5 min \(sending fails\): A-20261125-3/ }]);
  a.fail = undefined;
  await store.sms.update(id, { status: 'sent' });
  await d.checkStuck(Date.now() + 6 * 60_000);
  t.same(await store.faults.open(), [], 'cleared when nothing waits');
});

t.test('the store failing after the network took a message: no crash, and not sent again', async (t) => {
  const { store, d } = await rig(t);
  const a = fakeModem('gsm0', true);
  d.add(a);
  const q = await d.queue('+8613800138000', 'hello');
  const realTx = store.tx.bind(store);
  let broken = true;
  (store as { tx: Store['tx'] }).tx = ((body) => (broken ? Promise.reject(new Error('SQLITE_FULL: database or disk is full')) : realTx(body)));
  d.start();
  t.ok(await until(() => a.sent.length === 1));
  await new Promise((r) => setTimeout(r, 100));
  d.kick();
  await new Promise((r) => setTimeout(r, 100));
  t.equal(a.sent.length, 1, 'the row is still queued on disk, but it is not sent twice');
  broken = false;
  t.equal((await store.sms.byId(q.ok ? q.id : 0))?.status, 'queued');
});

t.test('a delivery report that comes before its part is recorded is applied once it is', async (t) => {
  const { store, d } = await rig(t);
  // A fast network: the report arrives while the send is still returning.
  const m = { id: 'gsm0', ready: () => true, send: async () => {
    void d.delivered('gsm0', 77, true, true, 0);
    await new Promise((r) => setTimeout(r, 50));
    return { ok: true as const, refs: [77], parts: [{ part: 1, ref: 77 }], total: 1 };
  } } satisfies SmsModem;
  d.add(m);
  d.start();
  const q = await d.queue('+8613800138000', 'quick');
  t.ok(await until(async () => (await store.sms.byId(q.ok ? q.id : 0))?.status === 'delivered'), 'delivered, not stuck at sent');
});

t.test('parts that went out from a modem that can no longer send: another modem sends the whole message', async (t) => {
  const { store, d } = await rig(t, { retryMs: [20, 20] });
  const sends: Array<{ modem: string; resend?: unknown }> = [];
  let firstUp = true;
  const first = { id: 'gsm0', ready: () => firstUp, send: async (_to: string, _text: string, resend?: unknown) => {
    sends.push({ modem: 'gsm0', resend });
    firstUp = false;
    return { ok: false as const, error: 'SMS to +8613800138000 not sent (part 2 of 2; 1 sent): network out of order', parts: [{ part: 1, ref: 5 }], total: 2, concatRef: 9 };
  } } satisfies SmsModem;
  const second = { id: 'gsm1', ready: () => true, send: async (_to: string, _text: string, resend?: unknown) => {
    sends.push({ modem: 'gsm1', resend });
    return { ok: true as const, refs: [1, 2], parts: [{ part: 1, ref: 1 }, { part: 2, ref: 2 }], total: 2, concatRef: 44 };
  } } satisfies SmsModem;
  d.add(first);
  d.add(second);
  d.start();
  const q = await d.queue('+8613800138000', 'x'.repeat(200), { modem: 'gsm0' });
  const id = q.ok ? q.id : 0;
  t.ok(await until(async () => (await store.sms.byId(id))?.status === 'sent'));
  t.same(sends, [{ modem: 'gsm0', resend: undefined }, { modem: 'gsm1', resend: undefined }], 'whole from the second modem: from another SIM the first part cannot be completed');
  t.same((await store.smsParts.of(id)).map((p) => [p.modem, p.part, p.mr, p.concatRef]), [['gsm1', 1, 1, 44], ['gsm1', 2, 2, 44]], 'the first attempt\'s part is forgotten');
  t.match(await store.sms.byId(id), { modem: 'gsm1', refs: [1, 2] });
});
