// Central's commands against Debian's mosquitto set up exactly as
// provisioning/mosquitto/ says (pki.sh's certificates, its mosquitto.conf and
// ACL): the appliance connects with its own certificate; a command signed by
// central works; unsigned, wrongly signed, expired, replayed and conflicting
// ones are refused and audited; and the broker's ACL keeps a stranger — here
// another appliance with a valid certificate — from delivering anything to
// this appliance's cmd/ topic, even a correctly signed command.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { stringify } from 'yaml';
import { testCentral } from './helpers/central.js';
import { ROOT, cli, freePort, startDaemon } from './helpers/daemon.js';
import { Client } from './helpers/http.js';
import { mosquitto } from './helpers/mosquitto.js';
import { skipUnless } from './helpers/tools.js';

const SITE = 'tunnel-a';
const NODE = 'cab-3';
const TOPIC = `callpoint/v1/${SITE}/${NODE}/`;
const PW = 'cobalt-harbour-signal-19';
type Env = { data?: { id?: string; state?: string; ok?: boolean; error?: string; result?: unknown } };

t.test('signed commands through mosquitto with the provisioning ACL and per-appliance mTLS', { skip: skipUnless('mosquitto') || skipUnless('openssl') }, async (t) => {
  const dir = t.testdir();
  const pki = join(dir, 'pki');
  const pkiSh = join(ROOT, 'provisioning', 'mosquitto', 'pki.sh');
  execFileSync('sh', [pkiSh, 'init', pki, '127.0.0.1']);
  execFileSync('sh', [pkiSh, 'central', pki]);
  execFileSync('sh', [pkiSh, 'appliance', pki, SITE, NODE]);
  execFileSync('sh', [pkiSh, 'appliance', pki, SITE, 'cab-4']);
  // The example configuration as shipped, with this test's directory and port.
  const conf = readFileSync(join(ROOT, 'provisioning', 'mosquitto', 'mosquitto.conf'), 'utf8')
    .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('allow_anonymous'))
    .map((l) => l.replaceAll('/etc/mosquitto/callpoint', pki).replace(/^listener 8883$/, 'listener PORT 127.0.0.1'));
  const mq = await mosquitto({ listener: conf, allowAnonymous: false });
  t.teardown(() => mq.dispose());
  const tls = (name: string) => ({ ca: readFileSync(join(pki, 'ca.crt')), cert: readFileSync(join(pki, `${name}.crt`)), key: readFileSync(join(pki, `${name}.key`)) });

  const central = testCentral(SITE, NODE);
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: SITE, node: NODE, dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port },
    uplink: { brokers: [mq.url], ca: join(pki, 'ca.crt'), cert: join(pki, `callpoint.${SITE}.${NODE}.crt`), key: join(pki, `callpoint.${SITE}.${NODE}.key`) },
    central: { keys: [central.entry] },
    points: [{ id: 'sos-1', input: 'in1', label: 'SOS km 1.2', zone: 'tunnel-a', escalation: { targets: [{ extension: '8000', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
  }));

  const hq = await mqtt.connectAsync(mq.url, { clientId: 'central', ...tls('central') });
  t.teardown(() => hq.endAsync());
  const got: Array<{ topic: string; raw: string; env: Env }> = [];
  hq.on('message', (topic, payload) => got.push({ topic, raw: payload.toString(), env: JSON.parse(payload.toString()) as Env }));
  await hq.subscribeAsync(`${TOPIC}#`, { qos: 1 });
  const results = (id: string) => got.filter((m) => m.topic === `${TOPIC}cmd-result/${id}`).map((m) => m.env.data!);
  const until = async (cond: () => boolean, ms = 8000) => {
    for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    return cond();
  };
  const send = (name: string, msg: string) => hq.publishAsync(`${TOPIC}cmd/${name}`, msg, { qos: 1 });

  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: 'board,freeswitch' } });
  t.teardown(() => d.stop());
  t.ok(await until(() => got.some((m) => m.topic === `${TOPIC}status` && (m.env.data as { online?: boolean } | undefined)?.online === true)), 'the appliance connected with its certificate; central reads its status');

  // A signed command works: an alarm raised at the point, cleared by central.
  const press = await cli(['sim', 'press', 'in1', '--config', configFile]);
  const alarmId = /alarm (A-\d{8}-\d+)/.exec(press.stdout)?.[1];
  t.ok(alarmId, press.stderr);
  const clear = central.sign('clear-alarm', { alarmId, by: 'duty officer' }, { id: 'clear-1' });
  await send('clear-alarm', clear);
  t.ok(await until(() => results('clear-1').length === 1), 'central gets the result');
  t.match(results('clear-1')[0], { ok: true, result: { alarmId, state: 'cleared' } }, 'the signed command was obeyed');
  const clearedStates = () => got.filter((m) => m.topic === `${TOPIC}alarm` && m.env.data?.id === alarmId && m.env.data?.state === 'cleared').length;
  t.ok(await until(() => clearedStates() === 1), 'cleared on MQTT');

  // Unsigned, and signed with another key under central's key id: refused, not answered.
  await send('clear-alarm', JSON.stringify({ id: 'unsigned-1', alarmId, by: 'mallory' }));
  await send('get-status', testCentral(SITE, NODE, central.keyId).sign('get-status', {}, { id: 'forged-1' }));
  // Expired: signed an hour ago, valid for a minute. Answered (central signed it), not run.
  await send('get-status', central.sign('get-status', {}, { id: 'expired-1', ts: new Date(Date.now() - 3_600_000), ttlS: 60 }));
  t.ok(await until(() => results('expired-1').length === 1));
  t.match(results('expired-1')[0], { ok: false, error: /^expired: / });
  // Replayed: the very bytes of the clear, again. Not run again: the stored result is sent, no new state.
  await send('clear-alarm', clear);
  t.ok(await until(() => results('clear-1').length === 2), 'the replay is answered with the stored result');
  t.same(results('clear-1')[1], results('clear-1')[0], 'the same result, not "already cleared": the handler did not run');
  // Conflicting: the same id for another payload.
  await send('clear-alarm', central.sign('clear-alarm', { alarmId: 'A-20260101-1' }, { id: 'clear-1' }));
  t.ok(await until(() => results('clear-1').length === 3));
  t.match(results('clear-1')[2], { ok: false, error: /^conflict: id clear-1 was used for another command/ }, 'a conflict, not the old result');
  await new Promise((r) => setTimeout(r, 800));
  t.same([results('unsigned-1'), results('forged-1')], [[], []], 'unsigned and forged commands get no answer');
  t.equal(clearedStates(), 1, 'the alarm was cleared once');

  // The broker's wall: another appliance (a valid certificate of the same CA) publishes a command
  // signed by central itself on this appliance's cmd/ topic. The ACL drops it: nothing arrives.
  const stranger = await mqtt.connectAsync(mq.url, { clientId: 'intruder', ...tls(`callpoint.${SITE}.cab-4`) });
  t.teardown(() => stranger.endAsync());
  const smuggled = central.sign('get-status', {}, { id: 'smuggled-1' });
  await stranger.publishAsync(`${TOPIC}cmd/get-status`, smuggled, { qos: 1 });
  await new Promise((r) => setTimeout(r, 1500));
  t.same(results('smuggled-1'), [], 'a stranger’s publish on cmd/ never reaches the appliance');
  // Nor may it read this appliance's alarms (mosquitto checks read access as it delivers).
  const overheard: string[] = [];
  stranger.on('message', (topic) => overheard.push(topic));
  await stranger.subscribeAsync(`${TOPIC}#`, { qos: 1 });
  const second = /alarm (A-\d{8}-\d+)/.exec((await cli(['sim', 'press', 'in1', '--config', configFile])).stdout)?.[1];
  t.ok(await until(() => got.some((m) => m.topic === `${TOPIC}alarm` && m.env.data?.id === second)), 'a new alarm reaches central');
  await new Promise((r) => setTimeout(r, 500));
  t.same(overheard, [], 'the stranger hears nothing of this appliance');
  await send('get-status', smuggled);
  t.ok(await until(() => results('smuggled-1').length === 1), 'the same bytes from central are obeyed: only the ACL stopped them');
  const anonymous = await mqtt.connectAsync(mq.url, { clientId: 'anon', ca: tls('central').ca, reconnectPeriod: 0, connectTimeout: 3000 }).then(() => 'connected', (e: Error) => e.message);
  t.not(anonymous, 'connected', `without a certificate there is no connection (${anonymous})`);

  // Audited: who tried what, and why it was refused.
  t.equal((await cli(['user', 'add', 'admin', '--role', 'admin', '--password-stdin', '--config', configFile], { input: `${PW}\n` })).code, 0);
  const admin = new Client(d.url);
  await admin.login('admin', PW);
  const audit = (await admin.get('/api/audit?limit=200')).json.entries as Array<{ action: string; target: string | null; username: string | null; outcome: string; detail: string | null }>;
  const has = (pred: (e: (typeof audit)[number]) => boolean, what: string) => t.ok(audit.some(pred), what);
  has((e) => e.action === 'cmd.clear-alarm' && e.target === 'clear-1' && e.outcome === 'ok' && e.username === 'central', 'the obeyed command');
  has((e) => e.action === 'cmd.refused' && e.outcome === 'denied' && /^unsigned:/.test(e.detail ?? ''), 'the unsigned one');
  has((e) => e.action === 'cmd.refused' && e.outcome === 'denied' && /^bad-signature:/.test(e.detail ?? ''), 'the forged one');
  has((e) => e.action === 'cmd.get-status' && e.target === 'expired-1' && /^expired:/.test(e.detail ?? ''), 'the expired one');
  has((e) => e.action === 'cmd.clear-alarm' && e.target === 'clear-1' && /^repeat of an id/.test(e.detail ?? ''), 'the replay');
  has((e) => e.action === 'cmd.clear-alarm' && e.target === 'clear-1' && /^conflict:/.test(e.detail ?? ''), 'the conflict');
  t.notOk(audit.some((e) => e.target === 'smuggled-1' && e.outcome !== 'ok'), 'the stranger’s message never reached the appliance to be refused');
});
