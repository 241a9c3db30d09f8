// SIP phones for the real-FreeSWITCH tier, played by sipp (Debian's
// sip-tester) with the scenarios in ./sipp (see sipp/README.md).
//
// One SippPhone is one extension on its own local UDP port. Registering runs
// register.xml once from that port (its Contact is that port); the phone's
// behaviour for incoming calls is then a long-running UAS scenario on the
// same port (desk, ring, intercom). Both cannot hold the port at once, so the
// UAS is stopped while the phone (re-)registers and started again after.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UasBehaviour, WorldPhone } from '../world/world.js';
import { toolPath } from '../helpers/tools.js';
import { writeDtmfPcap } from './dtmf-pcap.js';
import { freeSipPort, udpFree } from './freeswitch-instance.js';

export const SIPP_DIR = join(import.meta.dirname, 'sipp');

export function sippMissing(): string | undefined {
  if (!toolPath('sipp')) return 'needs sipp (Debian package "sip-tester")';
  return undefined;
}

/**
 * sipp binds the media port and the one two above it (RTCP): an even port with
 * both free. (Linux hands out odd ports for bind(0), so the even neighbour is tried.)
 */
async function freeMediaPort(): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const odd = await freeSipPort();
    const p = odd % 2 ? odd + 1 : odd;
    if (p < 65000 && (await udpFree(p)) && (await udpFree(p + 2))) return p;
  }
  throw new Error('no free even UDP port pair for RTP');
}

interface Run {
  proc: ChildProcess;
  out: string;
  done: Promise<number | null>;
}

/** cwd: where relative files of the scenario (key.pcap) are found. */
function run(args: string[], cwd = SIPP_DIR): Run {
  const sf = args.indexOf('-sf');
  if (sf >= 0) args[sf + 1] = join(SIPP_DIR, args[sf + 1]!);
  const proc = spawn('sipp', [...args, '-nostdin', '-aa', '-i', '127.0.0.1'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const r: Run = { proc, out: '', done: Promise.resolve(null) };
  const keep = (b: Buffer) => {
    r.out = (r.out + b.toString()).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  r.done = new Promise((resolve) => proc.on('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  return r;
}

export class SippPhone implements WorldPhone {
  private uas: Run | undefined;
  private behaviour: UasBehaviour | undefined;
  private readonly calls = new Set<Run>();

  /** The phone's own directory: the key it presses (key.pcap). */
  private readonly dir = mkdtempSync(join(tmpdir(), 'callpoint-sipp-'));

  private constructor(
    readonly number: string,
    readonly password: string,
    readonly fsSip: string,
    readonly port: number,
    readonly mediaPort: number,
  ) {}

  static async create(number: string, password: string, fsSipPort: number): Promise<SippPhone> {
    return new SippPhone(number, password, `127.0.0.1:${fsSipPort}`, await freeSipPort(), await freeMediaPort());
  }

  /** REGISTER with digest auth; 'registered' on 200, 'refused' on 403 (wrong password). */
  async register(o: { password?: string; expiresS?: number } = {}): Promise<'registered' | 'refused' | 'failed'> {
    const wrong = o.password !== undefined && o.password !== this.password;
    const pw = o.password ?? this.password;
    const code = await this.withPortFree(() =>
      run(['-sf', wrong ? 'register-refused.xml' : 'register.xml', '-s', this.number, '-au', this.number, '-ap', pw, '-key', 'expires', String(o.expiresS ?? 3600), '-p', String(this.port), '-m', '1', '-timeout', '10', '-timeout_error', this.fsSip]).done,
    );
    if (code !== 0) return 'failed';
    return wrong ? 'refused' : 'registered';
  }

  async unregister(): Promise<boolean> {
    const code = await this.withPortFree(() =>
      run(['-sf', 'register.xml', '-s', this.number, '-au', this.number, '-ap', this.password, '-key', 'expires', '0', '-p', String(this.port), '-m', '1', '-timeout', '10', '-timeout_error', this.fsSip]).done,
    );
    return code === 0;
  }

  /** How the phone answers incoming calls from now on. */
  async serve(b: UasBehaviour): Promise<void> {
    await this.stopUas();
    this.behaviour = b;
    this.startUas();
    await new Promise((r) => setTimeout(r, 150));
  }

  /** Place a call to a destination (an extension, conf-<name>, callpoint-alarm-<point>); it stays up until the far side hangs up. */
  async dial(destination: string): Promise<void> {
    // A call from a port of its own (sipp picks one): the UAS keeps the phone's registered port.
    const r = run(['-sf', 'dial.xml', '-s', destination, '-key', 'caller', this.number, '-au', this.number, '-ap', this.password, '-mp', String(await freeMediaPort()), '-m', '1', this.fsSip]);
    this.calls.add(r);
    void r.done.then(() => this.calls.delete(r));
  }

  private startUas(): void {
    const b = this.behaviour;
    if (!b) return;
    const args = ['-p', String(this.port), '-mp', String(this.mediaPort)];
    if (b.kind === 'desk') {
      writeDtmfPcap(join(this.dir, 'key.pcap'), { digit: '5', delayMs: b.ackAfterMs ?? 500 });
      args.push('-sf', 'desk.xml', '-set', 'ring', String(b.ringMs), '-set', 'ack', b.ack ? '1' : '0');
    } else args.push('-sf', `${b.kind}.xml`);
    this.uas = run(args, this.dir);
  }

  private async stopUas(): Promise<void> {
    const u = this.uas;
    this.uas = undefined;
    if (!u) return;
    if (u.proc.exitCode === null && u.proc.signalCode === null) u.proc.kill('SIGKILL');
    await u.done;
  }

  private async withPortFree<T>(fn: () => Promise<T>): Promise<T> {
    await this.stopUas();
    try {
      return await fn();
    } finally {
      this.startUas();
    }
  }

  async close(): Promise<void> {
    this.behaviour = undefined;
    await this.stopUas();
    for (const c of this.calls) c.proc.kill('SIGKILL');
    await Promise.all([...this.calls].map((c) => c.done));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The sipp scenario files, for a test that checks they are where it expects. */
export function scenarioText(name: string): string {
  return readFileSync(join(SIPP_DIR, name), 'utf8');
}
