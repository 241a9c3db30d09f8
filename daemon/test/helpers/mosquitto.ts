// A private mosquitto per test: its own port on the loopback, its own config
// and (optional) persistence directory, never the system instance. It can be
// stopped and started again on the same port to simulate a broker outage.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './daemon.js';
import { toolPath } from './tools.js';

export interface Mosquitto {
  port: number;
  url: string;
  /** Start (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGTERM and wait for the exit (with persistence on, it saves its state first). */
  stop(): Promise<void>;
  /** stop() and remove the temp directory. */
  dispose(): Promise<void>;
  log(): string;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

export async function mosquitto(opts: { persistence?: boolean; /** Replaces the plain listener line, e.g. a TLS listener block (PORT is substituted). */ listener?: string[]; allowAnonymous?: boolean } = {}): Promise<Mosquitto> {
  const bin = toolPath('mosquitto');
  if (!bin) throw new Error('mosquitto is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'callpoint-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      ...(opts.listener?.map((l) => l.replaceAll('PORT', String(port))) ?? [`listener ${port} 127.0.0.1`]),
      `allow_anonymous ${opts.allowAnonymous === false ? 'false' : 'true'}`,
      `persistence ${opts.persistence ? 'true' : 'false'}`,
      `persistence_location ${dir}/`,
      // Offline persistent sessions (a test subscriber during an outage) keep everything.
      'max_queued_messages 0',
      // Started as root (CI containers), mosquitto would drop to user "mosquitto", which cannot
      // read our temp files (persistence, TLS fixtures): stay the user we are; loopback only.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'log_dest stderr',
      'log_type error',
      'log_type warning',
    ].join('\n') + '\n',
  );
  let proc: ChildProcess | undefined;
  let out = '';
  const h: Mosquitto = {
    port,
    url: `${opts.listener ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    async start() {
      const p = spawn(bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      proc = p;
      const end = Date.now() + 5000;
      while (Date.now() < end) {
        if (p.exitCode !== null) throw new Error(`mosquitto exited: ${out}`);
        if (await canConnect(port)) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`mosquitto did not listen on ${port}: ${out}`);
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    },
    async dispose() {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => out,
  };
  try {
    await h.start();
  } catch (e) {
    await h.dispose();
    throw e;
  }
  return h;
}
