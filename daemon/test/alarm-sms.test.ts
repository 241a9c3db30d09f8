// SMS as an alarm channel, without a modem in the way: what is queued, when,
// in which language; nothing lost to a power cut between the alarm's commit
// and the queueing; and the GSM trunk refused to routing while no modem can
// take a call.
import { join } from 'node:path';
import t from 'tap';
import pino from 'pino';
import { fixedConfig } from '../src/config/holder.js';
import type { AlarmPbx } from '../src/alarms/ports.js';
import { configFrom } from '../src/config/load.js';
import { EventBus } from '../src/events/bus.js';
import { AlarmSms } from '../src/lines/alarm-sms.js';
import { withGsmTrunk } from '../src/lines/gsm-trunk.js';
import type { Alarm } from '../src/contracts/alarms.js';
import { Store } from '../src/store/store.js';

const log = pino({ level: 'silent' });
const config = configFrom({
  site: 'tunnel-a', node: 'c3',
  points: [
    { id: 'km1', input: 'in1', label: 'SOS km 1', zone: 'a', escalation: { targets: [{ extension: '8000' }], sms: { to: ['+8613800138000', '+8613900139000'], language: 'en', on: ['raised', 'failed'] } } },
    { id: 'km2', input: 'in2', label: 'SOS km 2', zone: 'a', escalation: { targets: [{ extension: '8000' }] } },
  ],
});

const alarm = (id: string, pointId: string, state: Alarm['state'], test = false): Alarm => ({
  id, pointId, zone: 'a', state, test, raisedAt: '2026-11-25T10:00:00Z', updatedAt: '2026-11-25T10:00:01Z', presses: 1, attempts: 0, target: null, callUuid: null,
  connectedAt: null, acknowledgedAt: null, acknowledgedBy: null, ackSource: null, clearedAt: null, clearedBy: null, clearSource: null,
});

t.test('which alarm changes send an SMS, to whom, once', async (t) => {
  const store = await Store.open(join(t.testdir(), 'd'), { site: 's', node: 'n' });
  t.teardown(() => store.close());
  const bus = new EventBus(log);
  const queued: Array<{ to: string; text: string; alarmId?: string }> = [];
  const sms = new AlarmSms({ config: fixedConfig(config), store, bus, sms: { queue: async (to, text, o) => (queued.push({ to, text, alarmId: o.alarmId }), { ok: true, id: queued.length }) }, log });
  await sms.start();
  bus.emit('alarm', alarm('A-20261125-1', 'km1', 'raised'));
  bus.emit('alarm', alarm('A-20261125-1', 'km1', 'calling'));
  bus.emit('alarm', alarm('A-20261125-1', 'km1', 'failed'));
  bus.emit('alarm', alarm('A-20261125-1', 'km1', 'calling'));
  bus.emit('alarm', alarm('A-20261125-1', 'km1', 'failed'));
  bus.emit('alarm', alarm('A-20261125-1', 'km1', 'acknowledged'));
  bus.emit('alarm', alarm('A-20261125-2', 'km2', 'raised'));
  bus.emit('alarm', alarm('A-20261125-3', 'km1', 'test', true));
  await sms.stop();
  t.same(queued.map((q) => `${q.to} ${q.text.split(':')[0]}`), [
    '+8613800138000 EMERGENCY tunnel-a', '+8613900139000 EMERGENCY tunnel-a',
    '+8613800138000 EMERGENCY A-20261125-1 SOS km 1', '+8613900139000 EMERGENCY A-20261125-1 SOS km 1',
  ], 'raised and the first failed round to both numbers; not every round, not acknowledged (not in `on`), not a plan without sms, not a test');
  t.ok(queued.every((q) => q.alarmId === 'A-20261125-1'));
});

t.test('an alarm committed just before a power cut still gets its SMS at the next start, once', async (t) => {
  const store = await Store.open(join(t.testdir(), 'd'), { site: 's', node: 'n' });
  t.teardown(() => store.close());
  await store.tx((r) => r.alarms.insert(alarm('A-20261125-7', 'km1', 'calling')));
  const bus = new EventBus(log);
  const queued: string[] = [];
  const queue = { queue: async (to: string, text: string, o: { alarmId?: string; tag?: string }) => {
    const row = await store.sms.insert({ direction: 'out', modem: 'gsm0', peer: to, text, status: 'queued', alarmId: o.alarmId ?? null, tag: o.tag ?? null });
    queued.push(to);
    return { ok: true as const, id: row.id };
  } };
  const first = new AlarmSms({ config: fixedConfig(config), store, bus, sms: queue, log });
  await first.start();
  await first.stop();
  t.same(queued, ['+8613800138000', '+8613900139000'], 'queued at start');
  const second = new AlarmSms({ config: fixedConfig(config), store, bus, sms: queue, log });
  await second.start();
  await second.stop();
  t.equal(queued.length, 2, 'not again after another restart');
  // Power failed after the first of two numbers was queued: only the second is queued at the next start.
  await store.tx((r) => r.alarms.insert(alarm('A-20261125-8', 'km1', 'raised')));
  await store.sms.insert({ direction: 'out', modem: 'gsm0', peer: '+8613800138000', text: 'x', status: 'sent', alarmId: 'A-20261125-8', tag: 'alarm A-20261125-8 raised' });
  // An acknowledged alarm gets no late "EMERGENCY … reply ACK".
  await store.tx((r) => r.alarms.insert(alarm('A-20261125-9', 'km1', 'acknowledged')));
  queued.splice(0);
  const third = new AlarmSms({ config: fixedConfig(config), store, bus, sms: queue, log });
  await third.start();
  await third.stop();
  t.same(queued, ['+8613900139000'], 'only the number that had not got it, and nothing for the acknowledged alarm');
});

t.test('routing: a GSM target is refused at once, with the reason, while no modem can take the call', async (t) => {
  const placed: string[] = [];
  const pbx = { originate: async (o: { target: { kind: string } }) => (placed.push(o.target.kind), { ok: true, value: { uuid: 'u' } }), channels: { list: () => [], get: () => undefined } } as unknown as AlarmPbx;
  let trunk = { available: false, reason: 'GSM modem gsm0: no signal' };
  const routed = withGsmTrunk(pbx, () => trunk);
  t.match(await routed.originate({ target: { kind: 'gsm', number: '+8613800138000' }, app: { app: 'park' } }), { ok: false, reason: 'rejected', message: 'GSM trunk unavailable: GSM modem gsm0: no signal' });
  t.same(placed, [], 'nothing rang a dead gateway');
  t.match(await routed.originate({ target: { kind: 'extension', number: '8000' }, app: { app: 'park' } }), { ok: true }, 'other targets go through');
  trunk = { available: true, reason: 'through gsm0' };
  t.match(await routed.originate({ target: { kind: 'gsm', number: '+8613800138000' }, app: { app: 'park' } }), { ok: true });
  t.same(placed, ['extension', 'gsm']);
  t.equal(routed.channels.list().length, 0, 'everything else is the gateway itself');
});

t.test('the time in the SMS is the site’s (timeZone in the configuration)', async (t) => {
  const store = await Store.open(join(t.testdir(), 'd'), { site: 's', node: 'n' });
  t.teardown(() => store.close());
  const bus = new EventBus(log);
  const texts: string[] = [];
  const inShanghai = { ...config, timeZone: 'Asia/Shanghai' };
  const sms = new AlarmSms({ config: fixedConfig(inShanghai), store, bus, sms: { queue: async (_to, text) => (texts.push(text), { ok: true, id: texts.length }) }, log });
  await sms.start();
  bus.emit('alarm', alarm('A-20261125-1', 'km1', 'raised'));
  await sms.stop();
  t.match(texts[0], /2026-11-25 18:00/, 'raised at 10:00 UTC reads 18:00 in Asia/Shanghai');
  t.throws(() => configFrom({ site: 'a', node: 'b', timeZone: 'Mars/Olympus' }), /not a time zone this system knows/, 'an unknown zone is refused, named');
});
