// `make bench` (issue #13): configuring the appliance from the web UI, and
// what that costs the emergency path.
//
//   apply: PUT /api/config of a 500-point configuration (version 3: zones,
//     plans, points[].plan) by a signed-in admin with If-Match, each changing
//     one point's label — the whole request: body parse, validation, diff,
//     the durable write of the file and its version, the audit, the answer
//     (the live apply of the changed point begins as the answer goes out).
//   press → originate during applies: the alarm bench's figure (see
//     alarm-latency.ts) while those applies run back to back.
//
// The processes of the alarm bench: the daemon (alarm-daemon.ts, the
// composition root from source with the systemd unit's node flags, only the
// board simulated), the FreeSWITCH emulator with CONCURRENT_CALLS calls up
// (emulator-process.ts), mosquitto as central's broker (the daemon waits for
// its uplink). This process is the admin's browser and the one pressing.
// The pressed inputs carry one point each; the other points of the 500 are
// wired to an input nobody presses, so a press raises exactly one alarm.
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rawPublicKey } from '../../daemon/src/config/central-key.js';
import { cli } from '../../daemon/test/helpers/daemon.js';
import { mosquitto } from '../../daemon/test/helpers/mosquitto.js';
import { toolPath } from '../../daemon/test/helpers/tools.js';
import type { FromDaemon, ToDaemon } from './alarm-daemon.js';
import { channel, DESK, line, printDaemonLogTail, q, sorted, startEmulator } from './alarm-latency.js';
import type { Figure } from './gateway.js';
import { UNIT_NODE_FLAGS, unitNice } from '../../daemon/test/helpers/unit-flags.js';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..', '..');
const POINTS = 500;
/** Pressed: the four SoC GPIO inputs, one point each. The rest of the 500 are on FILL_INPUT. */
const PRESSED = ['in1', 'in2', 'in3', 'in4'];
const FILL_INPUT = 'in8';
const MIN_APPLIES = Number(process.env.BENCH_APPLIES ?? 50);
const MIN_PRESSES = Number(process.env.BENCH_APPLY_PRESSES ?? 40);
const WARMUP = 5;
const QUIET_PRESSES = 20;
const CONCURRENT_CALLS = Number(process.env.BENCH_CALLS ?? 200);
const ADMIN = { username: 'admin', password: 'basalt-lantern-meridian-83' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function configApplyFigures(): Promise<Figure[]> {
  if (!toolPath('mosquitto')) {
    console.log('      configuration apply: skipped — needs Debian\'s mosquitto (apt-get install mosquitto)');
    return [];
  }
  const mq = await mosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'cp-applybench-'));
  const logFile = join(dir, 'daemon.log');
  const children: ChildProcess[] = [];
  try {
    const { proc: emuProc, emu, originateAt, eslPort, eslPassword } = await startEmulator(CONCURRENT_CALLS);
    children.push(emuProc);

    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, `site: bench\nnode: n1\ndataDir: ${join(dir, 'data')}\n`);
    const log = openSync(logFile, 'w');
    const daemonProc = fork(join(HERE, 'alarm-daemon.ts'), [], {
      cwd: ROOT,
      execArgv: [...UNIT_NODE_FLAGS, ...(process.env.BENCH_DAEMON_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx'],
      env: {
        ...process.env, BENCH_DIR: dir, BENCH_SITE: 'bench', BENCH_NODE: 'n1', BENCH_BROKER: mq.url, BENCH_ESL_PORT: String(eslPort), BENCH_ESL_PASSWORD: eslPassword,
        BENCH_KEY_ID: 'bench-central', BENCH_PUBLIC_KEY: rawPublicKey(generateKeyPairSync('ed25519').publicKey), BENCH_DESK: DESK,
        BENCH_INPUTS: PRESSED.join(','), BENCH_FILL_POINTS: String(POINTS - PRESSED.length), BENCH_FILL_INPUT: FILL_INPUT, BENCH_TRACE: '',
      },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    children.push(daemonProc);
    const niced = unitNice(daemonProc.pid!);
    const daemon = channel<FromDaemon, ToDaemon>(daemonProc, 'the daemon');
    const { httpPort } = await daemon.next('ready', 60_000);
    const url = `http://127.0.0.1:${httpPort}`;

    const added = await cli(['user', 'add', ADMIN.username, '--role', 'admin', '--password-stdin', '--config', configFile], { input: `${ADMIN.password}\n` });
    if (added.code !== 0) throw new Error(`user add: ${added.stderr}`);
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const cookie = /^([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const auth = { cookie, 'x-csrf-token': csrf };

    // What the web UI holds: the configuration as read (secrets masked; sent back masked, they are kept).
    const view = (await (await fetch(`${url}/api/config`, { headers: { cookie } })).json()) as { version: number; config: { points: Array<{ id: string; label: string }> } };
    if (view.config.points.length !== POINTS) throw new Error(`the daemon runs ${view.config.points.length} points, not ${POINTS}`);
    const config = view.config;
    let version = view.version;
    let applies = 0;
    const apply = async (): Promise<number> => {
      const point = config.points[PRESSED.length + (applies % (POINTS - PRESSED.length))]!;
      point.label = `SOS niche ${applies} (renamed)`;
      const t0 = performance.now();
      const r = await fetch(`${url}/api/config`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json', 'if-match': `"${version}"` }, body: JSON.stringify({ config, reason: `bench: relabel ${point.id}` }) });
      const body = (await r.json()) as { version?: number; error?: string };
      const took = performance.now() - t0;
      if (r.status !== 200 || body.version === undefined) throw new Error(`PUT /api/config: ${r.status} ${JSON.stringify(body).slice(0, 500)}`);
      version = body.version;
      applies++;
      return took;
    };

    let applying = false;
    const press = async (i: number): Promise<{ originate: number; duringApply: boolean }> => {
      const input = PRESSED[i % PRESSED.length]!;
      const duringApply = applying;
      daemon.send({ type: 'press', input });
      const { sample } = await daemon.next('sample');
      for (const end = Date.now() + 10_000; !originateAt.has(sample.alarmId); await sleep(5)) {
        if (Date.now() > end) throw new Error(`alarm ${sample.alarmId}: no originate at the emulator within 10 s`);
      }
      const r = await fetch(`${url}/api/alarms/${sample.alarmId}/clear`, { method: 'POST', headers: auth });
      if (r.status !== 200) throw new Error(`clearing ${sample.alarmId}: ${r.status} ${await r.text()}`);
      daemon.send({ type: 'release', input });
      emu.send({ type: 'hangup-desk' });
      await sleep(100 + Math.random() * 300);
      return { originate: originateAt.get(sample.alarmId)! - sample.pressed, duringApply };
    };

    await sleep(3000);
    for (let i = 0; i < WARMUP; i++) await apply();
    for (let i = 0; i < WARMUP; i++) await press(i);
    const firstApplies = applies;
    // The same presses with no apply running: what the applies add is the difference.
    const quiet: number[] = [];
    for (let i = 0; i < QUIET_PRESSES; i++) quiet.push((await press(i)).originate);

    // Applies back to back (20 ms apart: the admin's next click) while the presses go on beside them.
    const applyTimes: number[] = [];
    const presses: Array<{ originate: number; duringApply: boolean }> = [];
    let pressing = true;
    const applyLoop = (async () => {
      while (pressing || applyTimes.length < MIN_APPLIES) {
        applying = true;
        applyTimes.push(await apply());
        applying = false;
        await sleep(20);
      }
    })();
    try {
      for (let i = 0; presses.length < MIN_PRESSES || applyTimes.length < MIN_APPLIES; i++) presses.push(await press(i));
    } finally {
      pressing = false;
      await applyLoop;
    }

    const at = sorted(applyTimes);
    const originate = sorted(presses.map((p) => p.originate));
    if (originate[0]! < 0) throw new Error('a negative latency: the processes do not share a clock');
    console.log(`      ${POINTS}-point configuration (${readFileSync(join(dir, 'data', 'config.yaml')).length} bytes on disk); ${applyTimes.length} applies by an admin (PUT /api/config, If-Match, one point's label each; after ${firstApplies} warm-up), now version ${version}: ${line(at)}`);
    console.log(`      without applies: ${QUIET_PRESSES} presses, press → originate ${line(sorted(quiet))} (no target: the machine's floor for the figure below)`);
    console.log(`      beside them: ${presses.length} presses round ${PRESSED.join(', ')} (${presses.filter((p) => p.duringApply).length} with an apply in flight), each alarm cleared over HTTP; press → originate ${line(originate)}; ${CONCURRENT_CALLS} calls up at the emulator; daemon in a child process (node ${UNIT_NODE_FLAGS.join(' ')}, ${niced})`);

    daemon.send({ type: 'stop' });
    await daemon.next('stopped', 30_000).catch(() => undefined);
    // Let it exit on its own (a --cpu-prof in BENCH_DAEMON_ARGS is written at exit).
    if (daemonProc.exitCode === null) await Promise.race([new Promise((r) => daemonProc.once('exit', r)), new Promise((r) => setTimeout(r, 15_000))]);
    emu.send({ type: 'stop' });
    return [
      { name: `PUT /api/config of a ${POINTS}-point configuration by an admin (validate, diff, durable write, audit; the live apply starts as it answers), p99`, value: q(at, 0.99), unit: 'ms', target: 200, better: 'lower' },
      { name: `press → originate p99 during applies (${CONCURRENT_CALLS} concurrent calls)`, value: q(originate, 0.99), unit: 'ms', target: 10, better: 'lower' },
    ];
  } catch (e) {
    printDaemonLogTail(logFile);
    throw e;
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await mq.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alone: node --import tsx scripts/bench/config-apply.ts
if (resolve(process.argv[1] ?? '') === import.meta.filename) {
  for (const f of await configApplyFigures()) {
    const ok = f.better === 'lower' ? f.value <= f.target : f.value >= f.target;
    if (!ok) process.exitCode = 1;
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${f.name}: ${f.value.toFixed(1)} ${f.unit}  (target ≤ ${f.target} ${f.unit})`);
  }
}
