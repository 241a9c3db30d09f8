// Start the real daemon as a child process for end-to-end tests, the way
// systemd or `make run` would, and drive it over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { UNIT_NODE_FLAGS } from './unit-flags.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const BIN = join(ROOT, 'daemon', 'bin', 'callpoint.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface LogLine {
  level: string;
  msg: string;
  ns?: string;
  [k: string]: unknown;
}

export interface DaemonHandle {
  url: string;
  port: number;
  dataDir: string;
  configFile: string;
  proc: ChildProcess;
  lines: LogLine[];
  stdout: () => string;
  stderr: () => string;
  setupToken: () => string | undefined;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Ctrl-C in a terminal: SIGINT to the daemon's whole process group (started with `ownGroup`). */
  interrupt(): Promise<number | null>;
}

/**
 * A test daemon's configuration. FreeSWITCH's event socket is a port this
 * test allocated and nothing listens on, never the default 127.0.0.1:8021:
 * a FreeSWITCH running on the machine must not be what the test talks to.
 */
export async function writeConfig(dir: string, port: number, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, 'config.yaml');
  const freeswitch = { host: '127.0.0.1', port: await freePort() };
  writeFileSync(file, stringify({ site: 'test-site', node: 'test-node', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, freeswitch, log: { level: 'info' }, ...extra }));
  return file;
}

/** Run the CLI to completion. */
export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CALLPOINT_FROM_SOURCE: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdin.end(opts.input ?? '');
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `ownGroup`: the daemon leads a process group of its own, as a shell gives a command run in a terminal. */
type StartOptions = { extra?: Record<string, unknown>; env?: NodeJS.ProcessEnv; configFile?: string; port?: number; waitUp?: boolean; ownGroup?: boolean };

/** A port probed free may be taken before the daemon binds it (by another ephemeral bind, e.g. the emulator's). */
export const portTaken = (e: unknown) => /is already in use/.test((e as Error).message ?? '');

export async function startDaemon(dir: string, opts: StartOptions = {}): Promise<DaemonHandle> {
  // The helper chose the port: on the rare collision, choose another (the test did not ask for that port).
  const ours = opts.port === undefined && opts.configFile === undefined && opts.waitUp !== false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir, opts);
    } catch (e) {
      if (!ours || attempt >= 3 || !portTaken(e)) throw e;
    }
  }
}

async function startOnce(dir: string, opts: StartOptions): Promise<DaemonHandle> {
  const port = opts.port ?? (await freePort());
  const configFile = opts.configFile ?? (await writeConfig(dir, port, opts.extra));
  const proc = spawn(process.execPath, [...UNIT_NODE_FLAGS, BIN, 'run', '--config', configFile], {
    env: { ...process.env, CALLPOINT_FROM_SOURCE: '1', NOTIFY_SOCKET: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownGroup === true,
  });
  let out = '', err = '', partial = '';
  const lines: LogLine[] = [];
  const waiters: Array<() => void> = [];
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    let i;
    while ((i = partial.indexOf('\n')) >= 0) {
      const l = partial.slice(0, i);
      partial = partial.slice(i + 1);
      try {
        lines.push(JSON.parse(l) as LogLine);
      } catch {
        /* not JSON */
      }
      for (const w of waiters.splice(0)) w();
    }
  });
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  const handle: DaemonHandle = {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir: join(dir, 'data'),
    configFile,
    proc,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    setupToken: () => {
      for (const l of lines) {
        const m = /setup#token=([A-Za-z0-9_-]+)/.exec(l.msg ?? '');
        if (m) return m[1];
      }
      return undefined;
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    async interrupt() {
      if (!opts.ownGroup) throw new Error('interrupt() needs startDaemon(…, { ownGroup: true })');
      if (proc.exitCode === null && proc.signalCode === null) process.kill(-proc.pid!, 'SIGINT');
      return exited;
    },
  };
  if (opts.waitUp === false) return handle;
  const deadline = Date.now() + 30_000;
  while (!lines.some((l) => l.msg === 'Callpoint is up')) {
    if (proc.exitCode !== null) throw new Error(`daemon exited with ${proc.exitCode}: ${err}${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`daemon did not come up in 30 s: ${err}${out}`);
    }
    await Promise.race([new Promise<void>((r) => waiters.push(r)), exited, new Promise((r) => setTimeout(r, 200))]);
  }
  return handle;
}
