// The whole emergency path with Debian's mosquitto as central's broker: a
// simulated press reaches a subscriber as `alarm` messages, the dispatcher's
// key acknowledges, central clears it with cmd/clear-alarm.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { stringify } from 'yaml';
import { cli, freePort, startDaemon } from './helpers/daemon.js';
import { Client } from './helpers/http.js';
import { mosquitto } from './helpers/mosquitto.js';
import { skipUnless } from './helpers/tools.js';
import { testCentral } from './helpers/central.js';

const PW = 'granite-beacon-harbour-3';
type Msg = { topic: string; body: { id?: string; seq?: number; type?: string; data?: { id?: string; state?: string; event?: string; clearSource?: string }; ok?: boolean; online?: boolean } };

t.test('press → alarm on MQTT → acknowledged by the key → cleared by central', { skip: skipUnless('mosquitto') }, async (t) => {
  const mq = await mosquitto();
  t.teardown(() => mq.dispose());
  const dir = t.testdir();
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  const central = testCentral('tunnel-a', 'cab-3');
  writeFileSync(configFile, stringify({
    site: 'tunnel-a', node: 'cab-3', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, uplink: { brokers: [mq.url] }, central: { keys: [central.entry] },
    points: [{ id: 'sos-1', input: 'in1', label: 'SOS km 1.2', location: 'Tunnel A', zone: 'tunnel-a', phone: '1001', escalation: { targets: [{ extension: '8000', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }, { number: '1001', name: 'Intercom', zone: 'tunnel-a' }],
  }));
  const sub = await mqtt.connectAsync(mq.url, { clientId: 'central-test' });
  t.teardown(() => sub.endAsync());
  const got: Msg[] = [];
  sub.on('message', (topic, payload) => {
    // Our own garbage on cmd/ comes back to this subscriber too.
    try {
      got.push({ topic, body: JSON.parse(payload.toString()) as Msg['body'] });
    } catch {
      got.push({ topic, body: {} });
    }
  });
  await sub.subscribeAsync('callpoint/v1/tunnel-a/cab-3/#', { qos: 1 });
  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  t.teardown(() => d.stop());
  const until = async (cond: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    return cond();
  };
  t.ok(await until(() => got.some((m) => m.topic.endsWith('/status') && (m.body.data as { online?: boolean } | undefined)?.online === true), 5000), 'status online (retained)');

  const press = await cli(['sim', 'press', 'in1', '--config', configFile]);
  t.equal(press.code, 0, press.stderr);
  const id = /alarm (A-\d{8}-\d+)/.exec(press.stdout)?.[1];
  t.ok(id);
  const states = () => got.filter((m) => m.topic.endsWith('/alarm') && m.body.data?.id === id).map((m) => m.body.data!.state);
  t.ok(await until(() => states().includes('connected'), 8000), `raised, calling, connected reach central (${states().join(', ')})`);

  await cli(['user', 'add', 'tech', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PW}\n` });
  const c = new Client(d.url);
  await c.login('tech', PW);
  for (let i = 0; i < 9; i++) await cli(['sim', 'press', 'in1', '--config', configFile]);
  t.equal(((await c.get('/api/alarms')).json.open as unknown[]).length, 1, 'ten presses, one alarm');
  t.equal((await c.post('/api/sim/phones/8000/dtmf', { digits: '5' })).status, 200);
  t.ok(await until(() => states().includes('acknowledged'), 4000), 'acknowledged on MQTT');
  t.match(((await c.get('/api/alarms')).json.open as Array<{ state: string }>)[0], { state: 'acknowledged' }, 'and in the API the UI reads');

  await sub.publishAsync('callpoint/v1/tunnel-a/cab-3/cmd/clear-alarm', central.sign('clear-alarm', { alarmId: id, by: 'duty officer' }, { id: 'central-77' }), { qos: 1 });
  t.ok(await until(() => got.some((m) => m.topic.endsWith('/cmd-result/central-77')), 4000), 'central gets a result');
  t.match(got.find((m) => m.topic.endsWith('/cmd-result/central-77'))?.body, { v: 2, type: 'cmd-result', data: { id: 'central-77', ok: true } });
  t.ok(await until(() => states().includes('cleared'), 4000), 'cleared on MQTT');
  t.same(states(), ['raised', 'calling', 'connected', 'acknowledged', 'cleared'], 'every state, in order');
  const alarmMsgs = got.filter((m) => m.topic.endsWith('/alarm') || m.topic.endsWith('/call') || m.topic.endsWith('/event'));
  const seqs = alarmMsgs.map((m) => m.body.seq!);
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'seq strictly increasing');
  t.equal(new Set(alarmMsgs.map((m) => m.body.id)).size, alarmMsgs.length, 'each message once');

  for (const garbage of ['{bad json', JSON.stringify({ id: 'g0', alarmId: id }), central.sign('ack-alarm', { alarmId: '1001\n\napi system id' }, { id: 'g1' }), central.sign('ack-alarm', { target: { kind: 'extension', number: 12345678901 } }, { id: 'g2' })]) {
    await sub.publishAsync('callpoint/v1/tunnel-a/cab-3/cmd/ack-alarm', garbage, { qos: 1 });
  }
  await sub.publishAsync('callpoint/v1/tunnel-a/cab-3/cmd/get-status', central.sign('get-status', {}, { id: 'after-garbage' }), { qos: 1 });
  t.ok(await until(() => got.some((m) => m.topic.endsWith('/cmd-result/after-garbage')), 4000), 'still answering after garbage');
  t.match(got.find((m) => m.topic.endsWith('/cmd-result/g1'))?.body, { data: { ok: false, errors: [{ path: 'alarmId' }] } }, 'an injection string as an alarm id is refused');
  t.notOk(got.some((m) => m.topic.endsWith('/cmd-result/g0')), 'an unsigned command is not obeyed, nor answered');

  // Central asks for a self-test: a test alarm comes back over the same path, nobody is called.
  await sub.publishAsync('callpoint/v1/tunnel-a/cab-3/cmd/self-test', central.sign('self-test', { pointId: 'sos-1' }, { id: 'st-1' }), { qos: 1 });
  t.ok(await until(() => got.some((m) => m.topic.endsWith('/cmd-result/st-1')), 4000), 'self-test accepted');
  const testId = (got.find((m) => m.topic.endsWith('/cmd-result/st-1'))?.body.data as { result?: { alarmId?: string } }).result?.alarmId;
  t.ok(await until(() => got.some((m) => m.topic.endsWith('/alarm') && m.body.data?.id === testId && m.body.data?.state === 'test'), 4000), 'the test alarm reached central');
  for (let i = 0; i < 40; i++) {
    const st = (await c.get('/api/alarms')).json.selfTest as { alarmId?: string; ok?: boolean | null } | null;
    if (st?.alarmId === testId && st?.ok === true) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.match((await c.get('/api/alarms')).json.selfTest, { alarmId: testId, ok: true }, 'passed: central’s broker took it');
  t.ok(await until(() => got.some((m) => m.topic.endsWith('/alarm') && m.body.data?.id === testId && m.body.data?.state === 'cleared'), 4000), 'and the test alarm’s final state reached central like any other');
  t.match(got.find((m) => m.topic.endsWith('/alarm') && m.body.data?.id === testId && m.body.data?.state === 'cleared')?.body.data, { event: 'self-test-passed', clearSource: 'self-test' });
});
