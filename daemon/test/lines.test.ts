// The line services end to end in simulation mode, through the real
// serialport stack on socat pseudo-terminals: a GSM modem simulator and a
// line-card simulator at the far ends. An alarm whose plan includes SMS sends
// it through the modem; "ACK <id>" from an allowed number acknowledges the
// alarm, from anyone else it is kept and ignored; a line cut is a fault.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { cli, freePort, startDaemon } from './helpers/daemon.js';
import { Client } from './helpers/http.js';
import { skipUnless } from './helpers/tools.js';

const PW = 'signal-bars-harbour-93';
const ONCALL = '+8613800138000';

interface Sms { id: number; direction: string; peer: string; text: string; status: string; alarmId: string | null; detail: string | null }
interface Lines { modems: Array<Record<string, unknown>>; lineCards: Array<{ id: string; status: string; ports: Array<{ n: number; kind: string; state: string; voltage: number | null }> }>; sms: Sms[] }

const until = async <T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
};

t.test('GSM modem and line card over ptys: SMS alarm, ACK by SMS, faults', { skip: skipUnless('socat') }, async (t) => {
  const dir = t.testdir();
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port },
    points: [{ id: 'sos-1', input: 'in1', label: 'SOS km 1.2', location: 'Tunnel A', zone: 'tunnel-a', escalation: { targets: [{ extension: '8000', ringS: 30 }], sms: { to: [ONCALL], language: 'zh-CN', on: ['raised'] } } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
    lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }], lineCards: [{ id: 'lc0', port: 'sim:lc0' }], smsCommands: { allowFrom: [ONCALL] } },
  }));
  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  t.teardown(() => d.stop());
  t.equal((await cli(['user', 'add', 'tech', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PW}\n` })).code, 0);
  const c = new Client(d.url);
  await c.login('tech', PW);
  const lines = async () => (await c.get('/api/lines')).json as unknown as Lines;

  // The modem initialises over the pty: SIM, registration, signal, identity.
  const l0 = await until(lines, (l) => l.modems[0]?.state === 'ready' && l.lineCards[0]?.status === 'ok', 20_000);
  t.match(l0.modems[0], { id: 'gsm0', state: 'ready', sim: 'ready', registration: 'home', operator: 'CHINA MOBILE', imei: /^\d{15}$/, trunk: { available: true } }, 'modem ready');
  t.ok((l0.modems[0]!.bars as number) > 0, 'signal bars');
  t.match(l0.modems[0]!.port, /sim-serial\/gsm0\/a$/, 'the modem is on a real pseudo-terminal');
  t.equal(l0.lineCards[0]!.ports.length, 6, 'the line card reported its ports');
  const health = (await (await fetch(`${d.url}/api/health`)).json()) as { components: Record<string, { status: string; detail: string }> };
  t.match(health.components.gsm, { status: 'ok', detail: /gsm0: CHINA MOBILE/ });
  t.match(health.components.lines, { status: 'ok' });

  // An alarm whose plan includes SMS: the text goes out through the simulated modem.
  const press = await c.post('/api/sim/inputs/in1/press');
  const alarmId = (press.json as { alarmId: string }).alarmId;
  t.match(alarmId, /^A-\d{8}-\d+$/);
  const sent = await until(async () => ((await c.get('/api/sim/modems/gsm0/sent')).json as { sent: Array<{ to: string; text: string }> }).sent, (s) => s.length > 0, 15_000);
  t.equal(sent[0]?.to, ONCALL, 'the on-call number got it');
  t.match(sent[0]?.text, new RegExp(`【紧急告警】.*SOS km 1\\.2.*${alarmId}.*回复 ACK ${alarmId}`), 'in Chinese, with the point and how to acknowledge');
  t.match((await lines()).sms.find((m) => m.direction === 'out'), { status: /sent|delivered/, alarmId }, 'logged as sent');

  // ACK from a stranger: stored, ignored, not answered.
  await c.post('/api/sim/modems/gsm0/sms', { from: '+8613999999999', text: `ACK ${alarmId}` });
  const ignored = await until(lines, (l) => l.sms.some((m) => m.direction === 'in' && m.peer === '+8613999999999'), 10_000);
  t.match(ignored.sms.find((m) => m.peer === '+8613999999999'), { status: 'ignored', detail: /allow-list/ });
  const state = async () => ((await c.get('/api/alarms')).json.open as Array<{ id: string; state: string; ackSource: string | null; acknowledgedBy: string | null }>).find((a) => a.id === alarmId);
  t.not((await state())?.state, 'acknowledged', 'a stranger cannot acknowledge');
  t.ok(d.lines.some((l) => /not on the allow-list/.test(String(l.msg))), 'and it is logged');

  // ACK from the on-call number, in two parts arriving in reverse order (a long message).
  const text = `ACK ${alarmId}${' '.repeat(170)}`;
  await c.post('/api/sim/modems/gsm0/sms', { from: ONCALL, text, order: [2, 1] });
  const acked = await until(state, (a) => a?.state === 'acknowledged', 10_000);
  t.match(acked, { state: 'acknowledged', ackSource: 'sms', acknowledgedBy: `sms:${ONCALL}` }, 'acknowledged by SMS');
  const inbound = (await lines()).sms.filter((m) => m.direction === 'in' && m.peer === ONCALL);
  t.equal(inbound.length, 1, 'the two parts became one message');
  t.match(inbound[0], { status: 'handled', detail: `acknowledged ${alarmId}` });
  const reply = await until(async () => ((await c.get('/api/sim/modems/gsm0/sent')).json as { sent: Array<{ to: string; text: string }> }).sent, (s) => s.some((m) => /已由/.test(m.text)), 10_000);
  t.ok(reply.some((m) => m.to === ONCALL && m.text === `告警 ${alarmId} 已由 ${ONCALL} 确认。`), 'answered by SMS, in the language of the plan the number is on call for');
  const audit = (await c.get('/api/audit?limit=50')).json as { entries?: Array<{ action: string; username: string }> } | Array<{ action: string; username: string }>;
  const entries = Array.isArray(audit) ? audit : (audit.entries ?? []);
  t.ok(entries.some((e) => e.action === 'alarm.acknowledge' && e.username === `sms:${ONCALL}`), 'audited');

  // A technician's test SMS, a bad number, USSD balance.
  t.equal((await c.post('/api/lines/modems/gsm0/sms', { to: '+86 138; ATD112', text: 'x' })).status, 400, 'a bad number is refused before it reaches the modem');
  t.equal((await c.post('/api/lines/modems/gsm0/sms', { to: '+8613700000000', text: '测试 test' })).status, 202);
  const ussd = await c.post('/api/lines/modems/gsm0/ussd', { code: '*100#' });
  t.match(ussd, { status: 200, json: { text: /Balance: 12\.30 CNY/ } }, 'USSD balance');

  t.equal((await c.post('/api/lines/modems/gsm0/ussd', { code: '**21*13800000000#' })).status, 403, 'a technician cannot forward the trunk SIM\'s calls');
  const audit2 = (await c.get('/api/audit?limit=50')).json as { entries?: Array<{ action: string; detail: string | null }> } | Array<{ action: string; detail: string | null }>;
  const entries2 = Array.isArray(audit2) ? audit2 : (audit2.entries ?? []);
  t.ok(entries2.some((e) => e.action === 'sms.send' && /to \+8613700000000, 7 characters, sms \d+/.test(e.detail ?? '')), 'the test SMS is audited with its number');
  t.ok(entries2.some((e) => e.action === 'gsm.ussd' && e.detail === '*100#'), 'the USSD code is audited');
  // A viewer sees the state, not the SIM identities or the texts.
  t.equal((await cli(['user', 'add', 'watcher', '--role', 'viewer', '--password-stdin', '--config', configFile], { input: `${PW}\n` })).code, 0);
  const v = new Client(d.url);
  await v.login('watcher', PW);
  const seen = (await v.get('/api/lines')).json as unknown as Lines;
  t.match(seen.modems[0], { state: 'ready', imsi: null, iccid: null });
  t.same(seen.sms, [], 'no SMS texts for a viewer');

  // A cut FXO line is a fault; restored, it clears.
  const fxo = l0.lineCards[0]!.ports.find((p) => p.kind === 'fxo')!;
  t.equal((await c.post(`/api/sim/line-cards/lc0/ports/${fxo.n}`, { action: 'cut' })).status, 200);
  const faults = async () => ((await c.get('/api/faults')).json as { open: Array<{ key: string; detail: string }> }).open;
  const cut = await until(faults, (f) => f.some((x) => x.key === `line-card:lc0:${fxo.n}:line-cut`), 10_000);
  t.match(cut.find((x) => x.key === `line-card:lc0:${fxo.n}:line-cut`), { detail: /FXO port \d: no line voltage/ }, 'line cut fault');
  t.match((await lines()).lineCards[0]!.ports.find((p) => p.n === fxo.n), { state: 'no-line' }, 'shown as no line');
  await c.post(`/api/sim/line-cards/lc0/ports/${fxo.n}`, { action: 'restore' });
  t.ok((await until(faults, (f) => !f.some((x) => x.key.startsWith('line-card:')), 10_000)).every((x) => !x.key.startsWith('line-card:')), 'cleared when the line is back');
});
