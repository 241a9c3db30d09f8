// `make soak HOURS=N`: the daemon (compiled, with the systemd unit's node
// flags) under steady load for N hours — 200 calls streaming through the
// FreeSWITCH emulator (in this process, as FreeSWITCH is its own process on a
// board), an alarm a minute (pressed on the simulated board, acknowledged by
// the desk's key, cleared), SMS into the simulated modem and line-card ports
// cut and restored. Sampled every SOAK_SAMPLE_S (10 s): RSS and open file
// descriptors (/proc), event-loop delay and heap (a probe inside the daemon),
// database size. Printed as a table; drawn as an SVG (path printed).
//
// Targets (after a warm-up of WARMUP_MIN, default 10 min or a sixth of the
// run): RSS growth ≤ 5 MB, no growth of open file descriptors, event-loop
// delay p99 ≤ 20 ms.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SIM_TOKEN_FILE } from '../../daemon/src/sim/control.js';
import { FreeSwitchEmulator } from '../../daemon/src/sim/freeswitch/index.js';
import { cli, freePort } from '../../daemon/test/helpers/daemon.js';
import { Client } from '../../daemon/test/helpers/http.js';
import { UNIT_NODE_FLAGS } from '../../daemon/test/helpers/unit-flags.js';
import { renderSvg, type Sample } from './plot.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HOURS = Number(process.env.HOURS ?? 1);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 10);
const RUN_MS = HOURS * 3_600_000;
const WARMUP_MS = Number(process.env.WARMUP_MIN ?? Math.min(10, (HOURS * 60) / 6)) * 60_000;
const CALLS = Number(process.env.SOAK_CALLS ?? 200);
const PASSWORD = 'meadow-granite-river-93';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (a: number, b: number) => a + Math.random() * (b - a);

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const dir = join(ROOT, 'var', 'soak', stamp);
mkdirSync(dir, { recursive: true });
const httpPort = await freePort();
const eslPort = await freePort();
const configFile = join(dir, 'config.yaml');
const INPUTS = ['in1', 'in2', 'in3', 'in4'];
writeFileSync(configFile, stringify({
  site: 'soak', node: 'n1', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: httpPort }, board: 'sim',
  freeswitch: { host: '127.0.0.1', port: eslPort },
  log: { level: 'warn', namespaces: { daemon: 'info' } },
  points: INPUTS.map((input, i) => ({
    id: `p${i + 1}`, input, label: `SOS ${i + 1}`, location: `Tunnel km ${i}`, zone: 'tunnel', phone: String(1001 + i),
    escalation: { targets: [{ extension: '8000', ringS: 20 }], pauseS: 10, sms: { to: ['+8613800138000'], language: 'en', on: ['raised'] } },
  })),
  phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }, ...INPUTS.map((_, i) => ({ number: String(1001 + i), name: `Intercom ${i + 1}`, zone: 'tunnel' }))],
  lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }], lineCards: [{ id: 'lc0', port: 'sim:lc0' }], smsCommands: { allowFrom: ['+8613800138000'] } },
}));
const prov = await cli(['provision', 'freeswitch', '--out', join(dir, 'provisioned'), '--config', configFile]);
if (prov.code !== 0) throw new Error(prov.stderr);
const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as { eslPassword: string };
if ((await cli(['user', 'add', 'soak', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PASSWORD}\n` })).code !== 0) throw new Error('user add failed');

// FreeSWITCH: the emulator, here. The desk presses 5 three seconds into each alarm call.
const emu = new FreeSwitchEmulator({
  password: secrets.eslPassword, port: eslPort, recordingsDir: join(dir, 'emu-recordings'),
  phones: [
    { number: '8000', name: 'Dispatch', behaviour: 'answer', answerAfterMs: 1500, busyWhenInCall: true, keysAfterAnswer: { digits: '5', afterMs: 3000 } },
    ...INPUTS.map((_, i) => ({ number: String(1001 + i), behaviour: 'intercom' as const })),
  ],
});
await emu.start();

const probeFile = join(dir, 'probe.jsonl');
const daemon = spawn(process.execPath, [...UNIT_NODE_FLAGS, '--import', join(import.meta.dirname, 'probe.mjs'), join(ROOT, 'daemon', 'bin', 'callpoint.js'), 'run', '--config', configFile], {
  env: { ...process.env, CALLPOINT_SIMULATE: 'board,lines,broker', CALLPOINT_FROM_SOURCE: existsSync(join(ROOT, 'dist')) ? '0' : '1', SOAK_PROBE_FILE: probeFile, SOAK_PROBE_MS: String(SAMPLE_S * 1000), SOAK_WARMUP_MS: String(WARMUP_MS), NOTIFY_SOCKET: '' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
daemon.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-5000)));
const base = `http://127.0.0.1:${httpPort}`;
for (let i = 0; ; i++) {
  if (daemon.exitCode !== null) throw new Error(`the daemon exited: ${stderr}`);
  if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
  if (i > 300) throw new Error('the daemon did not come up');
  await sleep(100);
}
const token = readFileSync(join(dir, 'data', SIM_TOKEN_FILE), 'utf8').trim();
const api = new Client(base);
if ((await api.login('soak', PASSWORD)).status !== 200) throw new Error('login failed');
const sim = (path: string, body?: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'x-callpoint-sim-token': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

const t0 = Date.now();
const end = t0 + RUN_MS;
const running = () => Date.now() < end;
console.log(`soak: ${HOURS} h, ${CALLS} calls streaming, an alarm a minute, SMS and line-card traffic; data in ${dir}`);

// 200 calls streaming: each lasts 5–30 s, then the slot dials again.
const free: string[] = [];
for (let i = 0; i < CALLS * 2 + 20; i++) {
  const n = String(30000 + i);
  emu.addPhone({ number: n, behaviour: 'answer', answerAfterMs: Math.round(rand(150, 600)) });
  free.push(n);
}
const take = () => free.splice(Math.floor(Math.random() * free.length), 1)[0]!;
const slots = Array.from({ length: CALLS }, async (_, slot) => {
  await sleep(slot * 50);
  while (running()) {
    const caller = take();
    const callee = take();
    emu.phone(caller).dial(callee);
    await sleep(rand(5000, 30_000));
    emu.phone(caller).hangup();
    await sleep(200);
    free.push(caller, callee);
  }
});

// An alarm a minute: pressed, acknowledged by the desk's key, cleared 20 s later.
let alarms = 0;
const alarmLoop = (async () => {
  for (let k = 0; running(); k++) {
    const r = (await (await sim(`/api/sim/inputs/${INPUTS[k % INPUTS.length]}/press`)).json()) as { alarmId?: string };
    if (r.alarmId) {
      alarms++;
      await sleep(20_000);
      await api.post(`/api/alarms/${r.alarmId}/clear`, {});
    }
    await sleep(Math.max(0, 60_000 - 20_000));
  }
})();

// The modem and the line card: SMS in (a STATUS command from the on-call number, and noise), a port cut and restored.
let sms = 0;
let cuts = 0;
const linesLoop = (async () => {
  for (let k = 0; running(); k++) {
    await sim('/api/sim/modems/gsm0/sms', { from: k % 2 ? '+8613800138000' : '+8613911112222', text: k % 2 ? 'STATUS' : `hello ${k}` });
    sms++;
    if (k % 2 === 0) {
      await sim(`/api/sim/line-cards/lc0/ports/${5 + (k % 2)}`, { action: 'cut' });
      await sleep(10_000);
      await sim(`/api/sim/line-cards/lc0/ports/${5 + (k % 2)}`, { action: 'restore' });
      cuts++;
    }
    await sleep(20_000);
  }
})();

// Samples.
const samples: Sample[] = [];
const pid = daemon.pid!;
const dbBytes = () => readdirSync(join(dir, 'data')).filter((f) => f.startsWith('callpoint.db')).reduce((n, f) => n + statSync(join(dir, 'data', f)).size, 0);
let probeRead = 0;
/** Event-loop delay p99 over the whole run after the warm-up (the probe's cumulative histogram). */
let runP99 = 0;
const sampler = (async () => {
  while (running()) {
    await sleep(SAMPLE_S * 1000);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    const lines = existsSync(probeFile) ? readFileSync(probeFile, 'utf8').trim().split('\n') : [];
    const fresh = lines.slice(probeRead).map((l) => JSON.parse(l) as { p50: number; p99: number; max: number; totalP99: number; heap: number });
    probeRead = lines.length;
    const last = fresh.at(-1);
    if (last) runP99 = last.totalP99;
    samples.push({ tMin: (Date.now() - t0) / 60_000, rssMb: rss / 2 ** 20, fds, lagP99: Math.max(0, ...fresh.map((f) => f.p99)), lagMax: Math.max(0, ...fresh.map((f) => f.max)), heapMb: (last?.heap ?? 0) / 2 ** 20, dbMb: dbBytes() / 2 ** 20, calls: emu.channels().length, load: loadavg()[0] ?? 0 });
    if (samples.length % Math.max(1, Math.round(300 / SAMPLE_S)) === 0) {
      const s = samples.at(-1)!;
      console.log(`  ${s.tMin.toFixed(1).padStart(6)} min  RSS ${s.rssMb.toFixed(1)} MB  heap ${s.heapMb.toFixed(1)} MB  fds ${s.fds}  lag p99 ${s.lagP99.toFixed(1)} ms (max ${s.lagMax.toFixed(1)})  DB ${s.dbMb.toFixed(1)} MB  channels ${s.calls}  alarms ${alarms}  machine load ${s.load.toFixed(1)}`);
    }
    if (daemon.exitCode !== null) throw new Error(`the daemon died: ${stderr}`);
  }
})();

await Promise.all([...slots, alarmLoop, linesLoop, sampler]);
daemon.kill('SIGTERM');
await new Promise((r) => daemon.once('exit', r));
await emu.stop();

// The verdict.
const after = samples.filter((s) => s.tMin * 60_000 >= WARMUP_MS);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const window = Math.max(1, Math.round(300 / SAMPLE_S)); // 5 minutes of samples
const rssStart = med(after.slice(0, window).map((s) => s.rssMb));
const rssEnd = med(after.slice(-window).map((s) => s.rssMb));
const fdStart = med(after.slice(0, window).map((s) => s.fds));
const fdEnd = med(after.slice(-window).map((s) => s.fds));
const lagP99 = runP99;
const lagWorst = Math.max(0, ...after.map((s) => s.lagP99));
const svg = join(dir, 'soak.svg');
writeFileSync(svg, renderSvg(samples, { title: `Callpoint soak, ${HOURS} h: ${CALLS} calls streaming, ${alarms} alarms, ${sms} SMS, ${cuts} line cuts`, warmupMin: WARMUP_MS / 60_000 }));
writeFileSync(join(dir, 'samples.json'), JSON.stringify(samples));
const row = (k: string, v: string, target: string, ok: boolean) => console.log(`  ${k.padEnd(34)} ${v.padEnd(22)} ${target.padEnd(14)} ${ok ? 'ok' : 'FAIL'}`);
console.log(`\nsoak: ${samples.length} samples over ${(samples.at(-1)?.tMin ?? 0).toFixed(0)} min (warm-up ${WARMUP_MS / 60_000} min excluded)`);
row('RSS growth after warm-up', `${(rssEnd - rssStart).toFixed(1)} MB (${rssStart.toFixed(1)} → ${rssEnd.toFixed(1)})`, '≤ 5 MB', rssEnd - rssStart <= 5);
row('open file descriptors', `${fdStart} → ${fdEnd}`, 'no growth', fdEnd <= fdStart);
row('event-loop delay p99 (whole run)', `${lagP99.toFixed(1)} ms (worst 10 s: ${lagWorst.toFixed(1)})`, '≤ 20 ms', lagP99 <= 20);
row('machine load average (mean)', `${(after.reduce((n, x) => n + x.load, 0) / Math.max(1, after.length)).toFixed(1)} on 2 cores`, '(noise)', true);
row('database size', `${(samples[0]?.dbMb ?? 0).toFixed(1)} → ${(samples.at(-1)?.dbMb ?? 0).toFixed(1)} MB`, '(reported)', true);
console.log(`\nplot: ${svg}`);
process.exit(rssEnd - rssStart <= 5 && fdEnd <= fdStart && lagP99 <= 20 ? 0 : 1);
