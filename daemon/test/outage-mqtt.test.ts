// Nothing acknowledged is lost: the broker is down during a burst of alarms
// and calls, the daemon is SIGKILLed and restarted twice, then the broker
// comes back — every message arrives, seq strictly increasing, no id lost.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { stringify } from 'yaml';
import { Store } from '../src/store/store.js';
import { cli, freePort, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { Client } from './helpers/http.js';
import { mosquitto } from './helpers/mosquitto.js';
import { skipUnless } from './helpers/tools.js';

const PW = 'meadow-relay-granite-44';
interface Env { id: string; seq: number; type: string; data: { id?: string; state?: string } }

t.test('broker down, daemon killed twice, broker back: every message, in order', { skip: skipUnless('mosquitto') }, async (t) => {
  const mq = await mosquitto({ persistence: true });
  t.teardown(() => mq.dispose());
  const dir = t.testdir();
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  const plan = { targets: [{ extension: '8000', ringS: 10 }], pauseS: 5 };
  writeFileSync(configFile, stringify({
    site: 't', node: 'n', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, uplink: { brokers: [mq.url] },
    points: ['in1', 'in2', 'in3'].map((input, i) => ({ id: `p${i + 1}`, input, label: `SOS ${i + 1}`, location: 'Tunnel', zone: 'z', escalation: plan })),
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
  }));
  t.equal((await cli(['user', 'add', 'tech', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PW}\n` })).code, 0);

  // Central: a persistent session, so the broker keeps its messages while we are away from it too.
  const got = new Map<string, Env>();
  const arrival: number[] = [];
  const central = await mqtt.connectAsync(mq.url, { clientId: 'central-outage', clean: false });
  central.on('message', (_topic, payload) => {
    const e = JSON.parse(payload.toString()) as Env;
    if (typeof e.seq !== 'number') return;
    if (!got.has(e.id)) arrival.push(e.seq);
    got.set(e.id, e);
  });
  await central.subscribeAsync('callpoint/v1/t/n/+', { qos: 1 });
  t.teardown(() => central.endAsync());

  let d: DaemonHandle = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  await mq.stop();
  const burst = async (round: number) => {
    const c = new Client(d.url);
    t.equal((await c.login('tech', PW)).status, 200);
    for (const input of ['in1', 'in2', 'in3']) t.equal((await cli(['sim', 'press', input, '--config', configFile])).code, 0, `round ${round}: ${input} pressed`);
    await new Promise((r) => setTimeout(r, 2500)); // calls ring, are answered, connect
    const open = (await c.get('/api/alarms')).json.open as Array<{ id: string; state: string }>;
    for (const a of open.filter((x) => x.state !== 'acknowledged')) await c.post(`/api/alarms/${a.id}/ack`);
    if (round < 2) for (const a of open) await c.post(`/api/alarms/${a.id}/clear`);
  };
  for (let round = 0; round < 3; round++) {
    await burst(round);
    if (round < 2) {
      d.proc.kill('SIGKILL');
      await d.exited;
      d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
    }
  }
  t.teardown(() => d.stop());
  const store = await Store.open(join(dir, 'data'), { site: 't', node: 'n' });
  t.teardown(() => store.close());
  t.ok((await store.outbox.stats()).count > 20, `a backlog waited for the broker (${await store.outbox.lastSeq()} messages written)`);

  await mq.start();
  // Calls still ringing when their alarm was acknowledged end meanwhile and add their records:
  // wait until everything written so far has arrived and the outbox is empty.
  const deadline = Date.now() + 30_000;
  let written = await store.outbox.lastSeq();
  while (Date.now() < deadline && (new Set([...got.values()].map((e) => e.seq)).size < written || (await store.outbox.stats()).count > 0)) {
    await new Promise((r) => setTimeout(r, 200));
    written = await store.outbox.lastSeq();
  }
  const seqs = [...new Set([...got.values()].map((e) => e.seq))].sort((a, b) => a - b);
  t.equal(seqs.length, written, 'every message arrived');
  t.same(seqs, Array.from({ length: written }, (_, i) => i + 1), 'no seq missing, none reused');
  t.same(arrival, [...arrival].sort((a, b) => a - b), 'first arrivals in strictly increasing seq');
  const perAlarm = new Map<string, string[]>();
  for (const e of [...got.values()].sort((a, b) => a.seq - b.seq)) if (e.type === 'alarm' && e.data.id) perAlarm.set(e.data.id, [...(perAlarm.get(e.data.id) ?? []), e.data.state!]);
  t.equal(perAlarm.size, 9, 'nine alarms');
  for (const [id, states] of perAlarm) {
    t.equal(states[0], 'raised', `${id}: raised first`);
    t.ok(states.indexOf('acknowledged') > 0 && (!states.includes('cleared') || states.at(-1) === 'cleared'), `${id}: in order (${states.join(' → ')})`);
  }
  const s2 = await Store.open(join(dir, 'data'), { site: 't', node: 'n' });
  for (let i = 0; i < 50 && (await s2.outbox.stats()).count > 0; i++) await new Promise((r) => setTimeout(r, 100));
  t.equal((await s2.outbox.stats()).count, 0, 'the outbox is empty: every row was acknowledged');
  await s2.close();
});
