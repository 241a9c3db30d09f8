// Commands from central through the embedded simulation broker (aedes):
// garbage of every kind is refused or answered with an error and the client
// keeps working; ids are idempotent; everything is audited.
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

async function rig(t: Test) {
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
  // The real gateway, never connected: its command grammar answers first, then "not connected".
  const pbx = new FreeswitchGateway({ host: '127.0.0.1', port: 1, password: 'unused-password', recordingsDir: join(dir, 'rec') }, { store, health, bus, log: quiet });
  const up = new UplinkClient({ site: SITE, node: NODE, version: '1.2.3', brokers: [broker.url], backoffBaseMs: 50, backoffMaxMs: 200, pollMs: 200 }, { store, health, bus, log });
  registerPbxCommands(up.registerCommand, pbx);
  await up.start();
  t.teardown(() => up.stop());
  await until(() => up.connected, 5000, 'uplink connected');
  const central = await mqtt.connectAsync(broker.url, { clientId: 'central' });
  t.teardown(() => central.endAsync());
  const results: ResultMessage[] = [];
  const envelopes: Envelope[] = [];
  central.on('message', (topic, payload) => {
    if (!topic.startsWith(`${ROOT}cmd-result/`)) return;
    const env = JSON.parse(payload.toString()) as Envelope<ResultMessage>;
    envelopes.push(env);
    results.push(env.data);
  });
  await central.subscribeAsync(`${ROOT}cmd-result/#`, { qos: 1 });
  const send = (name: string, payload: string | Buffer) => central.publishAsync(`${ROOT}cmd/${name}`, payload, { qos: 1 });
  const answer = async (id: string, n = 1) => {
    await until(() => results.filter((r) => r.id === id).length >= n, 5000, `result ${id}`);
    return results.filter((r) => r.id === id)[n - 1]!;
  };
  return { up, store, health, broker, central, results, envelopes, lines, send, answer };
}

t.test('garbage on cmd/ is refused or answered with an error; the client keeps working', async (t) => {
  const r = await rig(t);
  // Not JSON, not an object, no id, an id that would address other topics: logged refusals, no reply possible.
  await r.send('get-status', '{"id": "x1", ');
  await r.send('get-status', '[1,2,3]');
  await r.send('get-status', '"just a string"');
  await r.send('get-status', JSON.stringify({ noId: true }));
  await r.send('get-status', JSON.stringify({ id: 'a/#' }));
  await r.send('get-status', JSON.stringify({ id: 42 }));
  await r.send('get-status', Buffer.from([0xff, 0xfe, 0x00, 0x01]));
  // A 1 MB payload, even with a good id inside: refused before parsing.
  await r.send('get-status', JSON.stringify({ id: 'big-1', pad: 'x'.repeat(1024 * 1024) }));
  await until(() => r.lines.filter((l) => /command refused/.test(l.msg)).length >= 8, 5000, 'eight refusals');
  t.ok(r.lines.some((l) => /over 65536 bytes/.test(l.msg) && (l.bytes as number) > 1024 * 1024), 'the 1 MB payload is refused for its size');
  t.ok(r.lines.some((l) => /not JSON$/.test(l.msg)), 'bad JSON logged');
  t.ok(r.lines.some((l) => /no valid id/.test(l.msg)), 'missing or bad id logged');

  // Unknown commands, including the alarm service's until it registers them.
  for (const name of ['ack-alarm', 'clear-alarm', 'self-test', 'rm-rf', 'UPPER']) await r.send(name, JSON.stringify({ id: `u-${name}` }));
  for (const name of ['ack-alarm', 'clear-alarm', 'self-test', 'rm-rf', 'UPPER']) t.match(await r.answer(`u-${name}`), { ok: false, error: 'unknown command' }, `${name} is unknown`);

  // Wrong types: zod answers with the path.
  await r.send('originate', JSON.stringify({ id: 'wt-1', target: { kind: 'extension', number: 1001 } }));
  t.match(await r.answer('wt-1'), { ok: false, error: /^invalid: target\.number: .*string/ });
  await r.send('originate', JSON.stringify({ id: 'wt-2', target: { kind: 'pigeon', number: '1' } }));
  t.match(await r.answer('wt-2'), { ok: false, error: /^invalid: target\.kind/ });
  await r.send('originate', JSON.stringify({ id: 'wt-3', target: { kind: 'extension', number: '1001' }, timeoutS: '30; rm' }));
  t.match(await r.answer('wt-3'), { ok: false, error: /^invalid: timeoutS/ });
  await r.send('get-status', JSON.stringify({ id: 'wt-4', extra: 1 }));
  t.match(await r.answer('wt-4'), { ok: false, error: /^invalid: .*extra/ });
  await r.send('hangup', JSON.stringify({ id: 'wt-5', uuid: '0b6f4c2e-1111-4222-8333-944455556666', cause: 'NORMAL_CLEARING\n\napi system id' }));
  t.match(await r.answer('wt-5'), { ok: false, error: /^invalid: cause/ });

  // Injection strings where the grammar wants digits or a UUID: the PBX grammar refuses them, with its message.
  await r.send('originate', JSON.stringify({ id: 'inj-1', target: { kind: 'extension', number: '1001\n\napi system id' } }));
  t.match(await r.answer('inj-1'), { ok: false, error: /^invalid: target\.number: an extension is 2–8 digits/ });
  await r.send('originate', JSON.stringify({ id: 'inj-2', target: { kind: 'gateway', gateway: 'gw1', number: '5551234' }, callerIdName: 'x}&bridge(user/1)' }));
  t.match(await r.answer('inj-2'), { ok: false, error: /^invalid: callerIdName/ });
  await r.send('hangup', JSON.stringify({ id: 'inj-3', uuid: 'abc\n\napi system id' }));
  t.match(await r.answer('inj-3'), { ok: false, error: /^invalid: uuid: a UUID looks like/ });
  // A well-formed call: the grammar passes, the PBX is not connected, and says so.
  await r.send('originate', JSON.stringify({ id: 'ok-grammar', target: { kind: 'gsm', number: '+8613800000000' }, timeoutS: 30 }));
  t.match(await r.answer('ok-grammar'), { ok: false, error: 'disconnected: not connected to FreeSWITCH' });

  // Still working: get-status answers with health and backlog.
  await r.send('get-status', JSON.stringify({ id: 'st-1' }));
  const st = await r.answer('st-1');
  t.equal(st.ok, true);
  t.match(st.result, { health: { site: SITE, node: NODE, components: { uplink: { status: 'ok' } } }, backlog: { count: 0, dropped: { call: 0, event: 0 } } });
  // Results travel in the envelope every message has (version 2), numbered from the outbox.
  const env = r.envelopes.find((e) => (e.data as { id?: string }).id === 'st-1');
  t.match(env, { v: 2, type: 'cmd-result', site: SITE, node: NODE, data: { id: 'st-1', name: 'get-status', ok: true } });
  t.ok(typeof env?.seq === 'number' && env.seq > 0, 'a numbered message, like every other from the outbox');
  t.match(env?.ts, /^\d{4}-\d\d-\d\dT/);
  t.ok(r.up.connected, 'still connected');

  // No reply was published for the refused payloads.
  t.notOk(r.results.some((x) => ['x1', 'big-1', 'a/#'].includes(x.id)), 'no result for refusals');

  // Audited, as user central.
  const audit = await r.store.audit.list(200);
  t.ok(audit.every((a) => a.username === 'central'));
  t.ok(audit.some((a) => a.action === 'cmd.get-status' && a.outcome === 'denied' && /bytes refused/.test(a.detail ?? '')));
  t.ok(audit.some((a) => a.action === 'cmd.ack-alarm' && a.outcome === 'denied' && a.target === 'u-ack-alarm'));
  t.ok(audit.some((a) => a.action === 'cmd.invalid-name' && a.target === 'u-UPPER'));
  t.ok(audit.some((a) => a.action === 'cmd.originate' && a.outcome === 'failed' && a.target === 'ok-grammar'));
  t.ok(audit.some((a) => a.action === 'cmd.get-status' && a.outcome === 'ok' && a.target === 'st-1'));
});

t.test('a repeated id returns the stored result without running the handler again — also after a restart', async (t) => {
  const r = await rig(t);
  let runs = 0;
  r.up.registerCommand('count-me', z.strictObject({ by: z.number().int() }), async (d) => {
    runs++;
    await new Promise((res) => setTimeout(res, 100));
    return { ok: true, value: { runs, by: d.by } };
  });
  await r.send('count-me', JSON.stringify({ id: 'c-1', by: 2 }));
  await r.send('count-me', JSON.stringify({ id: 'c-1', by: 2 })); // while the first still runs
  const a = await r.answer('c-1', 2);
  await r.send('count-me', JSON.stringify({ id: 'c-1', by: 99 })); // later, even with other data
  const b = await r.answer('c-1', 3);
  t.equal(runs, 1, 'the handler ran once');
  t.same(a, r.results.find((x) => x.id === 'c-1'));
  t.same(b, a, 'the same stored result, ts included');
  t.same(a.result, { runs: 1, by: 2 });
  // Failures are remembered too.
  await r.send('count-me', JSON.stringify({ id: 'c-2', by: 'two' }));
  await r.send('count-me', JSON.stringify({ id: 'c-2', by: 2 }));
  t.same(await r.answer('c-2', 2), await r.answer('c-2', 1), 'a refused id stays refused');
  t.equal(runs, 1);

  // A handler that throws or hangs is an error result, not a crash.
  r.up.registerCommand('boom', z.strictObject({}), () => { throw new Error('kaboom'); });
  await r.send('boom', JSON.stringify({ id: 'b-1' }));
  t.match(await r.answer('b-1'), { ok: false, error: 'internal error' });

  // A rebuilt client over the same store still knows c-1.
  await r.up.stop();
  const up2 = new UplinkClient({ site: SITE, node: NODE, version: '1.2.3', brokers: [r.broker.url], backoffBaseMs: 50, pollMs: 200 }, { store: r.store, health: r.health, bus: new EventBus(quiet), log: quiet });
  let runs2 = 0;
  up2.registerCommand('count-me', z.strictObject({ by: z.number().int() }), async () => ({ ok: true, value: { runs: ++runs2 } }));
  await up2.start();
  t.teardown(() => up2.stop());
  await until(() => up2.connected, 5000, 'second client');
  await r.send('count-me', JSON.stringify({ id: 'c-1', by: 2 }));
  t.same(await r.answer('c-1', 4), a, 'stored result after a restart');
  t.equal(runs2, 0);
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
