// Commands from central through the embedded simulation broker (aedes): only
// central's signature is obeyed; garbage, unsigned and misdirected messages
// are refused unanswered; signed ones with bad fields are answered with the
// reason; ids are idempotent for the window; a flood is dropped unread;
// everything is audited, floods summarised. (daemon/test/central-acl.test.ts
// does the same against Debian's mosquitto with its ACL and mTLS.)
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { FreeswitchGateway } from '../src/pbx/gateway.js';
import { SimBroker } from '../src/sim/broker/index.js';
import { Store } from '../src/store/store.js';
import { UplinkClient } from '../src/uplink/index.js';
import { registerPbxCommands } from '../src/pbx/central-commands.js';
import type { CommandResultMessage as ResultMessage, Envelope } from '../src/contracts/index.js';
import type { SignOptions } from '../src/uplink/command-auth.js';
import { idOf, testCentral } from './helpers/central.js';

const SITE = 's1';
const NODE = 'n1';
const ROOT = `callpoint/v1/${SITE}/${NODE}/`;
const quiet = pino({ level: 'silent' });

const until = async (cond: () => boolean | Promise<boolean>, ms: number, what = 'condition') => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function rig(t: Test, o: { windowMs?: number; perSecond?: number; auditIntervalMs?: number } = {}) {
  const dir = t.testdir();
  const lines: Array<Record<string, unknown> & { msg: string }> = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown> & { msg: string }) });
  const broker = new SimBroker({ port: 0 }, quiet);
  await broker.start();
  t.teardown(() => broker.stop());
  const store = await Store.open(join(dir, 'data'), { site: SITE, node: NODE });
  t.teardown(() => store.close());
  const bus = new EventBus(quiet);
  const health = new HealthRegistry({ version: '1.2.3', site: SITE, node: NODE }, (h) => bus.emit('health', h));
  const central = testCentral(SITE, NODE);
  // The real gateway, never connected: its command grammar answers first, then "not connected".
  const pbx = new FreeswitchGateway({ host: '127.0.0.1', port: 1, password: 'unused-password', recordingsDir: join(dir, 'rec') }, { store, health, bus, log: quiet });
  const options = { site: SITE, node: NODE, version: '1.2.3', brokers: [broker.url], backoffBaseMs: 50, backoffMaxMs: 200, pollMs: 200, centralKeys: [{ id: central.keyId, key: central.publicKey }], replayWindowMs: o.windowMs, commandsPerSecond: o.perSecond ?? 1000, auditIntervalMs: o.auditIntervalMs ?? 300 };
  const up = new UplinkClient(options, { store, health, bus, log });
  registerPbxCommands(up.registerCommand, pbx, () => ({ extensions: new Set(['1001']), gateways: new Set(['gw1']), numbers: new Set(['+8613800000000', '5551234']) }));
  await up.start();
  t.teardown(() => up.stop());
  await until(() => up.connected, 5000, 'uplink connected');
  const client = await mqtt.connectAsync(broker.url, { clientId: 'central' });
  t.teardown(() => client.endAsync());
  const results: ResultMessage[] = [];
  const envelopes: Envelope[] = [];
  client.on('message', (topic, payload) => {
    if (!topic.startsWith(`${ROOT}cmd-result/`)) return;
    const env = JSON.parse(payload.toString()) as Envelope<ResultMessage>;
    envelopes.push(env);
    results.push(env.data);
  });
  await client.subscribeAsync(`${ROOT}cmd-result/#`, { qos: 1 });
  const send = (name: string, payload: string | Buffer) => client.publishAsync(`${ROOT}cmd/${name}`, payload, { qos: 1 });
  /** Sign and send; returns the id. */
  const signed = async (name: string, data: Record<string, unknown> = {}, so: Partial<SignOptions> = {}) => {
    const msg = central.sign(name, data, so);
    await send(name, msg);
    return idOf(msg);
  };
  const answer = async (id: string, n = 1) => {
    await until(() => results.filter((r) => r.id === id).length >= n, 5000, `result ${id}`);
    return results.filter((r) => r.id === id)[n - 1]!;
  };
  return { up, store, health, broker, client, central, options, results, envelopes, lines, send, signed, answer };
}

t.test('only central’s signature is obeyed: garbage, unsigned, wrongly signed and misdirected commands are refused unanswered and audited', async (t) => {
  const r = await rig(t);
  // Not JSON, not an object, legacy unsigned commands, a 1 MB payload: refused, no reply possible or given.
  await r.send('get-status', '{"id": "x1", ');
  await r.send('get-status', '[1,2,3]');
  await r.send('get-status', '"just a string"');
  await r.send('get-status', Buffer.from([0xff, 0xfe, 0x00, 0x01]));
  await r.send('get-status', JSON.stringify({ id: 'unsigned-1' }));
  await r.send('ack-alarm', JSON.stringify({ id: 'unsigned-2', alarmId: 'A-20261125-1' }));
  await r.send('get-status', JSON.stringify({ cmd: '{}', keyId: 'central-test', sig: 'x' }));
  await r.send('get-status', JSON.stringify({ id: 'big-1', pad: 'x'.repeat(1024 * 1024) }));
  // Signed with a key central.keys does not name, or with the right name and another key.
  const stranger = testCentral(SITE, NODE, 'central-test');
  const wrongKey = stranger.sign('get-status', {}, { id: 'wrong-key-1' });
  await r.send('get-status', wrongKey);
  await r.send('get-status', testCentral(SITE, NODE, 'someone-else').sign('get-status', {}, { id: 'unknown-key-1' }));
  // Central's message with its text changed after signing (here: the id).
  const good = JSON.parse(r.central.sign('get-status', {}, { id: 'tampered-1' })) as { cmd: string; keyId: string; sig: string };
  await r.send('get-status', JSON.stringify({ ...good, cmd: good.cmd.replace('tampered-1', 'tampered-2') }));
  // Central's, but for another appliance, or published on another command's topic: a replay elsewhere, never answered.
  await r.send('get-status', r.central.sign('get-status', {}, { node: 'other-node', id: 'other-node-1' }));
  await r.send('originate', r.central.sign('get-status', {}, { id: 'moved-1' }));
  await until(() => r.up.commandStats().refused['wrong-target'] === 2, 5000, 'the two misdirected commands');
  const refused = r.up.commandStats().refused;
  t.match(refused, { 'not-json': 2, unsigned: 3, malformed: 2, 'too-large': 1, 'bad-signature': 2, 'unknown-key': 1, 'wrong-target': 2 }, `each refusal counted by its reason (${JSON.stringify(refused)})`);

  // Still working: a signed get-status answers with health, backlog and the intake's figures.
  const st = await r.signed('get-status');
  const res = await r.answer(st);
  t.equal(res.ok, true);
  t.match(res.result, { health: { site: SITE, node: NODE, components: { uplink: { status: 'ok' } } }, backlog: { count: 0, dropped: { call: 0, event: 0 } }, load: { commands: { run: 0, inFlight: 1 } } });
  const env = r.envelopes.find((e) => (e.data as { id?: string }).id === st);
  t.match(env, { v: 2, type: 'cmd-result', site: SITE, node: NODE, data: { id: st, name: 'get-status', ok: true } });
  t.ok(typeof env?.seq === 'number' && env.seq > 0, 'a numbered message, like every other from the outbox');
  t.same(r.results.map((x) => x.id), [st], 'nothing but central’s own command was answered');

  // Audited: the first of each kind at once, the rest summarised (auditIntervalMs 300 here).
  await new Promise((res) => setTimeout(res, 500));
  const audit = await r.store.audit.list(200);
  for (const reason of ['unsigned', 'bad-signature', 'unknown-key', 'wrong-target', 'not-json', 'too-large'])
    t.ok(audit.some((a) => a.action === 'cmd.refused' && a.outcome === 'denied' && a.username === null && a.detail?.startsWith(`${reason}:`)), `${reason} audited`);
  t.ok(audit.some((a) => a.action === 'cmd.refused' && /^1 more like this since .* \(4 in all\): unsigned|^\d+ more like this/.test(a.detail ?? '')) || audit.filter((a) => a.detail?.startsWith('unsigned:')).length === 3, 'past the first three of a kind, one summary row');
  t.ok(audit.some((a) => a.action === 'cmd.get-status' && a.outcome === 'ok' && a.target === st && a.username === 'central' && /key central-test/.test(a.detail ?? '')), 'the obeyed command audited as central’s, with the key');
});

t.test('signed commands: bad fields, injections and disallowed targets are answered with the reason', async (t) => {
  const r = await rig(t);
  for (const name of ['ack-alarm', 'clear-alarm', 'self-test', 'rm-rf']) t.match(await r.answer(await r.signed(name)), { ok: false, error: 'unknown command' }, `${name} is unknown until registered`);
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'extension', number: 1001 } })), { ok: false, error: /^invalid: target\.number: .*string/ });
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'pigeon', number: '1' } })), { ok: false, error: /^invalid: target\.kind/ });
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'extension', number: '1001' }, timeoutS: '30; rm' })), { ok: false, error: /^invalid: timeoutS/ });
  t.match(await r.answer(await r.signed('get-status', { extra: 1 })), { ok: false, error: /^invalid: .*extra/ });
  t.match(await r.answer(await r.signed('hangup', { uuid: '0b6f4c2e-1111-4222-8333-944455556666', cause: 'NORMAL_CLEARING\n\napi system id' })), { ok: false, error: /^invalid: cause/ });
  // Injection strings where the grammar wants a UUID or a name: refused before anything is sent.
  t.match(await r.answer(await r.signed('hangup', { uuid: 'abc\n\napi system id' })), { ok: false, error: /^invalid: uuid: a UUID looks like/ });
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'gateway', gateway: 'gw1', number: '5551234' }, callerIdName: 'x}&bridge(user/1)' })), { ok: false, error: /^invalid: callerIdName/ });
  // Only what the configuration allows: configured phones, configured gateways, configured numbers.
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'extension', number: '1001\n\napi system id' } })), { ok: false, error: /^not allowed: target\.number: "1001\\n\\napi system id" is not a configured phone/ });
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'extension', number: '9999' } })), { ok: false, error: /not a configured phone/ });
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'gateway', gateway: 'premium-trunk', number: '5551234' } })), { ok: false, error: /^not allowed: target\.gateway: "premium-trunk" is not a gateway of the configuration \(gw1\)/ }, 'never an arbitrary gateway name');
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'gateway', gateway: 'gw1', number: '0900123456' } })), { ok: false, error: /not a number central may call/ }, 'nor an arbitrary number (toll fraud)');
  t.match(await r.answer(await r.signed('originate', { target: { kind: 'gsm', number: '+8613800000000' }, timeoutS: 30 })), { ok: false, error: 'disconnected: not connected to FreeSWITCH' }, 'an allowed target passes the grammar and reaches the (disconnected) PBX');
  const audit = await r.store.audit.list(200);
  t.ok(audit.some((a) => a.action === 'cmd.originate' && a.outcome === 'failed' && /not allowed: target\.gateway/.test(a.detail ?? '')), 'a refused target is audited');
  t.ok(audit.some((a) => a.action === 'cmd.rm-rf' && a.outcome === 'denied'), 'an unknown command is audited');
});

t.test('idempotency: a repeat is answered with the stored result, never run again (also after a restart); another payload under the same id is a conflict; expired and future commands are refused', async (t) => {
  const r = await rig(t);
  let runs = 0;
  r.up.registerCommand('count-me', z.strictObject({ by: z.number().int() }), async (d) => {
    runs++;
    await new Promise((res) => setTimeout(res, 100));
    return { ok: true, value: { runs, by: d.by } };
  });
  const first = r.central.sign('count-me', { by: 2 }, { id: 'c-1' });
  await r.send('count-me', first);
  await r.send('count-me', first); // the very same bytes while the first still runs (QoS 1 redelivery, or a replay)
  const a = await r.answer('c-1', 2);
  t.equal(runs, 1, 'the handler ran once');
  t.same(a, r.results.find((x) => x.id === 'c-1'), 'the repeat got the stored result');
  t.same(a.result, { runs: 1, by: 2 });
  // Central retrying: the same command and payload, freshly signed (new ts and nonce) — answered, not run.
  await r.send('count-me', r.central.sign('count-me', { by: 2 }, { id: 'c-1' }));
  await new Promise((res) => setTimeout(res, 300));
  t.equal(r.results.filter((x) => x.id === 'c-1').length, 2, 'the stored result is sent again at most once a minute per id');
  t.equal(runs, 1);
  // The same id with another payload or another command: a conflict, not the old result.
  await r.send('count-me', r.central.sign('count-me', { by: 99 }, { id: 'c-1' }));
  t.match(await r.answer('c-1', 3), { ok: false, error: /^conflict: id c-1 was used for another command \(count-me, / });
  await r.send('get-status', r.central.sign('get-status', {}, { id: 'c-1' }));
  await new Promise((res) => setTimeout(res, 300));
  t.equal(runs, 1, 'neither was run');
  t.equal(r.up.commandStats().refused.conflict, 2, 'two conflicts counted');

  // Failures are remembered too: a refused id stays refused.
  await r.send('count-me', r.central.sign('count-me', { by: 'two' }, { id: 'c-2' }));
  t.match(await r.answer('c-2'), { ok: false, error: /^invalid: by/ });
  await r.send('count-me', r.central.sign('count-me', { by: 2 }, { id: 'c-2' }));
  t.match(await r.answer('c-2', 2), { ok: false, error: /^conflict/ }, 'fixing the payload under the same id is a conflict: use a new id');
  t.equal(runs, 1);

  // A nonce is used once: the same nonce under another id is a replay.
  await r.send('count-me', r.central.sign('count-me', { by: 3 }, { id: 'c-3', nonce: 'nonce-nonce-nonce-1' }));
  await r.answer('c-3');
  await r.send('count-me', r.central.sign('count-me', { by: 3 }, { id: 'c-4', nonce: 'nonce-nonce-nonce-1' }));
  t.match(await r.answer('c-4'), { ok: false, error: 'replay: nonce already used by command c-3' });

  // Time: expired, from the future, a validity longer than the window.
  const hourAgo = new Date(Date.now() - 3_600_000);
  t.match(await r.answer(await r.signed('count-me', { by: 1 }, { ts: hourAgo, ttlS: 60 })), { ok: false, error: /^expired: expired at / });
  t.match(await r.answer(await r.signed('count-me', { by: 1 }, { ts: new Date(Date.now() + 3_600_000) })), { ok: false, error: /^from-the-future: / });
  t.match(await r.answer(await r.signed('count-me', { by: 1 }, { ttlS: 8 * 86_400 })), { ok: false, error: /^malformed: exp must be after ts and at most 7 days after it/ });
  t.equal(runs, 2, 'only c-3 ran besides c-1');
  const audit = await r.store.audit.list(200);
  t.ok(audit.some((a) => a.action === 'cmd.count-me' && a.target === 'c-1' && a.outcome === 'denied' && /^(repeat of an id|conflict)/.test(a.detail ?? '')), 'repeats and conflicts audited');
  t.ok(audit.some((a) => a.action === 'cmd.count-me' && a.outcome === 'denied' && /^expired:/.test(a.detail ?? '')), 'expired audited');

  // A handler that throws is an error result, not a crash.
  r.up.registerCommand('boom', z.strictObject({}), () => { throw new Error('kaboom'); });
  t.match(await r.answer(await r.signed('boom')), { ok: false, error: 'internal error' });

  // A rebuilt client over the same store still knows c-1: after a restart it is not run either.
  await r.up.stop();
  const up2 = new UplinkClient(r.options, { store: r.store, health: r.health, bus: new EventBus(quiet), log: quiet });
  let runs2 = 0;
  up2.registerCommand('count-me', z.strictObject({ by: z.number().int() }), async () => ({ ok: true, value: { runs: ++runs2 } }));
  await up2.start();
  t.teardown(() => up2.stop());
  await until(() => up2.connected, 5000, 'second client');
  await r.send('count-me', first);
  t.same(await r.answer('c-1', 4), a, 'the stored result after a restart');
  t.equal(runs2, 0);
});

t.test('ids are remembered for the window, not the last 1000: an old id never runs again, and what is older is expired', async (t) => {
  const r = await rig(t, { windowMs: 4000 });
  let runs = 0;
  r.up.registerCommand('count-me', z.strictObject({ by: z.number().int() }), async () => ({ ok: true, value: { runs: ++runs } }));
  const early = r.central.sign('count-me', { by: 1 }, { id: 'early', ttlS: 4 });
  await r.send('count-me', early);
  await r.answer('early');
  await r.store.tx(async (q) => {
    for (let i = 0; i < 1100; i++) await q.commands.put({ id: `filler-${i}`, name: 'get-status', result: '{}', fingerprint: 'f', keyId: 'k', nonce: `nonce-filler-${i}`, signedAt: new Date().toISOString() });
  });
  await (r.up as unknown as { processor: { prune(): Promise<void> } }).processor.prune();
  t.ok(await r.store.commands.get('early'), 'still remembered after 1100 later ids');
  await new Promise((res) => setTimeout(res, 4200));
  await (r.up as unknown as { processor: { prune(): Promise<void> } }).processor.prune();
  t.notOk(await r.store.commands.get('early'), 'forgotten once the window passed');
  await r.send('count-me', early);
  t.match(await r.answer('early', 2), { ok: false, error: /^expired/ }, 'and a replay of it is refused as expired, not run');
  t.equal(runs, 1);
});

t.test('a flood on cmd/ is dropped unread past the rate; central’s commands still get through afterwards; the audit log grows by a bounded number of rows', async (t) => {
  const r = await rig(t, { perSecond: 20, auditIntervalMs: 3000 });
  const rowsBefore = (await r.store.audit.list(100_000)).length;
  const junk = JSON.stringify({ id: 'junk', alarmId: 'A-20261125-1' });
  for (let i = 0; i < 5000; i++) r.client.publish(`${ROOT}cmd/ack-alarm`, i % 2 ? junk : '{not json', { qos: 0 });
  await until(() => { const s = r.up.commandStats().refused; return (s.rate ?? 0) + (s.unsigned ?? 0) + (s['not-json'] ?? 0) >= 5000; }, 20_000, 'the flood seen');
  const s = r.up.commandStats().refused;
  t.ok((s.rate ?? 0) > 4000, `most dropped unread (${s.rate} by the rate, ${(s.unsigned ?? 0) + (s['not-json'] ?? 0)} looked at)`);
  await new Promise((res) => setTimeout(res, 3200)); // past the audit interval
  t.match(await r.answer(await r.signed('get-status')), { ok: true }, 'central’s next command is obeyed');
  await new Promise((res) => setTimeout(res, 400));
  const rows = (await r.store.audit.list(100_000)).length - rowsBefore;
  t.ok(rows <= 13, `5000 refusals made ${rows} audit rows (at most 3 of each of the 3 kinds and a summary of each, and the get-status)`);
});

t.test('a broker that never answers, a refused login, and stop() in the middle of connecting', async (t) => {
  const { createServer } = await import('node:net');
  const { Aedes } = await import('aedes');
  const dir = t.testdir();
  const store = await Store.open(join(dir, 'data'), { site: SITE, node: NODE });
  t.teardown(() => store.close());
  const bus = new EventBus(quiet);
  const health = new HealthRegistry({ version: '1', site: SITE, node: NODE }, (h) => bus.emit('health', h));
  // A black hole: accepts TCP, never sends CONNACK.
  const held: import('node:net').Socket[] = [];
  const hole = createServer((s) => void held.push(s));
  await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const s of held) s.destroy();
    hole.close();
  });
  // A broker that refuses every login.
  const strict = await Aedes.createBroker({ authenticate: (_c, _u, _p, done) => done(Object.assign(new Error('bad user'), { returnCode: 4 }), false) });
  const strictServer = createServer(strict.handle);
  await new Promise<void>((r) => strictServer.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    strictServer.close();
    strict.close();
  });
  const port = (s: import('node:net').Server) => (s.address() as { port: number }).port;

  const up = new UplinkClient(
    { site: SITE, node: NODE, version: '1', brokers: [`mqtt://127.0.0.1:${port(hole)}`, `mqtt://127.0.0.1:${port(strictServer)}`], username: 'u', password: 'wrong', connectTimeoutMs: 300, backoffBaseMs: 20, backoffMaxMs: 50, pollMs: 100 },
    { store, health, bus, log: quiet },
  );
  await up.start();
  await until(() => /Not authorized|Bad username|bad user|Connection refused/i.test(health.snapshot().components.uplink.detail), 5000, 'the refused login in health');
  t.match(health.snapshot().components.uplink, { status: 'degraded' });
  await until(() => held.length >= 2, 5000, 'a second try at the black hole');
  t.pass('the black hole timed out and was tried again');
  await up.stop();

  // stop() while a connection attempt hangs (long connect timeout) returns promptly.
  const up2 = new UplinkClient({ site: SITE, node: NODE, version: '1', brokers: [`mqtt://127.0.0.1:${port(hole)}`], connectTimeoutMs: 30_000 }, { store, health, bus, log: quiet });
  await up2.start();
  const n = held.length;
  await until(() => held.length > n, 3000, 'the attempt');
  const t0 = Date.now();
  await up2.stop();
  t.ok(Date.now() - t0 < 1500, `stop() during a hanging connect took ${Date.now() - t0} ms`);
});

t.test('the simulation broker takes a free port when its port is taken', async (t) => {
  const a = new SimBroker({ port: 0 }, quiet);
  await a.start();
  t.teardown(() => a.stop());
  const b = new SimBroker({ port: a.port }, quiet);
  await b.start();
  t.teardown(() => b.stop());
  t.not(b.port, a.port);
  const c = await mqtt.connectAsync(b.url);
  t.ok(c.connected);
  await c.endAsync();
});
