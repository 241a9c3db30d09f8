// Long SMS through the whole lines stack — the store, the SMS queue, the
// daemon's GSM line and the real driver on a socat pty — against the modem
// simulator, which plays the network and the recipients' phones:
//  - a multi-part message is delivered only when the status report of every
//    part says so, and failed as soon as one part's report says it failed;
//  - when the network refuses a later part, only the parts that did not go
//    out are sent again, under the same concatenation reference, so the
//    recipient's phone completes the message: no orphan part, no duplicate.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import pino from 'pino';
import { FaultBook } from '../src/alarms/faults.js';
import { EventBus } from '../src/events/bus.js';
import { GsmLine } from '../src/lines/gsm-line.js';
import { SmsDispatch } from '../src/lines/sms-dispatch.js';
import { Store } from '../src/store/store.js';
import { ptyRig, until } from '../../hardware/test/gsm-helpers.js';
import { skipUnless } from './helpers/tools.js';

const log = pino({ level: 'silent' });
const SOCAT = { skip: skipUnless('socat') };
const TO = '+8613800138000';
/** 400 GSM 7-bit characters: three parts of at most 153 (23.040 §9.2.3.24.1 with the 6-octet UDH). */
const LONG = Array.from({ length: 10 }, (_, i) => `Alarm ${i} at call point 3, east wing. `.padEnd(40, '.')).join('');

async function rig(t: Test) {
  const store = await Store.open(join(t.testdir(), 'd'), { site: 's', node: 'n' });
  const bus = new EventBus(log);
  const faults = new FaultBook({ store, bus, log, notify: () => undefined });
  const dispatch = new SmsDispatch({ store, bus, faults, log, notify: () => undefined }, { retryMs: [200, 200, 200] });
  const modem = await ptyRig();
  const line = new GsmLine({ id: 'gsm0', port: 'pty', modem: modem.gsm, store, faults, sms: dispatch, log, changed: () => undefined, notify: () => undefined });
  dispatch.add(line);
  line.start();
  dispatch.start();
  t.teardown(async () => {
    await dispatch.stop();
    await line.stop();
    await modem.close();
    await store.close();
  });
  await until(() => modem.gsm.status().state === 'ready' && modem.gsm.status().rssi !== undefined, 'the modem ready', 10_000);
  return { store, dispatch, sim: modem.sim };
}

const waitFor = async (cond: () => Promise<boolean>, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

t.test('a three-part SMS is delivered when the reports of all three parts say so, not at the first', SOCAT, async (t) => {
  const { store, dispatch, sim } = await rig(t);
  t.equal(LONG.length, 400);
  const q = await dispatch.queue(TO, LONG);
  if (!q.ok) return t.fail(q.error);
  await until(() => sim.sent.length === 1, 'the message at the network');
  t.equal(sim.sent[0]?.parts, 3);
  const [mr1, mr2, mr3] = sim.sent[0]?.mrs ?? [];
  await waitFor(async () => (await store.sms.byId(q.id))?.status === 'sent', 'sent');

  sim.deliverReport(mr1 ?? -1, true);
  sim.deliverReport(mr2 ?? -1, true);
  await waitFor(async () => sim.memory().length === 0, 'both reports read');
  await new Promise((r) => setTimeout(r, 200));
  t.match(await store.sms.byId(q.id), { status: 'sent', detail: /2 of 3 parts delivered/ }, 'two of three parts: not yet delivered');
  sim.deliverReport(mr3 ?? -1, true);
  await waitFor(async () => (await store.sms.byId(q.id))?.status === 'delivered', 'delivered once all three are');
  t.match(await store.sms.byId(q.id), { status: 'delivered', detail: null });
  const events = (await store.outbox.peek(100)).map((m) => m.envelope.data as { kind: string; id?: number; status?: string });
  t.same(events.filter((e) => e.kind === 'sms' && e.id === q.id).map((e) => e.status), ['queued', 'sent', 'delivered'], 'central hears delivered once, at the end');
});

t.test('a later part whose report says it failed fails the message, even after the first part was delivered', SOCAT, async (t) => {
  const { store, dispatch, sim } = await rig(t);
  const q = await dispatch.queue(TO, LONG);
  if (!q.ok) return t.fail(q.error);
  await until(() => sim.sent.length === 1, 'the message at the network');
  const [mr1, mr2, mr3] = sim.sent[0]?.mrs ?? [];
  await waitFor(async () => (await store.sms.byId(q.id))?.status === 'sent', 'sent');
  sim.deliverReport(mr1 ?? -1, true);
  await waitFor(async () => /1 of 3 parts delivered/.test((await store.sms.byId(q.id))?.detail ?? ''), 'part 1 delivered');
  sim.deliverReport(mr3 ?? -1, false); // TP-ST 0x41: incompatible destination, permanent
  await waitFor(async () => (await store.sms.byId(q.id))?.status === 'failed', 'failed by part 3');
  t.match(await store.sms.byId(q.id), { status: 'failed', detail: /part 3 of 3 not delivered \(TP-ST 0x41\)/ });
  sim.deliverReport(mr2 ?? -1, true);
  await new Promise((r) => setTimeout(r, 300));
  t.equal((await store.sms.byId(q.id))?.status, 'failed', 'a later good report does not undo the failure');
});

t.test('the network refuses part 2 of 3: parts 2 and 3 are sent again under the same reference, part 1 is not', SOCAT, async (t) => {
  const { store, dispatch, sim } = await rig(t);
  sim.refuseSubmit(2, '+CMS ERROR: 38'); // 27.005 §3.2.5: network out of order
  const q = await dispatch.queue(TO, LONG);
  if (!q.ok) return t.fail(q.error);
  await waitFor(async () => (await store.sms.byId(q.id))?.status === 'sent', 'sent after the retry', 20_000);
  t.equal(sim.sent.length, 1, 'the recipient has one whole message');
  t.equal(sim.sent[0]?.text, LONG);
  t.same(sim.incomplete(), [], 'and no orphan part waiting for the rest of a message');
  const ref = sim.sent[0]?.ref;
  t.same(sim.partsSent.map((p) => [p.part, p.ref]), [[1, ref], [2, ref], [3, ref]], 'each part went out once, all under one reference');
  const row = await store.sms.byId(q.id);
  t.same(row?.refs, sim.partsSent.map((p) => p.mr), 'the row names every part\'s TP-MR');
  for (const mr of row?.refs ?? []) sim.deliverReport(mr, true);
  await waitFor(async () => (await store.sms.byId(q.id))?.status === 'delivered', 'delivered');
});
