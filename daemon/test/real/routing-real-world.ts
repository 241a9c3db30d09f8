// The routing world with a real FreeSWITCH (routing-world/world.ts): a
// private instance from $FREESWITCH_PREFIX configured by `callpoint provision
// freeswitch` (its gateways to the trunk peers, the xml_curl binding to the
// daemon, the static fallback), sipp phones registered with the provisioned
// passwords, and sipp trunk peers playing the provider and the analog and GSM
// gateways (sipp/routing-trunk.xml).
//
// The interface this needs from the real-FreeSWITCH tier (#10,
// daemon/test/real/freeswitch-instance.ts): RealFreeswitch.prepare({prefix,
// dir, ports, eslPassword, provisioned}), start(), api(cmd), stop(); pickPorts()
// with an `external` SIP port; freeSipPort(). Everything else is here.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { toolPath } from '../helpers/tools.js';
import { freePort } from '../helpers/daemon.js';
import { Central, provision, until, WorldDaemon, writeWorldConfig, type CallResult, type RoutingWorld, type TrunkPeer, type WorldCall, type WorldPhone } from '../routing-world/world.js';
import { freeSipPort, pickPorts, RealFreeswitch, realFreeswitchMissing } from './freeswitch-instance.js';

const SIPP_DIR = join(import.meta.dirname, 'sipp');

export function routingRealMissing(): string | undefined {
  return realFreeswitchMissing() ?? (toolPath('sipp') ? undefined : 'needs sipp (Debian package "sip-tester")');
}

/** The SIP response a caller got, as the hangup cause FreeSWITCH answered with (switch_core / sofia hangup_cause_to_sip). */
const CAUSE_OF: Record<string, string> = { '486': 'USER_BUSY', '603': 'CALL_REJECTED', '503': 'NORMAL_CIRCUIT_CONGESTION', '404': 'UNALLOCATED_NUMBER', '480': 'NO_USER_RESPONSE', '487': 'ORIGINATOR_CANCEL', '403': 'CALL_REJECTED', '500': 'NORMAL_TEMPORARY_FAILURE', '502': 'NETWORK_OUT_OF_ORDER', '408': 'RECOVERY_ON_TIMER_EXPIRE' };

class Sipp {
  readonly proc: ChildProcess;
  readonly done: Promise<number | null>;
  private out = '';

  constructor(readonly args: string[], readonly logFile: string) {
    this.proc = spawn('sipp', [...args, '-nostdin', '-i', '127.0.0.1', '-trace_logs', '-log_file', logFile], { cwd: SIPP_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => (this.out = (this.out + b.toString()).slice(-10_000));
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    this.done = new Promise((r) => this.proc.on('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
  }

  /** The scenario's log lines (its <log> actions). */
  lines(): string[] {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').filter(Boolean) : [];
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.done;
  }
}

let logs = 0;
const sipp = (dir: string, args: string[]) => new Sipp(args, join(dir, `sipp-${process.pid}-${++logs}.log`));

/** A call placed by sipp: its final response is logged ("final 200", "final 486"). */
class SippCall implements WorldCall {
  constructor(private readonly s: Sipp, private readonly fs: RealFreeswitch, private readonly match: (row: Record<string, string>) => boolean) {}

  async result(): Promise<CallResult> {
    let code: string | undefined;
    await until(() => {
      code = this.s.lines().map((l) => /final (\d{3})/.exec(l)?.[1]).find(Boolean);
      return !!code || this.s.proc.exitCode !== null;
    }, 30_000, 50);
    if (code === '200') return { answered: true, cause: null };
    return { answered: false, cause: code ? (CAUSE_OF[code] ?? `SIP ${code}`) : 'NO_ANSWER' };
  }

  /** FreeSWITCH hangs the caller's leg up (sipp answers the BYE and ends). */
  async hangup(): Promise<void> {
    // `show channels` reads FreeSWITCH's core database, which its SQL thread fills a moment after the
    // channel exists: on a loaded machine an answered call may not be listed yet (it once found none,
    // left the call up, and the call's record and trunk stayed taken).
    let all: Array<Record<string, string>> = [];
    let rows: Array<Record<string, string>> = [];
    await until(async () => {
      all = (JSON.parse(await this.fs.api('show channels as json')) as { rows?: Array<Record<string, string>> }).rows ?? [];
      rows = all.filter(this.match);
      return rows.length > 0 || this.s.proc.exitCode !== null;
    }, 5000, 100);
    // A call left up holds its trunk and never gets its record: a hangup that finds nothing says so.
    if (!rows.length && this.s.proc.exitCode === null) throw new Error(`hangup: no channel of this call among ${JSON.stringify(all.map((r) => ({ uuid: r.uuid, direction: r.direction, cid_num: r.cid_num, initial_cid_num: r.initial_cid_num, dest: r.dest, initial_dest: r.initial_dest, callstate: r.callstate })))}`);
    for (const r of rows) await this.fs.api(`uuid_kill ${r.uuid}`);
    const gone = await until(async () => {
      const left = new Set(((JSON.parse(await this.fs.api('show channels as json')) as { rows?: Array<{ uuid: string }> }).rows ?? []).map((r) => r.uuid));
      return rows.every((r) => !left.has(r.uuid!));
    }, 5000, 100);
    if (!gone) throw new Error(`hangup: FreeSWITCH still has ${rows.map((r) => r.uuid).join(', ')} after uuid_kill`);
    await Promise.race([this.s.done, new Promise((r) => setTimeout(r, 3000))]);
    await this.s.stop();
  }
}

class RealPhone implements WorldPhone {
  private uas: Sipp | undefined;
  constructor(readonly number: string, private readonly password: string, private readonly port: number, private readonly w: { dir: string; fs: RealFreeswitch; sip: string }) {}

  async register(): Promise<void> {
    const r = sipp(this.w.dir, ['-sf', 'register.xml', '-s', this.number, '-au', this.number, '-ap', this.password, '-key', 'expires', '3600', '-p', String(this.port), '-m', '1', '-timeout', '10', '-timeout_error', this.w.sip]);
    if ((await r.done) !== 0) throw new Error(`phone ${this.number} did not register`);
    this.uas = sipp(this.w.dir, ['-sf', 'routing-answer.xml', '-p', String(this.port), '-mp', String(await freeSipPort()), '-aa']);
  }

  async dial(to: string): Promise<WorldCall> {
    const s = sipp(this.w.dir, ['-sf', 'routing-dial.xml', '-s', to, '-key', 'caller', this.number, '-au', this.number, '-ap', this.password, '-p', String(await freeSipPort()), '-mp', String(await freeSipPort()), '-m', '1', this.w.sip]);
    // The caller's leg by its initial caller and destination: cid_num changes when the zone's caller ID is rewritten or a bridge updates it.
    return new SippCall(s, this.w.fs, (r) => r.direction === 'inbound' && (r.initial_cid_num ?? r.cid_num) === this.number && (r.initial_dest ?? r.dest) === to);
  }

  async answeredFrom(): Promise<string[]> {
    return (this.uas?.lines() ?? []).map((l) => /answered from=(\S*)/.exec(l)?.[1]).filter((x): x is string => !!x);
  }

  async close(): Promise<void> {
    await this.uas?.stop();
  }
}

class RealTrunk implements TrunkPeer {
  private peer: Sipp | undefined;
  private readonly logs: Sipp[] = [];
  private code = '200';
  constructor(readonly id: string, readonly port: number, private readonly w: { dir: string; fs: RealFreeswitch; external: string }) {}

  start(): void {
    this.peer = sipp(this.w.dir, ['-sf', 'routing-trunk.xml', '-p', String(this.port), '-mp', String(this.port + 1), '-aa', '-set', 'answer', this.code]);
    this.logs.push(this.peer);
  }

  async answer(b: 'answer' | 'busy' | 'fail'): Promise<void> {
    this.code = b === 'answer' ? '200' : b === 'busy' ? '486' : '503';
    await this.peer?.stop();
    this.start();
  }

  /** The far end goes silent: pings and registrations unanswered (FreeSWITCH marks the gateway down). */
  async down(): Promise<void> {
    await this.peer?.stop();
    this.peer = undefined;
  }

  async up(): Promise<void> {
    if (!this.peer) this.start();
  }

  async received() {
    return this.logs
      .flatMap((s) => s.lines())
      .map((l) => /invite ruri=(\S*) from=(\S*) pai=(\S*)/.exec(l))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ number: m[1]!, callerIdNumber: m[3] || m[2]! }));
  }

  async callIn(from: string, did: string): Promise<WorldCall> {
    const s = sipp(this.w.dir, ['-sf', 'routing-inbound.xml', '-s', did, '-key', 'caller', from, '-key', 'trunk', this.id, '-p', String(await freeSipPort()), '-mp', String(await freeSipPort()), '-m', '1', this.w.external]);
    return new SippCall(s, this.w.fs, (r) => r.cid_num === from && r.dest === did);
  }

  async close(): Promise<void> {
    await this.peer?.stop();
  }
}

export async function createRealWorld(dir: string, site: (proxies: Record<'telecom' | 'fxo' | 'gsm', string>) => Record<string, unknown> & { phones: Array<{ number: string; zone: string }> }): Promise<RoutingWorld> {
  const prefix = process.env.FREESWITCH_PREFIX!;
  const central = await Central.start();
  const ports = await pickPorts();
  const trunkPorts = { telecom: await freeSipPort(), fxo: await freeSipPort(), gsm: await freeSipPort() };
  const config = site({ telecom: `127.0.0.1:${trunkPorts.telecom}`, fxo: `127.0.0.1:${trunkPorts.fxo}`, gsm: `127.0.0.1:${trunkPorts.gsm}` });
  const httpPort = await freePort();
  const configFile = writeWorldConfig(dir, { httpPort, eslPort: ports.esl, brokerUrl: central.broker.url, site: config });
  const provisioned = join(dir, 'provisioned');
  await provision(configFile, provisioned);
  const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
  const fs = RealFreeswitch.prepare({ prefix, dir: join(dir, 'fs'), ports, eslPassword: secrets.eslPassword, provisioned });
  const ctx = { dir, fs, sip: `127.0.0.1:${ports.sip}`, external: `127.0.0.1:${ports.external}` };
  const trunks = new Map(Object.entries(trunkPorts).map(([id, port]) => [id, new RealTrunk(id, port, ctx)]));
  for (const t of trunks.values()) t.start();
  const phones = new Map<string, RealPhone>();
  let daemon: WorldDaemon | undefined;
  const close = async () => {
    await daemon?.stop();
    for (const p of phones.values()) await p.close();
    for (const t of trunks.values()) await t.close();
    await fs.stop();
    await central.close();
  };
  try {
    await fs.start();
    daemon = await WorldDaemon.start({ dir, configFile, port: httpPort });
    for (const p of config.phones) {
      const phone = new RealPhone(p.number, secrets.phoneSecrets[p.number]!, await freeSipPort(), ctx);
      await phone.register();
      phones.set(p.number, phone);
    }
  } catch (e) {
    await close();
    throw e;
  }
  const d = daemon;
  return {
    kind: 'real',
    daemon: d,
    central,
    phone: async (n) => phones.get(n) ?? Promise.reject(new Error(`no phone ${n}`)),
    trunk: (id) => trunks.get(id) ?? (() => { throw new Error(`no trunk ${id}`); })(),
    close,
  };
}
