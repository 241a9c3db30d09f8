// A full data disk never silences an alarm: the real daemon (simulated board
// and FreeSWITCH, Debian's mosquitto as central's broker) with its data
// directory on a small tmpfs that the test fills. A press still lights the
// lamp and calls the desk at once; health says the store is failing (and so
// does the status central holds); nobody can log in, and the answer says why;
// when space returns, everything is written — the alarm with its history, its
// messages for central in order, the store's fault raised and cleared.
import { openSync, closeSync, writeSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { stringify } from 'yaml';
import { Db } from '../src/store/db.js';
import { testCentral } from './helpers/central.js';
import { cli, freePort, startDaemon } from './helpers/daemon.js';
import { Client } from './helpers/http.js';
import { mosquitto } from './helpers/mosquitto.js';
import { mountSmallDisk, skipUnlessSmallDisk } from './helpers/small-disk.js';
import { skipUnless } from './helpers/tools.js';

const SITE = 'tunnel-a';
const NODE = 'cab-3';
const TOPIC = `callpoint/v1/${SITE}/${NODE}/`;
const PW = 'silver-quarry-beacon-52';
type Env = { seq: number | null; data: { id?: string; state?: string; kind?: string; key?: string; raisedAt?: string; online?: boolean; health?: { components: { store: { status: string; detail: string } } } } };

/** Fill the file system holding `dir` to the last byte. */
function fill(dir: string): string {
  const file = join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0xaa);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  // The last partial chunk, byte by byte.
  try {
    for (;;) writeSync(fd, chunk, 0, 512);
  } catch {
    /* full */
  }
  closeSync(fd);
  return file;
}

t.test('a full data disk: the desk is still called at once, health and central say why, and everything is stored once space returns', { skip: skipUnless('mosquitto') || skipUnlessSmallDisk(), timeout: 180_000 }, async (t) => {
  const mq = await mosquitto();
  t.teardown(() => mq.dispose());
  const dir = t.testdir();
  const disk = join(dir, 'disk');
  t.teardown(mountSmallDisk(disk, 24));
  const central = testCentral(SITE, NODE);
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: SITE, node: NODE, dataDir: join(disk, 'data'), http: { host: '127.0.0.1', port }, uplink: { brokers: [mq.url] }, central: { keys: [central.entry] },
    points: [{ id: 'sos-1', input: 'in1', label: 'SOS km 1.2', zone: 'tunnel-a', escalation: { targets: [{ extension: '8000', ringS: 30 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
  }));
  const hq = await mqtt.connectAsync(mq.url, { clientId: 'central' });
  t.teardown(() => hq.endAsync());
  const got: Array<{ topic: string; env: Env }> = [];
  hq.on('message', (topic, payload) => got.push({ topic, env: JSON.parse(payload.toString()) as Env }));
  await hq.subscribeAsync(`${TOPIC}#`, { qos: 1 });
  const until = async (cond: () => boolean | Promise<boolean>, ms: number) => {
    for (const end = Date.now() + ms; !(await cond()) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
    return cond();
  };

  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: 'board,freeswitch' } });
  t.teardown(() => d.stop());
  t.equal((await cli(['user', 'add', 'tech', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PW}\n` })).code, 0);
  const tech = new Client(d.url);
  t.equal((await tech.login('tech', PW)).status, 200, 'logged in before the disk fills');
  const health = async () => ((await (await fetch(`${d.url}/api/health`)).json()) as { status: string; components: { store: { status: string; detail: string } } });
  t.ok(await until(async () => (await health()).components.store.status === 'ok' && got.some((m) => m.topic === `${TOPIC}status` && m.env.data.online === true), 10_000), 'running, connected to central');

  // ---- the disk fills ----
  const filler = fill(disk);
  const t0 = Date.now();
  const press = await cli(['sim', 'press', 'in1', '--config', configFile]);
  t.equal(press.code, 0, press.stderr);
  const id = /alarm (A-\d{8}-\d+)/.exec(press.stdout)?.[1];
  t.match(id, /^A-\d{8}-99999$/, `the press answers with its alarm, held (${press.stdout.trim()})`);
  const alarmState = async () => ((await tech.get('/api/alarms')).json.open as Array<{ id: string; state: string }> | undefined)?.find((a) => a.id === id)?.state;
  t.ok(await until(async () => ['calling', 'connected'].includes((await alarmState()) ?? ''), 5000), 'the desk is called, the disk full');
  t.ok(await until(async () => (await alarmState()) === 'connected', 10_000), 'and answers: voice connected');
  const board = (await tech.get('/api/board')).json as { outputs: Array<{ role: string; point: string | null; on: boolean }> };
  t.ok(board.outputs.some((o) => o.role === 'alarm-sent' && o.point === 'sos-1' && o.on), 'the "alarm sent" lamp is on');
  const h = await health();
  t.equal(h.status, 'down', 'health is not ok');
  t.match(h.components.store, { status: 'down', detail: /the data disk is full: the database cannot be written; alarms are signalled and called, and held until they can be written/ });
  t.ok(await until(() => got.some((m) => m.topic === `${TOPIC}status` && m.env.data.health?.components.store.status === 'down'), 10_000), 'central’s retained status says the store is down, at once');
  const login = await new Client(d.url).login('tech', PW);
  t.equal(login.status, 503, 'nobody can log in…');
  t.match(login.json.error, /^nobody can log in now: the data disk is full: the database cannot be written\. Alarms are still signalled and called\./, '…and the answer says why');
  t.notOk(got.some((m) => m.topic === `${TOPIC}alarm` && m.env.data.id === id), 'the alarm has not reached central yet: its messages wait with it');

  // ---- a restart while the disk is still full (a crash, a power cut): it starts, and resumes the held alarm ----
  t.equal(await d.stop(), 0, 'a clean stop');
  const d2 = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: 'board,freeswitch' } });
  t.teardown(() => d2.stop());
  t.match((await health()).components.store, { status: 'down' }, 'up again on the full disk, saying the store is failing');
  t.ok(await until(async () => ['calling', 'connected'].includes((await alarmState()) ?? ''), 10_000), 'the alarm held in the reserve file is open again, and called');

  // ---- space returns ----
  const freedAt = new Date().toISOString();
  rmSync(filler);
  t.ok(await until(async () => (await health()).components.store.status === 'ok', 20_000), 'health is ok again');
  t.ok(await until(() => got.filter((m) => m.topic === `${TOPIC}alarm` && m.env.data.id === id).length >= 3, 10_000), 'the held alarm’s messages reach central');
  const states = got.filter((m) => m.topic === `${TOPIC}alarm` && m.env.data.id === id).map((m) => m.env.data.state);
  t.same(states.slice(0, 3), ['raised', 'calling', 'connected'], 'every state, in order');
  const fault = got.filter((m) => m.topic === `${TOPIC}event` && m.env.data.kind === 'fault' && m.env.data.key === 'store:write-failed');
  t.match(fault.map((m) => m.env.data), [{ state: 'raised' }, { state: 'cleared' }], 'the store’s fault opens at central (raised when the writes failed, cleared when they worked again)');
  t.ok(Date.parse(fault[0]!.env.data.raisedAt!) <= t0 + 6000, 'raised at the time of the failure, not of the recovery');
  const db = await Db.open(join(disk, 'data', 'callpoint.db'), { readonly: true });
  const history = await db.all<{ ts: string; kind: string }>('SELECT ts, kind FROM alarm_log WHERE alarm_id = ? ORDER BY id', [id]);
  await db.close();
  t.same(history.map((h) => h.kind).slice(0, 3), ['raised', 'calling', 'connected'], 'the alarm is in the database with its history');
  const at = (kind: string) => history.find((h) => h.kind === kind)!.ts;
  t.ok(at('calling') < freedAt && at('connected') < freedAt, `the desk was called and answered while the disk was full, not once space returned (raised → calling ${Date.parse(at('calling')) - Date.parse(at('raised'))} ms)`);
  t.equal((await new Client(d.url).login('tech', PW)).status, 200, 'logging in works again');
  t.match(await tech.post(`/api/alarms/${id}/clear`), { status: 200 }, 'and the alarm is handled as any other');
  t.ok(await until(() => got.some((m) => m.topic === `${TOPIC}alarm` && m.env.data.id === id && m.env.data.state === 'cleared'), 10_000), 'cleared at central');
  const seqs = got.filter((m) => m.env.seq !== null).map((m) => m.env.seq!);
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'seq strictly increasing throughout');
});
