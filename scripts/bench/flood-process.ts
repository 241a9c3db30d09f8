// `make bench`: the floods of issue #11, from a process of their own (so the
// central process that stamps arrivals is not the one flooding):
//   cmd/: 10,000 messages a second on the appliance's command topics, half
//     malformed, half well-formed but unsigned or forged — QoS 0 PUBLISH
//     packets written straight to the broker's socket, 1,000 every 100 ms;
//   event streams: 100 opened by four viewer sessions, 50 by nobody, held open;
//   HTTP: 50 connections of wrong logins and requests without a session.
// Started and stopped by alarm-latency.ts over IPC; reports what it sent.
import { generateKeyPairSync } from 'node:crypto';
import autocannon from 'autocannon';
import mqtt from 'mqtt';
import { signCommand } from '../../daemon/src/uplink/command-auth.js';

export type ToFlood = { type: 'stop' };
export type FromFlood = { type: 'flooding' } | { type: 'done'; published: number; seconds: number; streams: Record<number, number>; http: { requests: number; non2xx: number } };

/** A QoS 0 PUBLISH packet (MQTT 3.1.1 §3.3): fixed header, remaining length, topic, payload. */
function publishPacket(topic: string, payload: Buffer): Buffer {
  const t = Buffer.from(topic, 'utf8');
  let remaining = 2 + t.length + payload.length;
  const len: number[] = [];
  do {
    let byte = remaining % 128;
    remaining = Math.floor(remaining / 128);
    if (remaining > 0) byte |= 0x80;
    len.push(byte);
  } while (remaining > 0);
  return Buffer.concat([Buffer.from([0x30, ...len, t.length >> 8, t.length & 0xff]), t, payload]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const broker = process.env.BENCH_BROKER!;
  const root = process.env.BENCH_TOPIC_ROOT!;
  const [site, node] = root.split('/').slice(2, 4) as [string, string];
  const url = process.env.BENCH_DAEMON_URL!;
  const viewer = { username: process.env.BENCH_VIEWER!, password: process.env.BENCH_VIEWER_PW! };
  const keyId = process.env.BENCH_KEY_ID!;
  const send = (m: FromFlood) => process.send!(m);
  let stopping = false;
  process.on('message', (m) => {
    if ((m as ToFlood).type === 'stop') stopping = true;
  });

  // The payloads: half malformed, half well-formed but forged (central's key id, another key) or unsigned.
  const { privateKey } = generateKeyPairSync('ed25519');
  const forged = (name: string, data: Record<string, unknown>) => signCommand({ privateKey, keyId, site, node, name, id: `forged-${name}`, data });
  const wellFormed = [JSON.stringify({ id: 'x', alarmId: 'A-20261125-1' }), forged('clear-alarm', { alarmId: 'A-20261125-1' }), forged('originate', { target: { kind: 'gateway', gateway: 'premium', number: '0900123456' } }), forged('get-status', {})];
  const malformed = ['{not json', '[1,2,3]', '"a string"', '\u00ff\u00fe\u0000\u0001', JSON.stringify({ cmd: 'x', keyId: '!!', sig: 'y' })];
  const batch = Buffer.concat(Array.from({ length: 1000 }, (_, i) => publishPacket(`${root}cmd/${i % 3 ? 'clear-alarm' : 'get-status'}`, Buffer.from(i % 2 ? wellFormed[i % wellFormed.length]! : malformed[i % malformed.length]!))));

  // Event streams from four viewer sessions and from nobody, held open.
  const cookies: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(viewer) });
    cookies.push(/^([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1] ?? '');
  }
  const aborts = new AbortController();
  const streams: Record<number, number> = {};
  const opened = Array.from({ length: 150 }, (_, i) =>
    fetch(`${url}/api/events`, { headers: i < 100 ? { cookie: cookies[i % 4]! } : {}, signal: aborts.signal }).then(
      (r) => void (streams[r.status] = (streams[r.status] ?? 0) + 1),
      () => void (streams[0] = (streams[0] ?? 0) + 1),
    ),
  );

  const client = await mqtt.connectAsync(broker, { clientId: 'bench-flooder', reconnectPeriod: 0 });
  const t0 = performance.now();
  const http = autocannon({
    url,
    connections: 50,
    duration: 3600,
    requests: [
      { method: 'POST', path: '/api/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: viewer.username, password: 'wrong-password-1' }) },
      { method: 'GET', path: '/api/alarms' },
      { method: 'POST', path: '/api/users', headers: { 'content-type': 'application/json' }, body: '{}' },
    ],
  });
  send({ type: 'flooding' });
  let published = 0;
  while (!stopping) {
    const t = performance.now();
    client.stream.write(batch);
    published += 1000;
    await sleep(Math.max(0, 100 - (performance.now() - t)));
  }
  const seconds = (performance.now() - t0) / 1000;
  (http as unknown as { stop(): void }).stop();
  const cannon = await http;
  aborts.abort();
  await Promise.allSettled(opened);
  await client.endAsync(true);
  send({ type: 'done', published, seconds, streams, http: { requests: cannon.requests.total, non2xx: cannon.non2xx } });
  setTimeout(() => process.exit(0), 100);
}

await main();
