// `make bench`: the daemon's side of the alarm latency bench, a child process
// started by alarm-latency.ts (and config-apply.ts) with the systemd unit's node flags. The
// composition root with only the board simulated (FreeSWITCH is the emulator
// in its own process, central's broker is Debian's mosquitto), and probes:
//   pressed — the hardware layer's debounced `pressed` event (time 0),
//   lamp    — the point's "alarm sent" output switched on,
// stamped with process.hrtime (CLOCK_MONOTONIC: one clock for the machine).
// The parent asks for a press, a release, and the background figures of a
// measured stretch (CPU, event-loop delay, GC pauses).
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Board } from '../../hardware/src/index.js';
import type { Output } from '../../hardware/src/gpio/output.js';
import type { EventBus as EventBusInstance } from '../../daemon/src/events/bus.js';
import type { Db as DbInstance } from '../../daemon/src/store/db.js';
import { freePort } from '../../daemon/test/helpers/daemon.js';

export interface PressSample { input: string; alarmId: string; injected: number; pressed: number; lamp: number; trace?: Trace }
/** --trace: where the time of one press went (CLOCK_MONOTONIC ms). */
export interface Trace { raised?: number; calling?: number; published?: number }
export interface Background {
  seconds: number; cpuPct: number; loopP99: number; loopMax: number; gcCount: number; gcMaxMs: number; gcTotalMs: number; rssMaxMb: number;
  /** --trace: COMMIT durations (ms). */
  commits?: number[];
}
export type ToDaemon = { type: 'press'; input: string } | { type: 'release'; input: string } | { type: 'measure'; on: boolean } | { type: 'stop' };
export type FromDaemon = { type: 'ready'; httpPort: number } | { type: 'sample'; sample: PressSample } | { type: 'background'; background: Background } | { type: 'failed'; message: string } | { type: 'stopped' };

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Replace a prototype's method by one made from the original (in this process only). */
function around<T extends object, K extends keyof T>(proto: T, key: K, make: (original: T[K]) => T[K]): void {
  const original = proto[key];
  if (typeof original !== 'function') throw new Error(`the bench's probe needs ${String(key)}, which is gone`);
  proto[key] = make(original);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]).finally(() => clearTimeout(timer));
}

async function main(): Promise<void> {
  const send = (m: FromDaemon) => new Promise<void>((r) => process.send!(m, undefined, {}, () => r()));
  const env = process.env;
  const inputs = env.BENCH_INPUTS!.split(',');
  const trace = env.BENCH_TRACE === '1';

  // Time 0: a listener the board calls before the daemon's own (registered first, when the
  // composition root subscribes to the board).
  const { Board: BoardClass } = await import('../../hardware/src/index.js');
  let board: Board | undefined;
  let onPressed: ((input: string, at: number) => void) | undefined;
  const claim = (b: Board) => {
    board = b;
    b.on('event', (e) => {
      if (e.kind === 'pressed') onPressed?.(e.input, now());
    });
  };
  around(BoardClass.prototype, 'onEvent', (onEvent) =>
    function (this: Board, cb) {
      if (!board) claim(this);
      return onEvent.call(this, cb);
    });
  // The lamp: an "alarm sent" output switched on (Output.set drives the line at once).
  const { Output: OutputClass } = await import('../../hardware/src/gpio/output.js');
  let onLamp: ((outputId: string, at: number) => void) | undefined;
  around(OutputClass.prototype, 'set', (set) =>
    function (this: Output, p: Parameters<Output['set']>[0]) {
      set.call(this, p);
      if (p.mode === 'on') onLamp?.(this.id, now());
    });
  // The alarm id of a press: the `alarm` event with state raised; with --trace, the steps' stamps.
  const { EventBus } = await import('../../daemon/src/events/bus.js');
  const raisedFor = new Map<string, (id: string) => void>();
  const stamps = new Map<string, Trace>();
  around(EventBus.prototype, 'emit', (emit) =>
    function (this: EventBusInstance, ...args: Parameters<typeof emit>) {
      const [event, payload] = args;
      if (event === 'alarm') {
        const a = payload as { id: string; state: string; pointId: string };
        if (a.state === 'raised') raisedFor.get(a.pointId)?.(a.id);
        if (trace) {
          const s = stamps.get(a.id) ?? {};
          stamps.set(a.id, s);
          if (a.state === 'raised') s.raised ??= now();
          if (a.state === 'calling') s.calling ??= now();
        }
      }
      return emit.apply(this, args);
    });
  const commits: number[] = [];
  if (trace) {
    const { Db } = await import('../../daemon/src/store/db.js');
    around(Db.prototype, 'exec', (exec) =>
      function (this: DbInstance, sql: string) {
        if (sql !== 'COMMIT') return exec.call(this, sql);
        const t = now();
        return exec.call(this, sql).finally(() => commits.push(now() - t));
      });
    const mqtt = (await import('mqtt')).default;
    around(mqtt.MqttClient.prototype, 'publish', (publish) =>
      function (this: InstanceType<typeof mqtt.MqttClient>, ...args: Parameters<typeof publish>) {
        const [topic, message] = args;
        if (topic.endsWith('/alarm') && typeof message === 'string') {
          const m = /"id":"(A-\d{8}-\d+)","pointId":"[^"]*","zone":"[^"]*","state":"raised"/.exec(message);
          const s = m ? stamps.get(m[1]!) : undefined;
          if (s) s.published ??= now();
        }
        return publish.apply(this, args);
      } as typeof publish);
  }

  const { parseConfig } = await import('../../daemon/src/config/load.js');
  const { createLogger } = await import('../../daemon/src/log/logger.js');
  const { startDaemon } = await import('../../daemon/src/daemon.js');
  const httpPort = await freePort();
  const text = stringify({
    version: 3,
    site: env.BENCH_SITE, node: env.BENCH_NODE, dataDir: join(env.BENCH_DIR!, 'data'), http: { host: '127.0.0.1', port: httpPort },
    freeswitch: { host: '127.0.0.1', port: Number(env.BENCH_ESL_PORT), password: env.BENCH_ESL_PASSWORD },
    uplink: { brokers: [env.BENCH_BROKER] },
    central: { keys: [{ id: env.BENCH_KEY_ID, publicKey: env.BENCH_PUBLIC_KEY }] },
    zones: [{ id: 'tunnel', name: 'Tunnel' }, { id: 'control', name: 'Control room' }],
    plans: [{ id: 'desk', name: 'Dispatch desk', targets: [{ extension: env.BENCH_DESK, ringS: 30 }] }],
    points: [
      ...inputs.map((input, i) => ({ id: `p${i + 1}`, input, label: `SOS ${i + 1}`, location: `Tunnel km ${i}.2`, zone: 'tunnel', plan: 'desk' })),
      // config-apply.ts: a site-sized configuration, the points beyond the pressed ones wired to an input nobody presses.
      ...Array.from({ length: Number(env.BENCH_FILL_POINTS ?? 0) }, (_, i) => ({ id: `f${i + 1}`, input: env.BENCH_FILL_INPUT!, label: `SOS niche ${i + 1}`, location: `Tunnel, niche ${i + 1}, east bore, near the fire cabinet`, zone: 'tunnel', plan: 'desk' })),
    ],
    phones: [{ number: env.BENCH_DESK, name: 'Dispatch', zone: 'control' }],
  });
  const parsed = parseConfig(text);
  if (!parsed.config) throw new Error(`bench configuration: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const config = parsed.config;
  // Production logging: JSON lines at the configured level on stdout (a file here, journald on a board).
  const logger = await createLogger({ level: config.log.level, namespaces: config.log.namespaces, pretty: false });
  const d = await startDaemon({ config, seed: { file: undefined, text }, logger, simulate: new Set(['board']), env: {} });
  if (!board) throw new Error('the board was not captured (Board.prototype.onEvent is no longer how the daemon subscribes)');
  const outputsOf = new Map(inputs.map((input) => [input, new Set(board!.profile.outputs.filter((o) => o.point === input && o.role === 'alarm-sent').map((o) => o.id))]));
  if (!(await d.gateway.whenReady(10_000))) throw new Error('the gateway did not connect to the emulator');
  for (const end = Date.now() + 10_000; ; ) {
    const h = (await (await fetch(`http://127.0.0.1:${d.http.port}/api/health`)).json()) as { components: { uplink?: { status: string } } };
    if (h.components.uplink?.status === 'ok') break;
    if (Date.now() > end) throw new Error(`the uplink did not connect: ${JSON.stringify(h.components.uplink)}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const press = async (input: string): Promise<PressSample> => {
    const pointId = `p${inputs.indexOf(input) + 1}`;
    let pressed: number | undefined;
    let lamp: number | undefined;
    onPressed = (i, at) => {
      if (i === input && pressed === undefined) pressed = at;
    };
    const lit = new Promise<void>((resolve) => {
      onLamp = (id, at) => {
        if (outputsOf.get(input)?.has(id) && lamp === undefined) {
          lamp = at;
          resolve();
        }
      };
    });
    const raised = new Promise<string>((r) => raisedFor.set(pointId, r));
    const injected = now();
    d.sim!.drive(input, true);
    const alarmId = await withTimeout(raised, 10_000, `no alarm within 10 s of pressing ${input}`);
    await withTimeout(lit, 10_000, `no lamp within 10 s of pressing ${input}`);
    onPressed = onLamp = undefined;
    raisedFor.delete(pointId);
    if (pressed === undefined) throw new Error(`an alarm ${alarmId} without a pressed event of ${input}`);
    return { input, alarmId, injected, pressed, lamp: lamp!, trace: trace ? stamps.get(alarmId) : undefined };
  };

  // Background figures of a measured stretch.
  const LOOP_RESOLUTION_MS = 10;
  let loop: ReturnType<typeof monitorEventLoopDelay> | undefined;
  let gc: number[] = [];
  let gcObs: PerformanceObserver | undefined;
  let t0 = 0, cpu0 = process.cpuUsage(), rssMax = 0, commitsAt = 0;
  let rssTimer: NodeJS.Timeout | undefined;

  const stopMeasuring = (): FromDaemon => {
    loop!.disable();
    gcObs!.disconnect();
    clearInterval(rssTimer);
    const seconds = (now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      type: 'background',
      background: {
        seconds, cpuPct: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
        // The histogram holds whole timer intervals: the delay is what exceeds the resolution.
        loopP99: Math.max(0, loop!.percentile(99) / 1e6 - LOOP_RESOLUTION_MS), loopMax: Math.max(0, loop!.max / 1e6 - LOOP_RESOLUTION_MS),
        gcCount: gc.length, gcMaxMs: gc.length ? Math.max(...gc) : 0, gcTotalMs: gc.reduce((a, b) => a + b, 0), rssMaxMb: rssMax / 1024 / 1024,
        commits: trace ? commits.slice(commitsAt) : undefined,
      },
    };
  };

  let queue = Promise.resolve();
  process.on('message', (raw) => {
    const m = raw as ToDaemon;
    queue = queue.then(async () => {
      switch (m.type) {
        case 'press':
          return send({ type: 'sample', sample: await press(m.input) });
        case 'release':
          d.sim!.drive(m.input, false);
          return;
        case 'measure':
          if (m.on) {
            t0 = now();
            cpu0 = process.cpuUsage();
            commitsAt = commits.length;
            loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
            loop.enable();
            gc = [];
            gcObs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gc.push(e.duration); });
            gcObs.observe({ entryTypes: ['gc'] });
            rssMax = process.memoryUsage.rss();
            rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 100);
            return;
          }
          return send(stopMeasuring());
        case 'stop':
          await d.stop('bench done');
          logger.flush();
          await send({ type: 'stopped' });
          process.exit(0);
      }
    }).catch(async (err: unknown) => {
      await send({ type: 'failed', message: (err as Error).stack ?? String(err) });
      process.exit(1);
    });
  });
  await send({ type: 'ready', httpPort: d.http.port });
}

try {
  await main();
} catch (e) {
  process.send!({ type: 'failed', message: (e as Error).stack ?? String(e) } satisfies FromDaemon, undefined, {}, () => process.exit(1));
}
