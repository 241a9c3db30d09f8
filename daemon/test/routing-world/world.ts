// The routing scenarios run in two worlds: the FreeSWITCH emulator (make
// test) and a real FreeSWITCH with sipp phones and sipp trunk peers (the
// real-FreeSWITCH tier, daemon/test/real/routing-scenarios.real.ts). Each
// world gives the same few handles; a scenario asserts only on what both can
// see the same way: the daemon's call records and live channels, what a
// trunk's far end received, and what central was told.
//
// In both worlds the daemon is the real `callpoint run --simulate=board,lines`
// in a child process (simulated buttons and serial lines: the FXO line card
// and the GSM modem behind the FXO and GSM trunks), the world's switch at
// freeswitch.port, this process's broker as central.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { stringify } from 'yaml';
import type { CallRecord } from '../../src/contracts/calls.js';
import type { RoutingView } from '../../src/contracts/routing.js';
import { SimBroker } from '../../src/sim/broker/index.js';
import { cli, startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { Client } from '../helpers/http.js';

/** What a caller (a phone, or a trunk's far end calling in) got. */
export interface CallResult {
  answered: boolean;
  /** The hangup cause FreeSWITCH gave the caller's leg when it was not answered (CALL_REJECTED, USER_BUSY, …). */
  cause: string | null;
}

export interface WorldCall {
  /** Resolves once the call is answered (bridged) or refused. */
  result(): Promise<CallResult>;
  /** The caller hangs up. */
  hangup(): Promise<void>;
}

export interface WorldPhone {
  readonly number: string;
  dial(to: string): Promise<WorldCall>;
  /** The caller IDs of the calls this phone answered, in order. */
  answeredFrom(): Promise<string[]>;
}

export interface TrunkCallSeen {
  /** The number as it reached the far end. */
  number: string;
  /** The caller ID it presented. */
  callerIdNumber: string;
}

/** A trunk's far end: a provider, an analog or GSM gateway. */
export interface TrunkPeer {
  readonly id: string;
  /** How it answers the next calls: answer, busy (486), fail (503). */
  answer(b: 'answer' | 'busy' | 'fail'): Promise<void>;
  /** Its registration fails (pings unanswered), or comes back. */
  down(): Promise<void>;
  up(): Promise<void>;
  received(): Promise<TrunkCallSeen[]>;
  /** A call from `from` to the DID `did` through this trunk. */
  callIn(from: string, did: string): Promise<WorldCall>;
}

export interface RoutingWorld {
  readonly kind: 'emulator' | 'real';
  readonly daemon: WorldDaemon;
  readonly central: Central;
  phone(number: string): Promise<WorldPhone>;
  trunk(id: string): TrunkPeer;
  close(): Promise<void>;
}

/** Central: this process's broker and a subscriber to everything the appliance publishes. */
export class Central {
  readonly messages: Array<{ type: string; data: Record<string, unknown> }> = [];
  private constructor(readonly broker: SimBroker, private readonly client: mqtt.MqttClient) {}

  static async start(): Promise<Central> {
    const broker = new SimBroker({ host: '127.0.0.1', port: 0 }, pino({ level: 'silent' }));
    await broker.start();
    const client = await mqtt.connectAsync(broker.url, { clientId: `central-${process.pid}-${Date.now()}`, clean: true });
    const c = new Central(broker, client);
    client.on('message', (_topic, payload) => {
      try {
        const env = JSON.parse(payload.toString()) as { type?: string; data?: Record<string, unknown> };
        if (typeof env.type === 'string' && env.data && typeof env.data === 'object') c.messages.push({ type: env.type, data: env.data });
      } catch {
        /* not an envelope */
      }
    });
    await client.subscribeAsync('callpoint/v1/#', { qos: 1 });
    return c;
  }

  events(kind: string): Array<Record<string, unknown>> {
    return this.messages.filter((m) => m.type === 'event' && m.data.kind === kind).map((m) => m.data);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
    await this.broker.stop();
  }
}

const ADMIN = { username: 'routing-admin', password: 'Qv8!tR4#zL6@pW2m' };

export class WorldDaemon {
  private constructor(readonly handle: DaemonHandle, readonly api: Client) {}

  static async start(o: { dir: string; configFile: string; port: number }): Promise<WorldDaemon> {
    const added = await cli(['user', 'add', ADMIN.username, '--role', 'admin', '--password-stdin', '--config', o.configFile], { input: `${ADMIN.password}\n` });
    if (added.code !== 0 && !/exists/.test(added.stderr)) throw new Error(`user add failed: ${added.stderr}`);
    const handle = await startDaemon(o.dir, { configFile: o.configFile, port: o.port, env: { CALLPOINT_SIMULATE: 'board,lines' } });
    const api = new Client(handle.url);
    const login = await api.login(ADMIN.username, ADMIN.password);
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    return new WorldDaemon(handle, api);
  }

  async routing(): Promise<RoutingView> {
    return (await this.api.get('/api/routing')).body as RoutingView;
  }

  async calls(): Promise<CallRecord[]> {
    return ((await this.api.get('/api/calls?limit=500')).body as { calls: CallRecord[] }).calls;
  }

  /** The record of the call a phone placed to `to` (the caller's leg), once written. */
  async record(from: string, to: string, ms = 15_000): Promise<CallRecord> {
    let found: CallRecord | undefined;
    const ok = await until(async () => !!(found = (await this.calls()).find((c) => c.callerNumber === from && c.calleeNumber === to && c.direction === 'inbound')), ms);
    if (!ok) {
      // Still up, as the daemon sees it? (The harness hung it up, or the daemon missed the hangup.)
      const live = ((await this.api.get('/api/channels')).body as { channels?: Array<{ uuid: string; callerNumber: string | null; destination?: string | null; state?: string }> }).channels ?? [];
      throw new Error(`no call record of ${from} → ${to} within ${ms} ms (records: ${(await this.calls()).map((c) => `${c.callerNumber}→${c.calleeNumber}:${c.route}`).join(', ')}; live channels the daemon sees: ${JSON.stringify(live)})`);
    }
    return found!;
  }

  async setNight(mode: 'auto' | 'night' | 'day'): Promise<void> {
    const r = await this.api.req('PUT', '/api/routing/night', { mode });
    if (r.status !== 200) throw new Error(`night mode: ${r.status} ${JSON.stringify(r.body)}`);
  }

  /** The daemon dies (SIGKILL): FreeSWITCH's xml_curl gets no answer any more. */
  async kill(): Promise<void> {
    await this.handle.stop('SIGKILL');
  }

  log(): string[] {
    return this.handle.lines.map((l) => `${l.ns ?? ''} ${l.msg}`);
  }

  async stop(): Promise<void> {
    await this.handle.stop();
  }

  dataFile(name: string): Promise<string> {
    return readFile(join(this.handle.dataDir, name), 'utf8');
  }
}

/** The configuration of a world: the scenario site, this world's ports, trunk peers and central. */
export function writeWorldConfig(dir: string, o: { httpPort: number; eslPort: number; brokerUrl: string; site: Record<string, unknown> }): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    stringify({
      site: 'routing', node: 'n1', dataDir: join(dir, 'data'), board: 'sim',
      http: { host: '127.0.0.1', port: o.httpPort },
      freeswitch: { host: '127.0.0.1', port: o.eslPort },
      uplink: { brokers: [o.brokerUrl], keepaliveS: 5 },
      log: { level: 'info', namespaces: { routing: 'debug' } },
      ...o.site,
    }),
  );
  return file;
}

export async function provision(configFile: string, out: string): Promise<void> {
  const r = await cli(['provision', 'freeswitch', '--out', out, '--config', configFile]);
  if (r.code !== 0) throw new Error(`callpoint provision freeswitch failed (${r.code}): ${r.stderr}${r.stdout}`);
}

export const until = async (cond: () => boolean | Promise<boolean>, ms: number, step = 50): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, step));
  }
  return true;
};
