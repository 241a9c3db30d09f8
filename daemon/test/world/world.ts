// One set of alarm-path scenarios, two worlds to run them in: the FreeSWITCH
// emulator (make test) and a real FreeSWITCH with sipp phones (make
// test-real). Everything a scenario does goes through the edges a person or
// central would use: the simulated board's buttons, the phones, the admin API,
// central's MQTT broker, and FreeSWITCH's own event socket and records.
//
// In both worlds the daemon is the real `callpoint run` in a child process,
// with `--simulate=board,lines`: simulated buttons and serial lines, but the
// FreeSWITCH of the world (emulated or real) at freeswitch.port, and this
// process's broker as central. The two worlds differ only in the switch and
// the phones.
import { type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { stringify } from 'yaml';
import type { RawClient } from '../../src/sim/freeswitch/raw-client.js';
import { SimBroker } from '../../src/sim/broker/index.js';
import { SIM_TOKEN_FILE } from '../../src/sim/control.js';
import type { CallRecord } from '../../src/contracts/calls.js';
import { cli, freePort, startDaemon, type DaemonHandle, type LogLine } from '../helpers/daemon.js';
import { Client } from '../helpers/http.js';
import { readFile } from 'node:fs/promises';
import { EventBus } from '../../src/events/bus.js';
import { HealthRegistry } from '../../src/health/health.js';
import { FreeswitchGateway } from '../../src/pbx/gateway.js';
import { Store } from '../../src/store/store.js';

export type UasBehaviour =
  /** Rings ringMs, answers; with ack, presses the acknowledge key 5 (RFC 2833) ackAfterMs after answering. Busy (486) while on a call. */
  | { kind: 'desk'; ringMs: number; ack?: boolean; ackAfterMs?: number }
  /** Rings until the caller gives up. */
  | { kind: 'ring' }
  /** Answers at once when the INVITE asks for auto-answer (Call-Info answer-after=0), otherwise only rings. */
  | { kind: 'intercom' };

export interface WorldPhone {
  readonly number: string;
  register(o?: { password?: string; expiresS?: number }): Promise<'registered' | 'refused' | 'failed'>;
  unregister(): Promise<boolean>;
  /** How it answers calls from now on. */
  serve(b: UasBehaviour): Promise<void>;
  /** Place a call (the phone stays on it until the far side hangs up). */
  dial(destination: string): Promise<void>;
}

/** One leg as FreeSWITCH's own CDR has it (mod_json_cdr, or the emulator's CHANNEL_HANGUP_COMPLETE). */
export interface Cdr {
  uuid: string;
  direction: string;
  callerNumber: string;
  destination: string;
  hangupCause: string;
  startUs: number;
  answerUs: number;
  endUs: number;
  durationS: number;
  billsecS: number;
  alarmId: string | null;
}

export interface WorldSwitch {
  readonly kind: 'emulator' | 'real';
  readonly eslPort: number;
  readonly eslPassword: string;
  /** An api command on a fresh event-socket connection. */
  api(command: string): Promise<string>;
  /** An event-socket connection subscribed to every event (plain). */
  events(): Promise<RawClient>;
  /** SIGKILL: every call is gone, the socket closes; it stays down until start(). */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT. */
  freeze(): void;
  thaw(): void;
  /** The switch's own records of the legs that ended. */
  cdrs(): Promise<Cdr[]>;
  phone(number: string): Promise<WorldPhone>;
  close(): Promise<void>;
}

export interface CentralMessage {
  topic: string;
  id: string;
  seq: number;
  ts: string;
  type: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

/** Central: this process's broker and a subscriber to everything the appliance publishes. */
export class Central {
  readonly messages: CentralMessage[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly broker: SimBroker, private readonly client: mqtt.MqttClient) {}

  static async start(): Promise<Central> {
    const broker = new SimBroker({ host: '127.0.0.1', port: 0 }, pino({ level: 'silent' }));
    await broker.start();
    const client = await mqtt.connectAsync(broker.url, { clientId: `central-${process.pid}-${Date.now()}`, clean: true });
    const c = new Central(broker, client);
    client.on('message', (topic, payload) => {
      try {
        const env = JSON.parse(payload.toString()) as Omit<CentralMessage, 'topic' | 'receivedAt'>;
        // Envelopes only (alarm, call, event, cmd-result); status is the retained presence message.
        if (typeof env.type === 'string' && env.data && typeof env.data === 'object') c.messages.push({ ...env, topic, receivedAt: Date.now() });
      } catch {
        /* not an envelope */
      }
      for (const w of c.waiters.splice(0)) w();
    });
    await client.subscribeAsync('callpoint/v1/#', { qos: 1 });
    return c;
  }

  /** Wait for a message matching pred (already received or to come). */
  async waitFor(pred: (m: CentralMessage) => boolean, ms: number, what: string): Promise<CentralMessage> {
    const end = Date.now() + ms;
    for (;;) {
      const m = this.messages.find(pred);
      if (m) return m;
      if (Date.now() > end) throw new Error(`central did not receive ${what} within ${ms} ms (got ${this.messages.length} messages: ${this.messages.slice(-5).map((x) => `${x.type}:${JSON.stringify(x.data).slice(0, 120)}`).join(' | ')})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** The alarm messages of one alarm, in order of arrival. */
  alarm(id: string): Array<{ state: string; event: string; data: Record<string, unknown>; at: number }> {
    return this.messages
      .filter((m) => m.type === 'alarm' && m.data.id === id)
      .map((m) => ({ state: String(m.data.state), event: String(m.data.event), data: m.data, at: m.receivedAt }));
  }

  faults(): Array<Record<string, unknown>> {
    return this.messages.filter((m) => m.type === 'event' && m.data.kind === 'fault').map((m) => m.data);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
    await this.broker.stop();
  }
}

export interface WorldConfig {
  points: unknown[];
  phones: Array<{ number: string; name: string; zone: string }>;
  lines?: unknown;
}

const ADMIN = { username: 'scenario-admin', password: 'Kx7#mN2$vQ9!pL4w' };

/** The daemon of a world: `callpoint run --simulate=board,lines` against the world's switch and central. */
export class WorldDaemon {
  private constructor(
    readonly handle: DaemonHandle,
    readonly api: Client,
    private readonly simToken: string,
  ) {}

  static async start(o: { dir: string; configFile: string; port: number }): Promise<WorldDaemon> {
    const added = await cli(['user', 'add', ADMIN.username, '--role', 'admin', '--password-stdin', '--config', o.configFile], { input: `${ADMIN.password}\n` });
    if (added.code !== 0 && !/exists/.test(added.stderr)) throw new Error(`user add failed: ${added.stderr}`);
    const handle = await startDaemon(o.dir, { configFile: o.configFile, port: o.port, env: { CALLPOINT_SIMULATE: 'board,lines' } });
    const api = new Client(handle.url);
    const login = await api.login(ADMIN.username, ADMIN.password);
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    const token = (await readFile(join(handle.dataDir, SIM_TOKEN_FILE), 'utf8')).trim();
    return new WorldDaemon(handle, api, token);
  }

  get proc(): ChildProcess {
    return this.handle.proc;
  }

  /** A press of a call point's button on the simulated board; the alarm id it raised or joined. */
  async press(input: string): Promise<string> {
    const res = await fetch(`${this.handle.url}/api/sim/inputs/${input}/press`, { method: 'POST', headers: { 'x-callpoint-sim-token': this.simToken } });
    const body = (await res.json()) as { alarmId?: string; error?: string };
    if (!res.ok || !body.alarmId) throw new Error(`press ${input}: ${res.status} ${JSON.stringify(body)}`);
    return body.alarmId;
  }

  async alarms(): Promise<{ open: Array<Record<string, unknown>>; recent: Array<Record<string, unknown>> }> {
    return (await this.api.get('/api/alarms')).body as { open: Array<Record<string, unknown>>; recent: Array<Record<string, unknown>> };
  }

  async channels(): Promise<{ connected: boolean; channels: Array<Record<string, unknown>> }> {
    return (await this.api.get('/api/channels')).body as { connected: boolean; channels: Array<Record<string, unknown>> };
  }

  async calls(): Promise<CallRecord[]> {
    return ((await this.api.get('/api/calls?limit=500')).body as { calls: CallRecord[] }).calls;
  }

  async faults(): Promise<Array<Record<string, unknown>>> {
    return ((await this.api.get('/api/faults')).body as { open: Array<Record<string, unknown>> }).open;
  }

  /** The simulated board: inputs, the point lamps and the beacons. */
  async board(): Promise<{ outputs: Array<{ id: string; role: string; point: string | null; mode: string; on: boolean }> }> {
    return (await this.api.get('/api/board')).body as { outputs: Array<{ id: string; role: string; point: string | null; mode: string; on: boolean }> };
  }

  /** What the simulated GSM modem sent. */
  async smsSent(modem: string): Promise<Array<{ to: string; text: string }>> {
    return ((await this.api.get(`/api/sim/modems/${modem}/sent`)).body as { sent?: Array<{ to: string; text: string }> }).sent ?? [];
  }

  async clear(alarmId: string): Promise<number> {
    return (await this.api.post(`/api/alarms/${alarmId}/clear`, {})).status;
  }

  /** The daemon's log lines (pino JSON) so far. */
  log(): LogLine[] {
    return this.handle.lines;
  }

  async stop(): Promise<void> {
    await this.handle.stop();
  }
}

/** Callpoint's FreeSWITCH gateway in this process, on the world's switch: for features no edge of the daemon offers yet (eavesdrop, conference). */
export type ScenarioGateway = FreeswitchGateway & { close(): Promise<void> };

export interface World {
  kind: 'emulator' | 'real';
  fs: WorldSwitch;
  daemon: WorldDaemon;
  central: Central;
  phone(number: string): Promise<WorldPhone>;
  gateway(): Promise<ScenarioGateway>;
  close(): Promise<void>;
}

export async function scenarioGateway(dir: string, fs: WorldSwitch): Promise<ScenarioGateway> {
  const log = pino({ level: 'silent' });
  const store = await Store.open(dir, { site: 'scenario', node: 'gw' });
  const gw = new FreeswitchGateway(
    { host: '127.0.0.1', port: fs.eslPort, password: fs.eslPassword, recordingsDir: join(dir, 'recordings') },
    { store, log, bus: new EventBus(log), health: new HealthRegistry({ version: 'test', site: 'scenario', node: 'gw' }, () => undefined) },
  );
  await gw.start();
  if (!(await gw.whenReady(10_000))) throw new Error('the scenario gateway did not connect');
  return Object.assign(gw, {
    async close() {
      await gw.stop();
      await store.close();
    },
  });
}

/** The configuration both worlds run: the scenario's points and phones, this world's ports and central. */
export function worldConfigFile(dir: string, o: { httpPort: number; eslPort: number; brokerUrl: string; config: WorldConfig }): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    stringify({
      site: 'scenario', node: 'n1', dataDir: join(dir, 'data'), board: 'sim',
      http: { host: '127.0.0.1', port: o.httpPort },
      freeswitch: { host: '127.0.0.1', port: o.eslPort },
      uplink: { brokers: [o.brokerUrl], keepaliveS: 5 },
      log: { level: 'info', namespaces: { 'pbx': 'debug', alarms: 'debug' } },
      ...o.config,
    }),
  );
  return file;
}

/** Provision (for the device secrets: ESL password, phone passwords), as on a board. */
export async function provision(configFile: string, out: string): Promise<void> {
  const r = await cli(['provision', 'freeswitch', '--out', out, '--config', configFile]);
  if (r.code !== 0) throw new Error(`callpoint provision freeswitch failed (${r.code}): ${r.stderr}${r.stdout}`);
}

export { freePort };

export const until = async (cond: () => boolean | Promise<boolean>, ms: number, step = 50): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, step));
  }
  return true;
};
