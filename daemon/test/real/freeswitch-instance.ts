// A private real FreeSWITCH for the real-FreeSWITCH test tier (`make test-real`).
//
// It never touches the installation at $FREESWITCH_PREFIX beyond reading it:
// the vanilla configuration is copied into a temp directory, Callpoint's
// provisioning output is copied over it the way `callpoint provision
// freeswitch` tells a technician to, and FreeSWITCH runs with every writable
// directory (-conf -log -db -run -temp -storage -cache -recordings) inside that
// temp directory. Its SIP, TLS, event-socket and RTP ports are free ones picked
// here, so it runs beside the vanilla instance and beside another test's.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RawClient, authed } from '../../src/sim/freeswitch/raw-client.js';
import { freePort } from '../helpers/daemon.js';

/** Why the real tier cannot run here, or undefined when it can. */
export function realFreeswitchMissing(): string | undefined {
  const prefix = process.env.FREESWITCH_PREFIX;
  if (!prefix) return 'FREESWITCH_PREFIX is not set: build FreeSWITCH with ../shared/freeswitch/build.sh and run FREESWITCH_PREFIX=/opt/freeswitch make test-real';
  if (!existsSync(join(prefix, 'bin', 'freeswitch'))) return `no FreeSWITCH at FREESWITCH_PREFIX=${prefix} (bin/freeswitch is missing)`;
  if (!existsSync(confDirOf(prefix))) return `FREESWITCH_PREFIX=${prefix} has no configuration directory (etc/freeswitch or conf)`;
  return undefined;
}

function confDirOf(prefix: string): string {
  const etc = join(prefix, 'etc', 'freeswitch');
  return existsSync(etc) ? etc : join(prefix, 'conf');
}

export const udpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** A port free for both TCP and UDP on 127.0.0.1 (SIP listens on both). */
export async function freeSipPort(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (await udpFree(p)) return p;
  }
}

export interface FreeswitchPorts {
  esl: number;
  sip: number;
  sipTls: number;
  external: number;
  externalTls: number;
  rtpStart: number;
  rtpEnd: number;
}

export async function pickPorts(esl?: number): Promise<FreeswitchPorts> {
  // 200 RTP ports in a random slice of 20000–29999; checked loosely (a clash shows as a failed call, not a hang).
  let rtpStart = 20000;
  for (let i = 0; i < 20; i++) {
    rtpStart = 20000 + Math.floor(Math.random() * 49) * 200;
    if ((await udpFree(rtpStart)) && (await udpFree(rtpStart + 100))) break;
  }
  return { esl: esl ?? (await freePort()), sip: await freeSipPort(), sipTls: await freeSipPort(), external: await freeSipPort(), externalTls: await freeSipPort(), rtpStart, rtpEnd: rtpStart + 199 };
}

function replaceOnce(text: string, from: RegExp, to: string, what: string): string {
  if (!from.test(text)) throw new Error(`the FreeSWITCH configuration has no ${what} to change`);
  return text.replace(from, to);
}

export interface StartedOptions {
  prefix: string;
  dir: string;
  ports: FreeswitchPorts;
  /** The event-socket password that provisioning wrote (read from device-secrets.json). */
  eslPassword: string;
  /** Callpoint's provisioning output, copied over the configuration. */
  provisioned: string;
}

export class RealFreeswitch {
  private proc: ChildProcess | undefined;
  private out = '';
  private exitWaiters: Array<() => void> = [];
  readonly conf: string;
  readonly logDir: string;

  private constructor(readonly o: StartedOptions) {
    this.conf = join(o.dir, 'conf');
    this.logDir = join(o.dir, 'log');
  }

  get ports(): FreeswitchPorts {
    return this.o.ports;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /**
   * Lay out the configuration: vanilla copy, our ports, then the provisioned
   * files and the two manual steps `callpoint provision freeswitch` prints
   * (include callpoint-vars.xml from vars.xml; the vanilla users removed).
   */
  static prepare(o: StartedOptions): RealFreeswitch {
    const fs = new RealFreeswitch(o);
    const c = fs.conf;
    rmSync(o.dir, { recursive: true, force: true });
    for (const d of ['log', 'db', 'run', 'temp', 'storage', 'cache', 'recordings']) mkdirSync(join(o.dir, d), { recursive: true });
    cpSync(confDirOf(o.prefix), c, { recursive: true });
    const p = o.ports;
    let vars = readFileSync(join(c, 'vars.xml'), 'utf8');
    vars = replaceOnce(vars, /data="internal_sip_port=\d+"/, `data="internal_sip_port=${p.sip}"`, 'internal_sip_port');
    vars = replaceOnce(vars, /data="internal_tls_port=\d+"/, `data="internal_tls_port=${p.sipTls}"`, 'internal_tls_port');
    vars = replaceOnce(vars, /data="external_sip_port=\d+"/, `data="external_sip_port=${p.external}"`, 'external_sip_port');
    vars = replaceOnce(vars, /data="external_tls_port=\d+"/, `data="external_tls_port=${p.externalTls}"`, 'external_tls_port');
    // The provisioning's step 2: include callpoint-vars.xml at the end of vars.xml.
    vars = replaceOnce(vars, /<\/include>\s*$/, '  <X-PRE-PROCESS cmd="include" data="callpoint-vars.xml"/>\n</include>\n', 'closing </include>');
    writeFileSync(join(c, 'vars.xml'), vars);
    let sw = readFileSync(join(c, 'autoload_configs', 'switch.conf.xml'), 'utf8');
    sw = replaceOnce(sw, /<!-- *<param name="rtp-start-port" value="\d+"\/> *-->/, `<param name="rtp-start-port" value="${p.rtpStart}"/>`, 'rtp-start-port');
    sw = replaceOnce(sw, /<!-- *<param name="rtp-end-port" value="\d+"\/> *-->/, `<param name="rtp-end-port" value="${p.rtpEnd}"/>`, 'rtp-end-port');
    writeFileSync(join(c, 'autoload_configs', 'switch.conf.xml'), sw);
    // The internal profile's WebSocket listeners (fixed ports 5066/7443) would clash with another instance.
    // And a registration expires at its Expires, not 60 s later (sofia's sip-expires-late-margin),
    // so the expiry scenario takes seconds: a timing knob of the test switch, not of Callpoint.
    const internal = join(c, 'sip_profiles', 'internal.xml');
    const profile = readFileSync(internal, 'utf8').replace(/^\s*<param name="wss?-binding"[^>]*\/>\s*$/gm, '');
    writeFileSync(internal, replaceOnce(profile, /<settings>/, '<settings>\n    <param name="sip-expires-late-margin" value="0"/>', 'internal profile <settings>'));
    // The provisioning's step 1: its files over the configuration.
    cpSync(o.provisioned, c, { recursive: true });
    // Step 3: the vanilla users (shared default password) go.
    rmSync(join(c, 'directory', 'default'), { recursive: true, force: true });
    const modules = readFileSync(join(c, 'autoload_configs', 'modules.conf.xml'), 'utf8');
    for (const m of ['mod_xml_curl', 'mod_conference', 'mod_event_socket', 'mod_sofia', 'mod_loopback', 'mod_tone_stream', 'mod_json_cdr'])
      if (!new RegExp(`^\\s*<load module="${m}"/>`, 'm').test(modules)) throw new Error(`modules.conf.xml of ${o.prefix} does not load ${m}`);
    return fs;
  }

  /** Start FreeSWITCH and wait until the event socket answers, the core is ready and the internal profile runs. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error('FreeSWITCH is already running');
    const d = this.o.dir;
    const args = ['-nf', '-nc', '-nonat', '-nocal', '-conf', this.conf, '-log', this.logDir, '-db', join(d, 'db'), '-run', join(d, 'run'), '-temp', join(d, 'temp'),
      '-storage', join(d, 'storage'), '-cache', join(d, 'cache'), '-recordings', join(d, 'recordings')];
    const proc = spawn(join(this.o.prefix, 'bin', 'freeswitch'), args, { cwd: this.o.prefix, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc = proc;
    const keep = (b: Buffer) => {
      this.out = (this.out + b.toString()).slice(-200_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.on('exit', () => {
      for (const w of this.exitWaiters.splice(0)) w();
    });
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      if (!this.running) throw new Error(`FreeSWITCH exited during start-up (code ${proc.exitCode}, signal ${proc.signalCode}):\n${this.out.slice(-3000)}`);
      try {
        const status = await this.api('status', 2000);
        const sofia = await this.api('sofia status', 2000);
        if (/is ready/.test(status) && /\binternal\s+profile\s+\S+\s+RUNNING/.test(sofia)) return;
        last = `${status}\n${sofia}`;
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`FreeSWITCH did not become ready in ${timeoutMs} ms: ${last}\n${this.logTail()}`);
  }

  /** One api command on a fresh event-socket connection (authenticated with the provisioned password). */
  async api(command: string, timeoutMs = 10_000): Promise<string> {
    const c = await withTimeout(authed(this.o.ports.esl, this.o.eslPassword), timeoutMs, 'event-socket login');
    try {
      const reply = await withTimeout(c.cmd(`api ${command}`), timeoutMs, command);
      return reply.body;
    } finally {
      c.close();
    }
  }

  /** An event-socket connection subscribed to events (plain), for tests that watch FreeSWITCH directly. */
  async events(sub = 'event plain ALL'): Promise<RawClient> {
    return authed(this.o.ports.esl, this.o.eslPassword, sub);
  }

  signal(sig: NodeJS.Signals): void {
    if (this.proc?.pid && this.running) process.kill(this.proc.pid, sig);
  }

  /** SIGKILL (a crash), waiting for the process to be gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    const gone = new Promise<void>((r) => this.exitWaiters.push(r));
    this.signal('SIGKILL');
    await gone;
  }

  /** SIGSTOP: the process is frozen; sockets stay open, nothing answers. */
  freeze(): void {
    this.signal('SIGSTOP');
  }

  thaw(): void {
    this.signal('SIGCONT');
  }

  /** A clean stop (FreeSWITCH writes its CDRs and says goodbye on the event socket). */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.thaw();
    const gone = new Promise<void>((r) => this.exitWaiters.push(r));
    this.signal('SIGTERM');
    const t = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(t);
  }

  /** FreeSWITCH's own call records (mod_json_cdr), one object per leg. */
  jsonCdrs(): Array<Record<string, unknown>> {
    const dir = join(this.logDir, 'json_cdr');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.cdr.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
  }

  logTail(chars = 4000): string {
    const f = join(this.logDir, 'freeswitch.log');
    const text = existsSync(f) ? readFileSync(f, 'utf8') : this.out;
    return text.slice(-chars);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
