// The uplink against a real mosquitto: outbox rows arrive in seq order and are
// deleted only after PUBACK; the retained status and its last will; a broker
// outage across two rebuilds of the client with nothing lost.
import { once } from 'node:events';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import t, { type Test } from 'tap';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import type { OutboxEnvelope as Envelope, OutboxType } from '../src/contracts/index.js';
import { Store } from '../src/store/store.js';
import { UplinkClient, type UplinkOptions } from '../src/uplink/index.js';
import { mosquitto } from './helpers/mosquitto.js';
import { makePki } from './helpers/tls.js';
import { skipUnless } from './helpers/tools.js';
import { sampleAlarm, sampleOf } from './helpers/messages.js';

const log = pino({ level: 'silent' });
const SITE = 'tunnel-a';
const NODE = 'cab-3';
const ROOT = `callpoint/v1/${SITE}/${NODE}/`;
const needs = { skip: skipUnless('mosquitto') };

const until = async (cond: () => boolean | Promise<boolean>, ms: number, what = 'condition') => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function rigStore(t: Test) {
  const store = await Store.open(join(t.testdir(), 'data'), { site: SITE, node: NODE });
  const health = new HealthRegistry({ version: '9.9.9', site: SITE, node: NODE }, (h) => bus.emit('health', h));
  const bus = new EventBus(log);
  t.teardown(() => store.close());
  return { store, health, bus };
}

function uplink(r: Awaited<ReturnType<typeof rigStore>>, brokers: string[], extra: Partial<UplinkOptions> = {}) {
  return new UplinkClient(
    { site: SITE, node: NODE, version: '9.9.9', brokers, backoffBaseMs: 50, backoffMaxMs: 300, pollMs: 200, connectTimeoutMs: 2000, statusMinIntervalMs: 200, ...extra },
    { store: r.store, health: r.health, bus: r.bus, log },
  );
}

/** A central-side subscriber that records every envelope on alarm/call/event and every status. */
async function central(url: string, opts: { clientId?: string; clean?: boolean } = {}) {
  const c = await mqtt.connectAsync(url, { clientId: opts.clientId ?? `central-${Math.random().toString(16).slice(2)}`, clean: opts.clean ?? true, reconnectPeriod: 100 });
  const envelopes: Envelope[] = [];
  const statuses: Array<{ retain: boolean; body: Record<string, unknown>; envelope: Record<string, unknown> }> = [];
  c.on('message', (topic, payload, packet) => {
    const kind = topic.slice(ROOT.length);
    if (kind === 'status') {
      // Status travels in the envelope too (version 2): state, not an event, so no seq.
      const envelope = JSON.parse(payload.toString()) as { data: Record<string, unknown> } & Record<string, unknown>;
      statuses.push({ retain: packet.retain, body: envelope.data, envelope });
    }
    else if (['alarm', 'call', 'event'].includes(kind)) envelopes.push(JSON.parse(payload.toString()) as Envelope);
  });
  await c.subscribeAsync(`${ROOT}+`, { qos: 1 });
  return { c, envelopes, statuses };
}

/**
 * A TCP proxy between the uplink and the broker that can hold back PUBACK
 * packets (MQTT 3.1.1 §3.4: fixed header 0x40) on their way to the client,
 * forwarding everything else — so the test can watch what happens to outbox
 * rows that the broker has but has not acknowledged yet.
 */
async function pubackHolder(brokerPort: number) {
  let holding = true;
  const held: Array<{ sock: Socket; pkt: Buffer }> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = netConnect(brokerPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    let buf = Buffer.alloc(0);
    upstream.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        // Remaining length: a variable-length integer of up to 4 bytes after the type byte.
        let len = 0, mul = 1, i = 1;
        for (; i < buf.length && i <= 4; i++) {
          len += (buf[i]! & 0x7f) * mul;
          mul *= 128;
          if (!(buf[i]! & 0x80)) break;
        }
        if (i >= buf.length || buf.length < i + 1 + len) return;
        const pkt = buf.subarray(0, i + 1 + len);
        buf = buf.subarray(i + 1 + len);
        if (holding && pkt[0]! >> 4 === 4) held.push({ sock: client, pkt });
        else client.write(pkt);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    held: () => held.length,
    release() {
      holding = false;
      for (const h of held.splice(0)) if (!h.sock.destroyed) h.sock.write(h.pkt);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const strictlyIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);

t.test('rows written before connecting all arrive in seq order, each deleted only after its PUBACK', needs, async (t) => {
  const mq = await mosquitto();
  t.teardown(() => mq.dispose());
  const r = await rigStore(t);
  const types: OutboxType[] = ['alarm', 'call', 'event'];
  const written = await r.store.tx((x) => x.outbox.enqueueMany(Array.from({ length: 60 }, (_, i) => ({ type: types[i % 3]!, data: sampleOf(types[i % 3]!, i), orderKey: i % 3 === 0 ? 'alarm-1' : null }))));
  const stored = new Map((await r.store.outbox.peek(1000)).map((row) => [row.seq, row]));
  const sub = await central(mq.url);
  t.teardown(() => sub.c.endAsync());
  const proxy = await pubackHolder(mq.port);
  t.teardown(() => proxy.close());

  const up = uplink(r, [proxy.url], { inflight: 20 });
  await up.start();
  t.teardown(() => up.stop());
  // With every PUBACK held, exactly one window goes out and nothing is deleted.
  await until(() => sub.envelopes.length >= 20, 5000, 'the first window');
  await new Promise((res) => setTimeout(res, 400));
  t.equal(sub.envelopes.length, 20, 'no more than the in-flight window without PUBACKs');
  t.equal((await r.store.outbox.stats()).count, 60, 'the broker has 20 of them, yet no row is deleted before its PUBACK');
  t.ok(proxy.held() >= 20, 'PUBACKs are being held by the proxy');

  proxy.release();
  await until(async () => (await r.store.outbox.stats()).count === 0, 10_000, 'the outbox to empty');
  await until(() => sub.envelopes.length >= 60, 5000, 'all messages');
  t.same(sub.envelopes.map((e) => e.seq), written.map((e) => e.seq), 'every message, in seq order, once');
  t.same(sub.envelopes.map((e) => e.id), written.map((e) => e.id), 'with the envelope ids as written');
  for (const e of sub.envelopes) {
    const row = stored.get(e.seq)!;
    t.same(e, row.envelope, `seq ${e.seq}: the payload is the stored envelope`);
    t.equal(e.type, row.type);
  }
  t.equal(r.health.snapshot().components.uplink.status, 'ok');
});

t.test('a connection lost with messages in flight: they are sent again after reconnecting, then deleted', needs, async (t) => {
  const mq = await mosquitto();
  t.teardown(() => mq.dispose());
  const r = await rigStore(t);
  const written = await r.store.tx((x) => x.outbox.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ type: 'alarm' as const, data: sampleAlarm(i), orderKey: 'a-1' }))));
  const sub = await central(mq.url);
  t.teardown(() => sub.c.endAsync());
  const proxy = await pubackHolder(mq.port);
  t.teardown(() => proxy.close());
  const up = uplink(r, [proxy.url], { inflight: 10 });
  await up.start();
  t.teardown(() => up.stop());
  await until(() => sub.envelopes.length >= 10, 5000, 'the first window');
  up.severConnection(); // PUBACKs of the window never arrive
  await until(() => !up.connected, 5000, 'disconnect');
  t.equal((await r.store.outbox.stats()).count, 30, 'nothing deleted without PUBACK');
  proxy.release();
  await until(async () => (await r.store.outbox.stats()).count === 0, 10_000, 'drain after reconnect');
  await until(() => new Set(sub.envelopes.map((e) => e.id)).size === 30, 5000, 'all ids');
  const seqs = sub.envelopes.map((e) => e.seq);
  t.same(seqs.slice(0, 10), written.slice(0, 10).map((e) => e.seq), 'the first window');
  t.same(seqs.slice(10), written.map((e) => e.seq), 'after reconnecting: from the oldest unacknowledged row, in order');
  t.equal(sub.envelopes.length, 40, 'the unacknowledged window was sent twice (at-least-once); central de-duplicates by id');
});

t.test('status is retained online:true; a cut connection fires the will online:false; a clean stop says offline', needs, async (t) => {
  const mq = await mosquitto();
  t.teardown(() => mq.dispose());
  const r = await rigStore(t);
  const up = uplink(r, [mq.url]);
  await up.start();
  await until(() => up.connected, 5000, 'connection');
  await until(() => r.health.snapshot().components.uplink.status === 'ok', 5000, 'uplink ok');

  // A subscriber that comes later gets the retained status.
  const late = await central(mq.url);
  t.teardown(() => late.c.endAsync());
  await until(() => late.statuses.length > 0, 3000, 'retained status');
  const first = late.statuses[0]!;
  t.equal(first.retain, true, 'status is retained');
  t.equal(first.body.online, true);
  t.equal(first.body.version, '9.9.9');
  t.match(first.envelope, { v: 2, type: 'status', seq: null, site: SITE, node: NODE, id: /^[0-9a-f-]{36}$/, ts: /^\d{4}-/ }, 'in the envelope every message has');
  t.match(first.body.health, { site: SITE, node: NODE, components: { store: {}, uplink: {} } }, 'carries the health snapshot');

  // Health changes are re-published (throttled).
  const before = late.statuses.length;
  r.health.set('gsm', 'degraded', 'no signal');
  await until(() => late.statuses.slice(before).some((s) => (s.body.health as { components: { gsm: { detail: string } } }).components.gsm.detail === 'no signal'), 3000, 'status after a health change');
  t.pass('a health change is re-published');

  // Cut the TCP connection without DISCONNECT: the broker publishes the last will.
  const mark = late.statuses.length;
  up.severConnection();
  await until(() => late.statuses.slice(mark).some((s) => s.body.online === false), 5000, 'the last will');
  t.same(late.statuses.slice(mark).find((s) => s.body.online === false)!.body, { online: false, version: '9.9.9' }, 'the will says offline, in an envelope');
  // … and the uplink comes back by itself and says so.
  await until(() => late.statuses.slice(mark).some((s) => s.body.online === true), 5000, 'back online');
  t.pass('reconnected and online:true again');

  await up.stop();
  const after = await central(mq.url);
  t.teardown(() => after.c.endAsync());
  await until(() => after.statuses.length > 0, 3000, 'retained status after stop');
  t.equal(after.statuses[0]!.body.online, false, 'after a clean stop the retained status is offline');
});

t.test('broker down during a burst, the client rebuilt twice, broker back: every message arrives once in seq order', needs, async (t) => {
  // Persistence on: central's session (and its queue) survives the broker restart, as a real central broker's would.
  const mq = await mosquitto({ persistence: true });
  t.teardown(() => mq.dispose());
  const r = await rigStore(t);
  const sub = await central(mq.url, { clientId: 'central-dispatch', clean: false });
  t.teardown(() => sub.c.endAsync(true));
  const all: Envelope[] = [];
  const burst = async (up: UplinkClient, n: number) => {
    for (let i = 0; i < n; i += 25) {
      const types: OutboxType[] = ['alarm', 'call', 'event'];
      all.push(...(await r.store.tx((x) => x.outbox.enqueueMany(Array.from({ length: 25 }, (_, j) => ({ type: types[(i + j) % 3]!, data: sampleOf(types[(i + j) % 3]!, i + j), orderKey: null }))))));
      up.notify();
    }
  };

  let up = uplink(r, [mq.url]);
  await up.start();
  await until(() => up.connected, 5000, 'connection');
  await burst(up, 100);
  await until(async () => (await r.store.outbox.stats()).count === 0, 5000, 'the first 100 to drain');

  await mq.stop(); // the outage starts
  const half = burst(up, 300); // a burst while the broker goes away
  await half;
  await until(() => !up.connected, 5000, 'the uplink to notice');
  t.equal(r.health.snapshot().components.uplink.status, 'degraded');
  await up.stop();

  for (let rebuild = 1; rebuild <= 2; rebuild++) {
    // A daemon restart: a new client over the same store, broker still down.
    up = uplink(r, [mq.url]);
    await up.start();
    await burst(up, 300);
    await new Promise((res) => setTimeout(res, 300));
    if (rebuild === 1) await up.stop();
  }
  t.teardown(() => up.stop());
  t.ok((await r.store.outbox.stats()).count > 0, 'a backlog waits in the outbox');
  await until(() => /\d+ messages waiting, oldest/.test(r.health.snapshot().components.uplink.detail), 5000, 'backlog in health');
  t.match(r.health.snapshot().components.uplink, { status: 'degraded', detail: /not connected to central .*messages waiting, oldest \d+ s/ });

  await mq.start(); // the broker is back
  t.notMatch(mq.log(), /error/i, 'mosquitto saved and restored its state without errors');
  await until(async () => (await r.store.outbox.stats()).count === 0, 20_000, 'the outbox to drain');
  await until(() => new Set(sub.envelopes.map((e) => e.id)).size >= all.length, 20_000, 'central to have everything');
  const firstSeen: Envelope[] = [];
  const seen = new Set<string>();
  for (const e of sub.envelopes) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    firstSeen.push(e);
  }
  t.equal(all.length, 1000);
  t.same(firstSeen.map((e) => e.id), all.map((e) => e.id), 'no id lost, in the order written');
  t.ok(strictlyIncreasing(firstSeen.map((e) => e.seq)), 'seq strictly increasing');
  t.comment(`duplicates delivered (at-least-once, central de-duplicates): ${sub.envelopes.length - firstSeen.length}`);
  t.equal((await r.store.outbox.stats()).count, 0, 'none left in the outbox');
  await until(() => r.health.snapshot().components.uplink.status === 'ok', 5000, 'health ok again');
});

t.test('an unreachable broker never throws out of start(); it keeps retrying and rotates brokers', async (t) => {
  const r = await rigStore(t);
  const lines: Array<{ msg: string; url?: string }> = [];
  const capture = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as { msg: string; url?: string }) });
  const up = new UplinkClient(
    { site: SITE, node: NODE, version: '9.9.9', brokers: ['mqtt://127.0.0.1:1', 'mqtts://127.0.0.1:2'], backoffBaseMs: 20, backoffMaxMs: 80, connectTimeoutMs: 500 },
    { store: r.store, health: r.health, bus: r.bus, log: capture },
  );
  const t0 = Date.now();
  await up.start();
  t.ok(Date.now() - t0 < 1000, 'start() returns at once');
  await until(() => /not connected to central/.test(r.health.snapshot().components.uplink.detail), 3000, 'health detail');
  t.equal(r.health.snapshot().components.uplink.status, 'degraded');
  await until(() => lines.filter((l) => l.url).length >= 4, 5000, 'several attempts');
  const urls = lines.filter((l) => l.url).map((l) => l.url);
  t.same(urls.slice(0, 4), ['mqtt://127.0.0.1:1', 'mqtts://127.0.0.1:2', 'mqtt://127.0.0.1:1', 'mqtts://127.0.0.1:2'], 'brokers tried in turn');
  await up.stop();
});

t.test('no broker configured: disabled; a missing TLS file: down, and start() still resolves', async (t) => {
  const r = await rigStore(t);
  const a = uplink(r, []);
  await a.start();
  t.match(r.health.snapshot().components.uplink, { status: 'disabled', detail: /no broker configured/ });
  await a.stop();
  const b = uplink(r, ['mqtts://127.0.0.1:8883'], { ca: '/nonexistent/ca.pem' });
  await b.start();
  t.match(r.health.snapshot().components.uplink, { status: 'down', detail: /cannot read the uplink TLS files/ });
  await b.stop();
});


t.test('mqtts with a private CA, a client certificate and a password', needs, async (t) => {
  const r = await rigStore(t);
  const pki = makePki(join(t.testdirName, 'tls'), { name: 'cab3', password: 's3cret-pass' });
  const f = pki.file;
  const mq = await mosquitto({
    allowAnonymous: false,
    listener: ['listener PORT 127.0.0.1', `cafile ${f('ca.pem')}`, `certfile ${f('server.pem')}`, `keyfile ${f('server.key')}`, 'require_certificate true', `password_file ${f('passwd')}`],
  });
  t.teardown(() => mq.dispose());
  const [env] = await r.store.tx((x) => x.outbox.enqueueMany([{ type: 'alarm' as const, data: sampleAlarm(7), orderKey: null }]));
  const opts = { ca: f('ca.pem'), cert: f('client.pem'), key: f('client.key'), username: 'cab3' };

  const wrong = uplink(r, [mq.url], { ...opts, password: 'wrong-pass' });
  await wrong.start();
  await until(() => /Not authorized|Bad username/i.test(r.health.snapshot().components.uplink.detail), 5000, `refused login in health (${r.health.snapshot().components.uplink.detail})`);
  t.equal((await r.store.outbox.stats()).count, 1, 'nothing delivered with a wrong password');
  await wrong.stop();

  const up = uplink(r, [mq.url], { ...opts, password: 's3cret-pass' });
  await up.start();
  t.teardown(() => up.stop());
  await until(async () => (await r.store.outbox.stats()).count === 0, 5000, 'delivery over TLS');
  t.ok(up.connected, 'connected over mutual TLS with a password');
  t.equal(env!.type, 'alarm');
});
