// `make bench` (desk part): the ACD queues under 200 concurrent callers and
// 20 agents.
//
//   queue decision: decide() alone (queue-decision.ts, pure) over 200
//     waiting calls of two queues (emergencies, VIPs, zones) and 20 agents,
//     5 of them free — the decision the engine runs at every change.
//   wallboard update: from a call's CHANNEL_PARK leaving the FreeSWITCH
//     emulator to the first `desk` SSE event naming it (waiting, or already
//     with an agent) read by an SSE client of GET /api/events.
//   emergency originate: from an emergency call's CHANNEL_PARK leaving the
//     emulator to the emulator receiving the `originate` of an agent's phone
//     for it (its outbound leg created), while 200 callers queue.
//
// The daemon is the real `callpoint run` in a child process (as the tests
// run it, from source), the emulator and the SSE client are in this process
// (one clock for both ends; the figures include the event socket both ways).
// 19 agents serve the queue, talking 2 s a call; the 20th serves another
// queue and stays free, so each emergency call has an agent at once (an
// emergency takes a free agent of any queue) while the normal callers wait.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { DeviceSecrets } from '../../provisioning/src/device-secrets.js';
import type { DeskEvent } from '../../daemon/src/contracts/desk.js';
import { decide, type AgentStatus, type QueueSpec, type WaitingCall } from '../../daemon/src/desk/queue-decision.js';
import { FreeSwitchEmulator, readFreeswitchConfig } from '../../daemon/src/sim/freeswitch/index.js';
import { freePort } from '../../daemon/test/helpers/daemon.js';
import { prng } from '../../daemon/test/helpers/prng.js';
import { Central, provision, until, WorldDaemon, writeWorldConfig } from '../../daemon/test/routing-world/world.js';
import type { Figure } from './gateway.js';

const CALLERS = 200;
const AGENTS = 20;
const EMERGENCIES = 30;
const DECISIONS = 3000;
const TALK_MS = 2000;
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** decide() over 200 waiting calls and 20 agents (5 free), as the engine calls it. */
export function decisionFigure(): Figure {
  const rnd = prng(Number(process.env.BENCH_SEED ?? 1));
  const zones = ['tunnel-a', 'tunnel-b', 'tunnel-c', 'portal'];
  const agentsOf = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ extension: String(from + i), skills: {}, zones: i % 3 === 0 ? [zones[i % zones.length]!] : [] }));
  const queues: QueueSpec[] = [
    { id: 'dispatch', strategy: 'longest-idle', agents: agentsOf(8001, 15) },
    { id: 'maint', strategy: 'round-robin', agents: agentsOf(8016, 5), lastOffered: '8017' },
  ];
  const now = Date.now();
  const agents: AgentStatus[] = Array.from({ length: AGENTS }, (_, i) => ({ extension: String(8001 + i), state: i % 4 === 0 ? 'available' : i % 4 === 1 ? 'busy' : i % 4 === 2 ? 'wrap-up' : 'paused', idleSince: now - Math.floor(rnd() * 600_000) }));
  const calls: WaitingCall[] = Array.from({ length: CALLERS }, (_, i) => ({
    uuid: `call-${i}`, queue: i % 5 === 0 ? 'maint' : 'dispatch', arrivedAt: now - Math.floor(rnd() * 300_000), urgency: i % 50 === 0 ? 'emergency' : 'normal',
    zone: zones[Math.floor(rnd() * zones.length)]!, vip: i % 17 === 0, skill: null, passedOver: i % 7 === 0 ? ['8001'] : [],
  }));
  for (let i = 0; i < 300; i++) decide(queues, agents, calls, now); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const t0 = performance.now();
    const d = decide(queues, agents, calls, now + i);
    ms.push(performance.now() - t0);
    if (d.standings.length !== CALLERS) throw new Error(`the decision ranked ${d.standings.length} of ${CALLERS} calls`);
  }
  console.log(`      queue decision over ${CALLERS} calls, ${AGENTS} agents (5 free), ${DECISIONS} runs: p50 ${q(ms, 0.5).toFixed(2)} ms, p99 ${q(ms, 0.99).toFixed(2)} ms, max ${Math.max(...ms).toFixed(2)} ms`);
  return { name: `queue decision p99 (${CALLERS} waiting calls, ${AGENTS} agents)`, value: q(ms, 0.99), unit: 'ms', target: 5, better: 'lower' };
}

/** Reads GET /api/events as a browser would; calls `onDesk` with each `desk` event as it arrives. */
async function sseClient(url: string, cookie: string, onDesk: (e: DeskEvent) => void): Promise<AbortController> {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`GET /api/events: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      buf += value;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        if (!frame.startsWith('event: desk\n')) continue;
        onDesk(JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as DeskEvent);
      }
    }
  })();
  return abort;
}

export async function deskFigures(): Promise<Figure[]> {
  const figures = [decisionFigure()];
  const dir = mkdtempSync(join(tmpdir(), 'cp-deskbench-'));
  const agents = Array.from({ length: AGENTS }, (_, i) => String(8001 + i));
  const callers = Array.from({ length: CALLERS }, (_, i) => String(6001 + i));
  const sos = Array.from({ length: EMERGENCIES }, (_, i) => String(6901 + i));
  const permissions = ['same-zone', 'other-zones', 'dispatch'];
  const site = {
    zones: [
      { id: 'control', name: 'Control room', dispatch: true, permissions },
      { id: 'tunnel-a', name: 'Tunnel A', permissions },
      { id: 'tunnel-b', name: 'Tunnel B', permissions },
    ],
    phones: [
      ...agents.map((n) => ({ number: n, name: `Desk ${n}`, zone: 'control' })),
      ...[...callers, ...sos].map((n, i) => ({ number: n, name: `Niche ${n}`, zone: i % 4 === 0 ? 'tunnel-a' : 'tunnel-b' })),
    ],
    routes: [
      { id: 'desk', match: { number: '7000' }, to: { queue: 'dispatch' } },
      { id: 'desk-sos', match: { number: '7999' }, to: { queue: 'dispatch', emergency: true } },
    ],
    queues: [
      { id: 'dispatch', strategy: 'longest-idle', ringS: 10, wrapUpS: 0, maxWaitS: 3600, vip: ['6010', '6020'], agents: agents.slice(0, -1).map((extension, i) => ({ extension, ...(i % 4 === 0 ? { zones: ['tunnel-a'] } : {}) })) },
      { id: 'maint', strategy: 'longest-idle', wrapUpS: 0, maxWaitS: 3600, agents: [{ extension: agents.at(-1)! }] },
    ],
  };
  const central = await Central.start();
  const httpPort = await freePort();
  const eslPort = await freePort();
  const configFile = writeWorldConfig(dir, { httpPort, eslPort, brokerUrl: central.broker.url, site });
  // The world's config logs routing at debug (for the scenarios' diagnosis): here the daemon logs as in production.
  writeFileSync(configFile, stringify({ ...(parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>), log: { level: 'info' } }));
  await provision(configFile, join(dir, 'provisioned'));
  const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
  const emu = new FreeSwitchEmulator({
    password: secrets.eslPassword, port: eslPort, heartbeatMs: 0, recordingsDir: join(dir, 'emulator-recordings'),
    phones: site.phones.map((p) => ({ number: p.number, name: p.name, zone: p.zone, behaviour: 'answer' as const, answerAfterMs: 50, busyWhenInCall: true })),
    config: readFreeswitchConfig(join(dir, 'provisioned')),
  });
  await emu.start();
  const daemon = await WorldDaemon.start({ dir, configFile, port: httpPort });
  let sse: AbortController | undefined;
  try {
    for (const ext of agents) {
      const r = await daemon.api.req('POST', `/api/desk/agents/${ext}/login`);
      if (r.status !== 200) throw new Error(`agent ${ext} login: ${r.status} ${JSON.stringify(r.body)}`);
    }
    /** ms (performance.now()): a caller's channel parked, the first desk event naming it, the first originate for it. */
    const parked = new Map<string, number>();
    const shown = new Map<string, number>();
    const rung = new Map<string, number>();
    const callerOf = new Map<string, string>();
    emu.on('event', (ev) => {
      const uuid = ev.get('Unique-ID') ?? '';
      if (ev.name === 'CHANNEL_PARK' && ev.get('Call-Direction') === 'inbound' && !parked.has(uuid)) parked.set(uuid, performance.now());
      if (ev.get('Call-Direction') !== 'outbound') return;
      const ch = emu.channel(uuid);
      if (!ch?.phone || !agents.includes(ch.phone)) return;
      if (ev.name === 'CHANNEL_CREATE' && !rung.has(ch.callerNumber)) rung.set(ch.callerNumber, performance.now());
      if (ev.name === 'CHANNEL_ANSWER') {
        const phone = ch.phone;
        // Agents of the queue talk TALK_MS; the free one hangs up at once (it is there for the emergencies).
        setTimeout(() => emu.phone(phone).hangup(), phone === agents.at(-1) ? 100 : TALK_MS);
      }
    });
    sse = await sseClient(daemon.handle.url, `${daemon.api.cookieName}=${daemon.api.cookie}`, (e) => {
      const at = performance.now();
      for (const w of e.queue.waiting) if (!shown.has(w.uuid)) shown.set(w.uuid, at);
      for (const a of e.agents) if (a.call && !shown.has(a.call)) shown.set(a.call, at);
    });
    const load0 = loadavg()[0]!;
    // 200 callers within 2 s.
    for (const n of callers) {
      callerOf.set(emu.phone(n).dial('7000'), n);
      await sleep(10);
    }
    // Emergencies one at a time while the queue is full.
    const sosMs: number[] = [];
    for (const n of sos) {
      const uuid = emu.phone(n).dial('7999');
      if (!(await until(() => rung.has(n), 10_000, 5))) throw new Error(`emergency caller ${n} never rang an agent`);
      const p = parked.get(uuid);
      if (p === undefined) throw new Error(`emergency call ${uuid} never parked`);
      sosMs.push(rung.get(n)! - p);
      await until(() => !emu.channel(uuid), 5000, 20);
      await sleep(150);
    }
    await until(() => [...parked.keys()].every((u) => shown.has(u)), 20_000, 50);
    const waitingAt = ((await daemon.api.get('/api/desk')).body as { queues: Array<{ waiting: unknown[] }> }).queues[0]!.waiting.length;
    const load1 = loadavg()[0]!;
    const wallMs = [...parked.keys()].map((u) => {
      const s = shown.get(u);
      if (s === undefined) throw new Error(`call ${u} parked but no desk event named it`);
      return s - parked.get(u)!;
    });
    console.log(`      ${callerOf.size} callers dialled in 2 s and ${EMERGENCIES} emergencies, ${AGENTS} agents (19 talking ${TALK_MS} ms a call); ${waitingAt} still waiting at the end; load average ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${availableParallelism()} cores`);
    console.log(`      wallboard update (park → desk SSE event naming it), ${wallMs.length} calls: p50 ${q(wallMs, 0.5).toFixed(1)} ms, p99 ${q(wallMs, 0.99).toFixed(1)} ms, max ${Math.max(...wallMs).toFixed(1)} ms`);
    console.log(`      emergency park → originate at an agent's phone, ${sosMs.length} calls: p50 ${q(sosMs, 0.5).toFixed(1)} ms, p99 ${q(sosMs, 0.99).toFixed(1)} ms, max ${Math.max(...sosMs).toFixed(1)} ms`);
    figures.push({ name: `wallboard update p99 (call parked → desk SSE event naming it, ${CALLERS} callers, ${AGENTS} agents)`, value: q(wallMs, 0.99), unit: 'ms', target: 200, better: 'lower' });
    figures.push({ name: `emergency call → agent's phone (originate sent) p99, while ${CALLERS} callers queue`, value: q(sosMs, 0.99), unit: 'ms', target: 20, better: 'lower' });
  } finally {
    sse?.abort();
    await daemon.stop();
    await emu.stop();
    await central.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
