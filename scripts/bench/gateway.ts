// `make bench` (gateway part): events per second through the whole gateway —
// socket, patched modesl, typed layer, live channel table, call records
// committed with their outbox rows — next to a plain frame parser with event
// decoding on the same bytes in memory (the floor); and, with 200 calls up at
// once, the p99 from CHANNEL_HANGUP_COMPLETE received to its record committed.
// The stream is the real answered call of sip-calls-json.raw, replayed for
// many calls with fresh UUIDs (events without a Unique-ID are kept once).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { EventBus } from '../../daemon/src/events/bus.js';
import { HealthRegistry } from '../../daemon/src/health/health.js';
import { FreeswitchGateway, SUBSCRIBED } from '../../daemon/src/pbx/gateway.js';
import { eventFromFrame, FrameParser, type Frame } from '../../daemon/src/pbx/esl/frame-parser.js';
import { Store } from '../../daemon/src/store/store.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CAPTURE = join(ROOT, 'daemon', 'test', 'fixtures', 'freeswitch', 'sip-calls-json.raw');
const ANSWERED = '11922db1-3741-4705-8329-f1e79e2936e9';

export interface Figure { name: string; value: number; unit: string; target: number; better: 'lower' | 'higher' }

/** The answered call's events that the gateway subscribes to (FreeSWITCH sends no others). */
function callTemplate(): string[] {
  const frames: Frame[] = [];
  new FrameParser((f) => frames.push(f)).push(readFileSync(CAPTURE));
  return frames
    .filter((f) => f.headers.get('Content-Type') === 'text/event-json')
    .filter((f) => {
      const h = eventFromFrame(f)?.headers;
      return h?.['Unique-ID'] === ANSWERED && SUBSCRIBED.includes(h['Event-Name'] ?? '');
    })
    .map((f) => f.body);
}

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`;

/** `calls` calls, `concurrent` at a time: each call's events in order, calls interleaved round-robin. */
function stream(template: string[], calls: number, concurrent: number): { bytes: Buffer; events: number } {
  const parts: string[] = [];
  let events = 0;
  for (let start = 0; start < calls; start += concurrent) {
    const batch = Array.from({ length: Math.min(concurrent, calls - start) }, () => randomUUID());
    for (let step = 0; step < template.length; step++) {
      for (const id of batch) {
        parts.push(frame(template[step]!.replaceAll(ANSWERED, id)));
        events++;
      }
    }
  }
  return { bytes: Buffer.from(parts.join('')), events };
}

function floor(bytes: Buffer, events: number): number {
  let n = 0;
  const t0 = performance.now();
  for (let rep = 0; rep < 3; rep++) {
    const p = new FrameParser((f) => { if (eventFromFrame(f)) n++; });
    for (let at = 0; at < bytes.length; at += 65536) p.push(bytes.subarray(at, at + 65536));
  }
  const s = (performance.now() - t0) / 1000;
  if (n !== events * 3) throw new Error(`floor parsed ${n} of ${events * 3}`);
  return (events * 3) / s;
}

interface Harness {
  send(bytes: Buffer): Promise<void>;
  committed(n: number): Promise<void>;
  latencies: number[];
  close(): Promise<void>;
}

/** A gateway connected to a scripted event socket, with a fresh store. */
async function harness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-gwbench-'));
  const store = await Store.open(dir, { site: 'b', node: 'n' });
  let sock: Socket | undefined;
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  const server = createServer((s) => {
    sock = s;
    s.write('Content-Type: auth/request\n\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const c = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (c.startsWith('auth')) s.write('Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
        else if (c.startsWith('event')) s.write('Content-Type: command/reply\nReply-Text: +OK event listener enabled json\n\n');
        else if (c.startsWith('api show channels')) {
          s.write('Content-Type: api/response\nContent-Length: 17\n\n{"row_count": 0}\n');
          setTimeout(subscribed, 50);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const log = pino({ level: 'silent' });
  const latencies: number[] = [];
  let committed = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const gw = new FreeswitchGateway(
    { host: '127.0.0.1', port: (server.address() as { port: number }).port, password: 'bench', recordingsDir: join(dir, 'rec') },
    { store, health: new HealthRegistry({ version: 'b', site: 'b', node: 'n' }, () => undefined), bus: new EventBus(log), log },
  );
  (gw.recorder as unknown as { onCommitted: (r: unknown[], l: number[]) => void }).onCommitted = (records, lat) => {
    latencies.push(...lat);
    committed += records.length;
    for (const w of waiters.splice(0)) if (committed >= w.n) w.resolve(); else waiters.push(w);
  };
  await gw.start();
  await ready;
  return {
    latencies,
    async send(bytes) {
      for (let at = 0; at < bytes.length; at += 65536) {
        if (!sock!.write(bytes.subarray(at, at + 65536))) await new Promise((r) => sock!.once('drain', r));
      }
    },
    committed: (n) => (committed >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    async close() {
      await gw.stop();
      await store.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function gatewayFigures(): Promise<Figure[]> {
  const template = callTemplate();
  const hangupAt = template.findIndex((b) => b.includes('"Event-Name":"CHANNEL_HANGUP"') || b.includes('"Event-Name": "CHANNEL_HANGUP"'));
  if (hangupAt < 0) throw new Error('no CHANNEL_HANGUP in the call template');

  // Throughput: 2000 calls as fast as the socket takes them.
  const calls = 2000;
  const { bytes, events } = stream(template, calls, 200);
  const floorRate = floor(bytes, events);
  const h = await harness();
  const t0 = performance.now();
  await h.send(bytes);
  await h.committed(calls);
  const rate = events / ((performance.now() - t0) / 1000);
  await h.close();

  // Latency, steady state: 200 calls always up; calls end at random moments
  // and new ones start (about 60 a second), for 5 s.
  const steady = await harness();
  const frames = (id: string, from: number, to: number) => template.slice(from, to).map((b) => frame(b.replaceAll(ANSWERED, id))).join('');
  const up = Array.from({ length: 200 }, () => randomUUID());
  await steady.send(Buffer.from(up.map((id) => frames(id, 0, hangupAt)).join('')));
  let ended = 0;
  const until = performance.now() + 5000;
  while (performance.now() < until) {
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
    const i = Math.floor(Math.random() * up.length);
    const fresh = randomUUID();
    await steady.send(Buffer.from(frames(up[i]!, hangupAt, template.length) + frames(fresh, 0, hangupAt)));
    up[i] = fresh;
    ended++;
  }
  await steady.committed(ended);
  const steadySorted = [...steady.latencies].sort((a, b) => a - b);
  await steady.close();

  // Worst case, for information: all 200 hang up in the same instant, five rounds.
  const burst = await harness();
  for (let round = 0; round < 5; round++) {
    const ids = Array.from({ length: 200 }, () => randomUUID());
    const part = (from: number, to: number) => Buffer.from(ids.map((id) => frames(id, from, to)).join(''));
    await burst.send(part(0, hangupAt));
    await new Promise((r) => setTimeout(r, 300));
    await burst.send(part(hangupAt, template.length));
    await burst.committed(200 * (round + 1));
  }
  const burstSorted = [...burst.latencies].sort((a, b) => a - b);
  await burst.close();
  const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  console.log(`      stream: ${calls} calls × ${template.length} events (${(bytes.length / 1e6).toFixed(1)} MB), 200 up at a time`);
  console.log(`      floor (FrameParser + event decoding, in memory): ${Math.round(floorRate)} events/s; gateway, socket to committed records: ${Math.round(rate)} events/s`);
  console.log(`      200 calls up, ${ended} ended at random over 5 s: hangup → committed p50 ${q(steadySorted, 0.5).toFixed(1)} ms, p99 ${q(steadySorted, 0.99).toFixed(1)} ms`);
  console.log(`      (worst case, all 200 hanging up at once: p50 ${q(burstSorted, 0.5).toFixed(1)} ms, p99 ${q(burstSorted, 0.99).toFixed(1)} ms — no target)`);
  return [
    { name: 'gateway events/s with records committed, as a fraction of the plain parser', value: rate / floorRate, unit: '×', target: 0.5, better: 'higher' },
    { name: 'CHANNEL_HANGUP_COMPLETE → call record committed, p99 (200 concurrent calls)', value: q(steadySorted, 0.99), unit: 'ms', target: 10, better: 'lower' },
  ];
}
