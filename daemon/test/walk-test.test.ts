// The commissioning walk test on the simulated board: while it runs, a press
// of a point in its zones is a test — the lamp flashes, nobody is called, a
// `test` event is queued for central — and the checklist and report show it;
// a point of another zone still raises a real alarm, and so does a point
// whose real alarm is open; the walk test ends by itself, and a restart
// ends it (the daemon starts live).
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import type { EventMessage, OutboxEnvelope } from '../src/contracts/mqtt.js';
import { startDaemon, type RunningDaemon } from '../src/daemon.js';
import { createLogger } from '../src/log/logger.js';
import { freePort } from './helpers/daemon.js';

const tech = { username: 'installer', role: 'technician' as const, ip: '127.0.0.1' };
const until = async (cond: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

async function daemon(dir: string): Promise<RunningDaemon> {
  const text = stringify({
    site: 'tun', node: 'c3', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: await freePort() },
    zones: [{ id: 'east' }, { id: 'west' }, { id: 'ctl' }],
    plans: [{ id: 'desk', targets: [{ extension: '8000', ringS: 10 }] }],
    points: [
      { id: 'e1', input: 'in1', label: 'SOS east 1', zone: 'east', plan: 'desk' },
      { id: 'e2', input: 'in2', label: 'SOS east 2', zone: 'east', plan: 'desk' },
      { id: 'w1', input: 'in3', label: 'SOS west 1', zone: 'west', plan: 'desk' },
    ],
    phones: [{ number: '8000', name: 'Desk', zone: 'ctl' }],
  });
  const parsed = parseConfig(text);
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  const logger = await createLogger({ level: 'warn', destination: new PassThrough() });
  return startDaemon({ config: parsed.config, seed: { file: undefined, text }, logger, simulate: new Set(['board', 'freeswitch']), env: {} });
}

t.test('presses in the walk test are tests: lamps flash, nobody called, central told; other zones stay live', async (t) => {
  const dir = t.testdir();
  let d = await daemon(dir);
  t.teardown(() => d.stop('test done'));
  const sim = d.sim!;
  const emu = sim.emulator!;
  const originates: string[] = [];
  emu.on('command', (c: string) => c.includes('originate') && originates.push(c));
  t.ok(await d.gateway.whenReady(10_000));

  const w = d.walkTest;
  const started = await w.begin({ zones: ['east'], minutes: 30 }, tech);
  if (!started.ok) throw new Error(started.message);
  t.match(started.value, { zones: ['east'], startedBy: 'installer', endedAt: null });

  // e1 pressed: a test.
  // Held longer than the debounce, then let go (a new press needs the button released first).
  const press = async (input: string) => {
    sim.drive(input, true);
    await new Promise((r) => setTimeout(r, 250));
    sim.drive(input, false);
    await new Promise((r) => setTimeout(r, 100));
  };
  await press('in1');
  await until(async () => (await w.view()).points.find((p) => p.id === 'e1')?.testedAt !== null, 5000, 'e1 tested');
  t.equal(d.board.snapshot().outputs.find((o) => o.id === 'in1.sent')?.mode, 'flash', 'the point’s lamp flashes');
  t.same(await d.store.alarms.open(), [], 'no alarm was raised');
  t.same(originates, [], 'nobody was called');
  const events = (await d.store.outbox.peek(100)).map((r) => r.envelope as OutboxEnvelope<EventMessage>).filter((e) => e.type === 'event').map((e) => e.data);
  t.match(events, [{ kind: 'walk-test', state: 'started', zones: ['east'], startedBy: 'installer' }, { kind: 'test', point: 'e1', zone: 'east', input: 'in1', label: 'SOS east 1', by: 'installer' }], 'central is told: the walk test, then the test press');

  // w1 is in another zone: a real alarm, called at once.
  await press('in3');
  await until(async () => (await d.store.alarms.openForPoint('w1')) !== undefined, 5000, 'w1 alarm');
  await until(() => originates.length > 0, 5000, 'the desk called');
  t.pass('a point outside the walk test raises a real alarm and calls the desk');
  const w1 = (await d.store.alarms.openForPoint('w1'))!;
  await d.alarms.acknowledge(w1.id, tech, 'ui');
  await d.alarms.clear(w1.id, tech, 'ui');

  // A point in test whose real alarm is open: its press joins the alarm.
  const real = await d.alarms.press('e2');
  if (!real.ok) throw new Error(real.message);
  await press('in2');
  await until(async () => (await d.store.alarms.byId(real.alarm.id))?.presses === 2, 5000, 'e2 joined');
  t.pass('a point with an open real alarm is never in test: the press joins the alarm');
  t.equal((await w.view()).points.find((p) => p.id === 'e2')?.testedAt, null);
  await d.alarms.acknowledge(real.alarm.id, tech, 'ui');
  await d.alarms.clear(real.alarm.id, tech, 'ui');
  await press('in2');
  await until(async () => (await w.view()).points.find((p) => p.id === 'e2')?.testedAt !== null, 5000, 'e2 tested');

  const ended = await w.end(tech);
  t.match(ended, { ok: true, value: { endReason: 'stopped', endedBy: 'installer' } });
  const report = (await w.report(started.value.id))!;
  t.match(report, { site: 'tun', node: 'c3', session: { startedBy: 'installer', endReason: 'stopped' } });
  t.match(report.points.map((p) => [p.id, p.result]), [['e1', 'passed'], ['e2', 'passed'], ['w1', 'not-in-test']], 'the report: every point with its result');
  t.ok(report.points.find((p) => p.id === 'e1')?.at, 'and the time of its test');

  // After the walk test, a press is an alarm again.
  await press('in1');
  await until(async () => (await d.store.alarms.openForPoint('e1')) !== undefined, 5000, 'e1 alarm');
  t.pass('after the walk test a press raises an alarm again');
  const e1 = (await d.store.alarms.openForPoint('e1'))!;
  await d.alarms.acknowledge(e1.id, tech, 'ui');
  await d.alarms.clear(e1.id, tech, 'ui');

  // A walk test left running at a stop ends at the next start: the daemon starts live.
  const again = await w.begin({ zones: null, minutes: 60 }, tech);
  t.ok(again.ok);
  await d.stop('restart');
  d = await daemon(dir);
  t.equal(d.walkTest.active, undefined, 'no walk test after a restart');
  t.match((await d.walkTest.view()).sessions[0], { endReason: 'restart', endedBy: 'system' });
  const checklist = (await d.walkTest.view()).points;
  t.ok(checklist.every((p) => p.id === 'w1' ? p.lastTestAt === null : p.lastTestAt !== null), 'the checklist keeps each point’s last successful test');
});
