// SMS commands: parsing as phones send them, the allow-list, the reply, and a
// message the modem offers twice is obeyed once.
import { join } from 'node:path';
import t from 'tap';
import pino from 'pino';
import { fixedConfig } from '../src/config/holder.js';
import { configFrom } from '../src/config/load.js';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { parseSmsCommand, sameNumber } from '../src/lines/sms-commands.js';
import { SmsInbox } from '../src/lines/sms-inbox.js';
import { alarmSms } from '../src/lines/sms-text.js';
import { Store } from '../src/store/store.js';
import type { Alarm } from '../src/contracts/alarms.js';

const log = pino({ level: 'silent' });

t.test('commands as phones send them', async (t) => {
  t.same(parseSmsCommand('STATUS'), { kind: 'status' });
  t.same(parseSmsCommand('  status \n'), { kind: 'status' });
  t.same(parseSmsCommand('状态'), { kind: 'status' });
  t.same(parseSmsCommand('ack A-20261125-3'), { kind: 'ack', alarmId: 'A-20261125-3' });
  t.same(parseSmsCommand('ACK：A-20261125-3'), { kind: 'ack', alarmId: 'A-20261125-3' }, 'a full-width colon from a Chinese keyboard');
  t.same(parseSmsCommand('ＡＣＫ　Ａ-20261125-3'), { kind: 'ack', alarmId: 'A-20261125-3' }, 'full-width letters and space');
  t.same(parseSmsCommand('确认 A-20261125-12'), { kind: 'ack', alarmId: 'A-20261125-12' });
  t.match(parseSmsCommand('ACK 3'), { kind: 'unknown' }, 'an ACK without a valid alarm id is not a command');
  t.match(parseSmsCommand('ACK A-20261125-3; DROP TABLE'), { kind: 'unknown' });
  t.match(parseSmsCommand('STATUS please'), { kind: 'unknown' });
  t.ok(sameNumber('+86 138-0013-8000', '008613800138000'));
  t.notOk(sameNumber('+8613800138000', '13800138000'), 'national and international forms are not guessed equal');
});

t.test('alarm texts in both languages fit what a phone shows', async (t) => {
  const a = { id: 'A-20261125-3', pointId: 'p', raisedAt: '2026-11-25T06:07:00Z', updatedAt: '2026-11-25T06:09:00Z', acknowledgedBy: 'sms:+8613800138000' } as Alarm;
  const point = configFrom({ site: 's', node: 'n', points: [{ id: 'p', input: 'in1', label: 'SOS km 1.2', location: 'Tunnel A', zone: 'z', escalation: { targets: [{ extension: '8000' }] } }] }).points[0];
  t.equal(alarmSms(a, point, 'raised', 'en', 'tunnel-a', 'UTC'), 'EMERGENCY tunnel-a: SOS km 1.2, Tunnel A at 2026-11-25 06:07, alarm A-20261125-3. Reply ACK A-20261125-3 to acknowledge.');
  t.equal(alarmSms(a, point, 'raised', 'zh-CN', 'tunnel-a', 'Asia/Shanghai'), '【紧急告警】tunnel-a SOS km 1.2, Tunnel A 2026-11-25 14:07 告警 A-20261125-3。回复 ACK A-20261125-3 确认。', 'local time of the site; 告警, the word for an alarm raised by equipment');
  for (const ev of ['raised', 'failed', 'acknowledged', 'cleared'] as const) t.notMatch(alarmSms(a, point, ev, 'zh-CN', 'tunnel-a'), /报警/, `${ev}: 告警, not 报警`);
  t.ok([...alarmSms(a, point, 'raised', 'zh-CN', 'tunnel-a')].length <= 70 * 2, 'at most two UCS2 parts');
});

t.test('the inbox: allow-list, reply, once only', async (t) => {
  const dir = t.testdir();
  const store = await Store.open(join(dir, 'data'), { site: 's', node: 'n' });
  t.teardown(() => store.close());
  const bus = new EventBus(log);
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const replies: Array<{ to: string; text: string }> = [];
  const config = configFrom({ site: 'tunnel-a', node: 'c3', lines: { smsCommands: { allowFrom: ['+8613800138000'] } } });
  const inbox = new SmsInbox({ config: fixedConfig(config), store, bus, alarms: undefined, faults: undefined, health, replies: { queue: async (to, text) => (replies.push({ to, text }), { ok: true, id: 1 }) }, log, notify: () => undefined });

  const stranger = await inbox.receive('gsm0', { from: '+8613999999999', text: 'STATUS', sentAt: '2026-11-25T10:00:00+08:00', parts: 1 });
  await stranger.handled;
  t.match(stranger.row, { status: 'ignored' });
  t.same(replies, [], 'a stranger gets no answer');

  const m = { from: '+8613800138000', text: 'status', sentAt: '2026-11-25T10:01:00+08:00', parts: 1 };
  const first = await inbox.receive('gsm0', m);
  await first.handled;
  t.match(await store.sms.byId(first.row.id), { status: 'handled', detail: 'STATUS answered' });
  t.match(replies, [{ to: '+8613800138000', text: /^tunnel-a\/c3 .*: 0 open alarm\(s\); 0 fault\(s\)\.$/ }]);
  const again = await inbox.receive('gsm0', m);
  await again.handled;
  t.equal(again.row.id, first.row.id, 'offered again by the modem: the stored message, not a new one');
  t.equal(replies.length, 1, 'and not answered twice');
  t.equal((await store.sms.recent(10)).filter((x) => x.direction === 'in').length, 2);
  const bad = await inbox.receive('gsm0', { ...m, text: 'hello', sentAt: '2026-11-25T10:02:00+08:00' });
  await bad.handled;
  t.match(replies[1], { text: /^Commands: STATUS, or ACK <alarm id>/ }, 'not a command: the usage');
  const audit = await store.audit.list(10);
  t.ok(audit.some((e) => e.action === 'sms.status' && e.username === 'sms:+8613800138000'), 'commands are audited');
  t.ok(audit.some((e) => e.action === 'sms.command' && e.outcome === 'failed'));
});

t.test('replies in the language of the plan the sender is on call for, else the sender\'s own', async (t) => {
  const dir = t.testdir();
  const store = await Store.open(join(dir, 'data'), { site: 's', node: 'n' });
  t.teardown(() => store.close());
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const replies: Array<{ to: string; text: string }> = [];
  const ONCALL_ZH = '+8613800138000';
  const ONCALL_EN = '+4420700000000';
  const config = configFrom({
    site: 'tunnel-a', node: 'c3',
    points: [
      { id: 'p1', input: 'in1', label: 'SOS 1', zone: 'z', escalation: { targets: [{ extension: '8000' }], sms: { to: [ONCALL_ZH], language: 'zh-CN' } } },
      { id: 'p2', input: 'in2', label: 'SOS 2', zone: 'z', escalation: { targets: [{ extension: '8000' }], sms: { to: [ONCALL_EN], language: 'en' } } },
    ],
    lines: { smsCommands: { allowFrom: ['+8613911112222', '+4479000000000'] } },
  });
  const inbox = new SmsInbox({ config: fixedConfig(config), store, bus: new EventBus(log), alarms: undefined, faults: undefined, health, replies: { queue: async (to, text) => (replies.push({ to, text }), { ok: true, id: 1 }) }, log, notify: () => undefined });
  let n = 0;
  const ask = async (from: string, text: string) => {
    const r = await inbox.receive('gsm0', { from, text, sentAt: `2026-11-25T10:0${n++}:00+08:00`, parts: 1 });
    await r.handled;
    return replies.at(-1)?.text ?? '';
  };
  t.equal(await ask(ONCALL_ZH, 'STATUS'), 'tunnel-a/c3 状态正常：未结束告警 0 个；故障 0 个。', 'on call for a Chinese plan, though written in Latin letters');
  t.equal(await ask(ONCALL_ZH, 'ACK A-20261125-3'), '未配置紧急呼叫点。');
  t.match(await ask(ONCALL_ZH, 'hello'), /^命令：状态（STATUS），或 确认 <告警编号>（ACK A-20261125-3）。$/);
  t.match(await ask(ONCALL_EN, 'STATUS'), /^tunnel-a\/c3 OK: 0 open alarm\(s\); 0 fault\(s\)\.$/, 'on call for an English plan');
  t.match(await ask('+8613911112222', '状态'), /^tunnel-a\/c3 状态正常/, 'not on call: a +86 number writing Chinese gets Chinese');
  t.match(await ask('+4479000000000', 'STATUS'), /^tunnel-a\/c3 OK/, 'anyone else writing in Latin letters: English');
  for (const r of replies) t.notMatch(r.text, /报警/, `告警, not 报警: ${r.text}`);
});
