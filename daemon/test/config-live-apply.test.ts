// Applying a configuration while an emergency is under way, against the
// FreeSWITCH emulator: the alarm, its call and its escalation go on exactly as
// they started — the dispatcher stays connected, and when the call ends the
// escalation rings the plan's next target as it was, not the new one — while
// everything else takes effect at once (a new point and a new phone work), the
// line services wait until nobody is being called, and the point's own change
// waits, said so in `pending`, until its alarm is cleared.
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import type { ConfigApplyResult } from '../src/contracts/config.js';
import { startDaemon, type RunningDaemon } from '../src/daemon.js';
import { createLogger } from '../src/log/logger.js';
import { freePort } from './helpers/daemon.js';
import { written } from './helpers/written.js';

const admin = { username: 'chief', role: 'admin' as const, ip: '127.0.0.1' };

const until = async (cond: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

t.test('an apply during an open alarm whose call is up: the alarm, its call and its escalation go on unchanged', async (t) => {
  const dir = t.testdir();
  const text = stringify({
    site: 'live', node: 'n1', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: await freePort() },
    zones: [{ id: 'tunnel' }, { id: 'control' }],
    plans: [{ id: 'desk', targets: [{ extension: '8000', ringS: 10 }, { extension: '1002', ringS: 10 }], pauseS: 5 }],
    points: [{ id: 'p1', input: 'in1', label: 'SOS 1', zone: 'tunnel', plan: 'desk' }],
    phones: [{ number: '8000', name: 'Desk', zone: 'control' }, { number: '1002', name: 'Duty', zone: 'tunnel' }],
    lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }] },
    log: { level: 'warn' },
  });
  const parsed = parseConfig(text);
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  const logger = await createLogger({ level: 'warn', pretty: false, destination: new (await import('node:stream')).PassThrough() });
  const d: RunningDaemon = await startDaemon({ config: parsed.config, seed: { file: undefined, text }, logger, simulate: new Set(['board', 'freeswitch', 'lines']), env: {} });
  t.teardown(() => d.stop('test done'));
  const emu = d.sim!.emulator!;
  const commands: string[] = [];
  emu.on('command', (c: string) => commands.push(c));
  t.ok(await d.gateway.whenReady(10_000), 'connected to the emulator');

  // An emergency: the desk answers and is connected.
  const r = await d.alarms.press('p1');
  if (!r.ok) throw new Error(r.message);
  const alarmId = r.alarm.id;
  await until(async () => (await d.store.alarms.byId(alarmId))?.state === 'connected', 10_000, 'the desk connected');
  const connected = (await d.store.alarms.byId(alarmId))!;
  const deskCall = connected.callUuid!;
  t.ok(emu.channel(deskCall)?.answered, 'the dispatcher’s call is up');

  // Now a technician changes the point, its plan, the modem, adds a phone and a point on the new plan.
  const v = d.config.version;
  const view = await d.config.view();
  const cfg = written(view.config);
  cfg.points[0]!.label = 'SOS 1 (renamed)';
  cfg.plans.push({ id: 'mobile', targets: [{ extension: '1003', ringS: 10 }] });
  cfg.plans[0]!.targets = [{ extension: '1003', ringS: 10 }];
  cfg.phones.push({ number: '1003', name: 'New duty phone', zone: 'tunnel' });
  cfg.points.push({ id: 'p2', input: 'in2', label: 'SOS 2', zone: 'tunnel', plan: 'mobile' });
  cfg.lines.modems[0]!.pollS = 60;
  const before = commands.length;
  const a = await d.config.apply({ kind: 'config', config: cfg }, { ifMatch: v, who: admin, source: 'api', reason: 'during an alarm' });
  if (!a.ok) throw new Error(JSON.stringify(a));
  a.start();
  const res: ConfigApplyResult = a.result;
  t.match(res.pending, [
    { path: 'points[id=p1]', waitsFor: 'alarm', alarmId },
    { path: 'lines.modems', waitsFor: 'idle', alarmId },
  ], 'the point waits for its alarm, the modem for the calling to end; both said');
  t.ok(res.applied.some((x) => x.path === 'points' && x.how === 'live'), 'the other points apply at once');
  t.ok(res.applied.some((x) => x.how === 'reloaded'), 'FreeSWITCH reloaded its XML');
  t.ok(commands.slice(before).some((c) => /^api reloadxml/.test(c)), 'reloadxml went to FreeSWITCH');
  t.notOk(commands.slice(before).some((c) => /uuid_kill|hupall|originate/.test(c)), 'no call was touched by the apply');

  const still = (await d.store.alarms.byId(alarmId))!;
  t.match(still, { state: 'connected', callUuid: deskCall, target: connected.target, attempts: connected.attempts }, 'the alarm goes on as it was');
  t.ok(emu.channel(deskCall)?.answered, 'the dispatcher is still connected');
  t.equal(d.alarms.pointOf('p1')?.label, 'SOS 1', 'the point keeps its definition while its alarm is open');

  // A new point works at once, on its new plan, calling the new phone.
  const r2 = await d.alarms.press('p2');
  t.ok(r2.ok, 'the new point raises an alarm');
  await until(() => commands.some((c) => /callpoint_alarm_id=A-[0-9-]+,callpoint_zone=tunnel,callpoint_point=p2\}user\/1003 /.test(c)), 10_000, 'p2 calls 1003');
  t.pass('the new point calls the new phone of its new plan');

  // The desk hangs up without acknowledging: the escalation goes on with the plan it started with.
  const mark = commands.length;
  emu.phone('8000').hangup();
  await until(() => commands.slice(mark).some((c) => c.includes(`callpoint_alarm_id=${alarmId}`) && c.includes('originate')), 10_000, 'the next call of the alarm');
  const next = commands.slice(mark).find((c) => c.includes(`callpoint_alarm_id=${alarmId}`) && c.includes('originate'))!;
  t.match(next, /user\/1002 /, 'the next target of the plan as it was (1002), not the new one');
  t.notMatch(next, /user\/1003 /, 'the new plan does not take over an escalation under way');

  // Acknowledged by the duty phone's key: no one is being called for p1 … (p2 is still calling: the modem still waits)
  await until(async () => (await d.store.alarms.byId(alarmId))?.state === 'connected', 10_000, 'the duty phone connected');
  emu.phone('1002').sendDtmf('5');
  await until(async () => (await d.store.alarms.byId(alarmId))?.state === 'acknowledged', 10_000, 'acknowledged by the key');
  const p2alarm = (await d.store.alarms.openForPoint('p2'))!;
  t.match(d.config.pending.find((p) => p.path === 'lines.modems'), { waitsFor: 'idle', alarmId: p2alarm.id }, 'the modem restart waits for the alarm still calling');
  await d.alarms.acknowledge(p2alarm.id, admin, 'ui');
  await until(() => !d.config.pending.some((p) => p.path === 'lines.modems'), 10_000, 'the modem restarted once nobody is called');
  t.pass('the line services restarted once no alarm was being called for');
  t.match(d.config.pending, [{ path: 'points[id=p1]', waitsFor: 'alarm', alarmId }], 'the point still waits: its alarm is not cleared');

  // Cleared: the point's change takes effect.
  await d.alarms.clear(alarmId, admin, 'ui');
  await until(() => d.alarms.pointOf('p1')?.label === 'SOS 1 (renamed)', 5000, 'the point’s change applied');
  // The pending list is recomputed once the re-evaluation that applied the point has finished.
  await until(() => d.config.pending.length === 0, 5000, 'nothing waits any more');
  t.same(d.config.pending, [], 'nothing waits any more');
});
