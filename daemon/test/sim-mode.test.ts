// Simulation mode end to end, as a newcomer runs it: the daemon with the
// FreeSWITCH emulator; `callpoint sim press` raises an alarm, the dispatch
// desk is called and connected, the dispatcher's key acknowledges it, a
// technician clears it in the API.
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { writeFileSync } from 'node:fs';
import { cli, freePort, startDaemon } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const PW = 'copper-lantern-meadow-7';

t.test('press a simulated call point and watch the whole path', async (t) => {
  const dir = t.testdir();
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  const plan = { targets: [{ extension: '8000', ringS: 10 }], onBusy: 'release' };
  writeFileSync(configFile, stringify({
    site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port },
    points: [{ id: 'sos-1', input: 'in1', label: 'SOS km 1.2', location: 'Tunnel A', zone: 'tunnel-a', phone: '1001', escalation: plan }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }, { number: '1001', name: 'Intercom', zone: 'tunnel-a' }],
  }));
  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  t.teardown(() => d.stop());
  for (let i = 0; i < 20 && !d.stderr().includes('simulation is running'); i++) await new Promise((r) => setTimeout(r, 50));
  t.match(d.stderr(), /Callpoint simulation is running[\s\S]*First run: open http:\/\/127\.0\.0\.1:\d+\/setup#token=/, 'the newcomer banner with the setup link');
  const health = (await (await fetch(`${d.url}/api/health`)).json()) as { components: { freeswitch: { status: string } } };
  for (let i = 0; i < 50 && health.components.freeswitch.status !== 'ok'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    Object.assign(health, await (await fetch(`${d.url}/api/health`)).json());
  }
  t.equal(health.components.freeswitch.status, 'ok', 'connected to the emulated FreeSWITCH');

  const press = await cli(['sim', 'press', 'in1', '--config', configFile]);
  t.equal(press.code, 0, press.stderr);
  const id = /alarm (A-\d{8}-\d+)/.exec(press.stdout)?.[1];
  t.ok(id, `callpoint sim press raised ${id}`);
  t.match(press.stdout, /^pressed in1: alarm A-/);
  const release = await cli(['sim', 'release', 'in1', '--config', configFile]);
  t.equal(release.stdout, 'released in1\n', 'release says "released"');
  t.equal((await cli(['sim', 'press', 'in9', '--config', configFile])).code, 1, 'an unknown input is refused');

  t.equal((await cli(['user', 'add', 'tech', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PW}\n` })).code, 0);
  const c = new Client(d.url);
  await c.login('tech', PW);
  const state = async () => ((await c.get('/api/alarms')).json.open as Array<{ id: string; state: string }>).find((a) => a.id === id)?.state;
  for (let i = 0; i < 60 && (await state()) !== 'connected'; i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await state(), 'connected', 'the dispatch desk answered and is connected');
  t.equal((await c.post('/api/sim/phones/8000/dtmf', { digits: '5' })).status, 200, 'the dispatcher presses 5');
  for (let i = 0; i < 30 && (await state()) !== 'acknowledged'; i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await state(), 'acknowledged', 'acknowledged by the key');
  t.equal((await c.post(`/api/alarms/${id}/clear`)).status, 200, 'cleared by the technician');
  t.equal(((await c.get('/api/alarms')).json.open as unknown[]).length, 0, 'no open alarm left');
  const recent = ((await c.get('/api/alarms')).json.recent as Array<{ id: string; state: string; ackSource: string; clearedBy: string }>)[0];
  t.match(recent, { id, state: 'cleared', ackSource: 'dtmf', clearedBy: 'tech' });
  const calls = (await c.get('/api/calls')).json.calls as unknown[];
  t.ok(Array.isArray(calls));
});
