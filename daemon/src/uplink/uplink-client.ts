// The MQTT uplink to central: status with a last will, outbox draining,
// commands from central. Topic root callpoint/v1/{site}/{node}/ (ARCHITECTURE.md).
//
// It never gives up and never takes the daemon down: start() returns at once
// and connecting goes on in the background, broker after broker with capped,
// jittered backoff. One mqtt.js client per connection attempt, with mqtt.js's
// own reconnect off — the backoff and the broker rotation are ours. The session
// is persistent (clean: false, stable client id), so commands central sends
// while we are away wait at the broker; the outbox in sqlite, not mqtt.js's
// in-memory store, is what makes our own messages survive restarts.
import { Sleeper } from '../lifecycle/sleeper.js';
import { readFile } from 'node:fs/promises';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { HealthRegistry } from '../health/health.js';
import type { Component } from '../lifecycle/components.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { randomUUID } from 'node:crypto';
import type { RegisterCommand } from '../contracts/commands.js';
import { ENVELOPE_VERSION, topicRoot, type Envelope, type StatusMessage } from '../contracts/mqtt.js';
import { phrase, phraseList } from '../contracts/phrases/index.js';
import { registerBuiltins, type Backlog } from './builtin-commands.js';
import { CommandProcessor, CommandRegistry, type CommandStats } from './commands.js';
import type { CentralKey } from './command-auth.js';
import { parseCentralKey } from '../config/central-key.js';
import { OutboxDrain } from './outbox-drain.js';
import type { OutboxRow } from '../store/outbox-repo.js';
import { droppedSoFar, enforceRetention, type Dropped } from './retention.js';

export interface UplinkOptions {
  site: string;
  node: string;
  version: string;
  brokers: string[];
  username?: string;
  password?: string;
  /** File paths, read at start(). */
  ca?: string;
  cert?: string;
  key?: string;
  keepaliveS?: number;
  /** Outbox messages in flight (published, no PUBACK yet). */
  inflight?: number;
  maxBacklog?: number;
  /** Safety-net poll of the outbox, health and retention. */
  pollMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  connectTimeoutMs?: number;
  /** Re-publish status on health changes at most this often. */
  statusMinIntervalMs?: number;
  commandTimeoutMs?: number;
  /** Central's public keys for signed commands (config central.keys, parsed). */
  centralKeys?: CentralKey[];
  maxSkewMs?: number;
  replayWindowMs?: number;
  commandsPerSecond?: number;
  /** The audit summary's interval for refused commands. */
  auditIntervalMs?: number;
  /** Backlog above this (messages) while connected is reported degraded. */
  backlogWarn?: number;
}

export interface UplinkDeps {
  store: Store;
  health: HealthRegistry;
  bus: EventBus;
  log: Logger;
  /** The other bounded queues' figures (HTTP, event streams, the database), for get-status. */
  load?: () => Record<string, unknown>;
}

/**
 * The options from the configuration; `brokers` overrides the configured ones
 * (simulation broker), `extraKeys` adds keys of central (simulation's own).
 */
export function uplinkOptionsFrom(config: Config, version: string, brokers?: string[], extraKeys: CentralKey[] = []): UplinkOptions {
  const u = config.uplink;
  const c = config.central;
  return {
    site: config.site, node: config.node, version, brokers: brokers ?? u.brokers,
    username: u.username, password: u.password, ca: u.ca, cert: u.cert, key: u.key,
    keepaliveS: u.keepaliveS, inflight: u.inflight, maxBacklog: u.maxBacklog,
    centralKeys: [...c.keys.map((k) => ({ id: k.id, key: parseCentralKey(k.publicKey) })), ...extraKeys],
    maxSkewMs: c.maxSkewS * 1000, replayWindowMs: c.replayWindowDays * 86_400_000, commandsPerSecond: c.commandsPerSecond,
  };
}

const minutes = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

export class UplinkClient implements Component {
  readonly name = 'uplink';
  readonly commands = new CommandRegistry();
  readonly root: string;
  private drain: OutboxDrain;
  private readonly processor: CommandProcessor;
  private client: MqttClient | undefined;
  private connectedTo: string | undefined;
  private lastError = 'not connected yet';
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly sleeper = new Sleeper();
  private poll: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private lastStatusAt = 0;
  private offHealth: (() => void) | undefined;
  private offBuiltins: Array<() => void> = [];
  private tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  private retentionAt = 0;
  private overCap = false;
  private dropped: Dropped = { call: 0, event: 0 };
  private readonly pendingCommands = new Set<Promise<void>>();

  constructor(
    private o: UplinkOptions,
    private readonly d: UplinkDeps,
  ) {
    this.root = topicRoot(o.site, o.node);
    this.drain = this.makeDrain();
    this.processor = new CommandProcessor(this.commands, d.store, d.log.child({ part: 'cmd' }), {
      site: o.site, node: o.node, keys: o.centralKeys ?? [], maxSkewMs: o.maxSkewMs, windowMs: o.replayWindowMs, perSecond: o.commandsPerSecond,
      timeoutMs: o.commandTimeoutMs, notify: () => this.notify(), auditIntervalMs: o.auditIntervalMs,
    });
  }

  private makeDrain(): OutboxDrain {
    // A command's result goes to cmd-result/{its id}; everything else to the topic of its type.
    const topicFor = (row: OutboxRow) => (row.type === 'cmd-result' ? `${this.root}cmd-result/${(row.envelope.data as { id: string }).id}` : this.root + row.type);
    return new OutboxDrain(this.d.store.outbox, topicFor, this.o.inflight ?? 20, this.d.log.child({ part: 'outbox' }));
  }

  /**
   * A configuration change of the brokers, credentials or TLS files: stop
   * (status offline, unacknowledged messages stay in the outbox), then connect
   * with the new settings. The registered commands stay; site and node do not
   * change here (they name every topic: a restart of Callpoint changes them).
   */
  async restart(o: UplinkOptions): Promise<string> {
    await this.stop();
    this.o = { ...o, site: this.o.site, node: this.o.node };
    this.drain = this.makeDrain();
    await this.start();
    return this.o.brokers.length ? `connecting to ${this.o.brokers.join(', ')}` : 'no broker configured';
  }

  get clientId(): string {
    return `callpoint-${this.o.site}-${this.o.node}`;
  }

  get connected(): boolean {
    return !!this.client?.connected && this.connectedTo !== undefined;
  }

  /** For services: answer cmd/{name}. Returns the unregister function for their stop(). */
  readonly registerCommand: RegisterCommand = (name, schema, handler, opts) => this.commands.register(name, schema, handler, opts);

  /** Call after committing outbox rows: publishes them now instead of at the next poll. */
  notify(): void {
    this.drain.notify();
    if (Date.now() - this.retentionAt > 1000) void this.checkRetention();
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.offBuiltins = registerBuiltins(this.commands.register, { health: () => this.d.health.snapshot(), backlog: () => this.backlog(), load: () => ({ commands: this.processor.snapshot(), ...this.d.load?.() }) });
    this.dropped = await droppedSoFar(this.d.store);
    await this.processor.start();
    if (!this.o.brokers.length) {
      this.d.health.set('uplink', 'disabled', 'no broker configured (uplink.brokers)', phrase('health.uplink.none'));
      return;
    }
    try {
      // Read once: a certificate renewed on disk takes effect at the next restart.
      const [ca, cert, key] = await Promise.all([this.o.ca, this.o.cert, this.o.key].map((f) => (f ? readFile(f) : Promise.resolve(undefined))));
      this.tls = { ca, cert, key };
    } catch (err) {
      // A configuration fault, not a reason to stop the appliance: say so and stay offline.
      const msg = `cannot read the uplink TLS files: ${(err as Error).message}`;
      this.d.log.error({ err }, msg);
      this.d.health.set('uplink', 'down', msg, phrase('health.uplink.tls'));
      return;
    }
    this.offHealth = this.d.bus.on('health', () => this.scheduleStatus());
    this.poll = setInterval(() => {
      this.drain.notify();
      void this.checkRetention().then(() => this.refreshHealth());
    }, this.o.pollMs ?? 3000);
    this.poll.unref();
    await this.refreshHealth();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    clearTimeout(this.statusTimer);
    this.offHealth?.();
    for (const off of this.offBuiltins) off();
    this.offBuiltins = [];
    this.sleeper.wake();
    const client = this.client;
    if (client?.connected) {
      // A clean DISCONNECT does not fire the will: say offline ourselves.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        client.publish(this.root + 'status', this.statusPayload({ online: false, version: this.o.version }), { qos: 1, retain: true }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    client?.end(true);
    await this.loop;
    // Commands still running (an originate rings up to two minutes) are not waited for long:
    // their results are stored when they finish, or central retries the id.
    await Promise.race([Promise.allSettled([...this.pendingCommands]), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.processor.stop();
    await this.drain.settle();
  }

  /** What the command intake has seen and holds now. */
  commandStats(): CommandStats {
    return this.processor.snapshot();
  }

  /** Tests: drop the TCP connection without DISCONNECT, as a cut cable or a crash would. */
  severConnection(): void {
    this.client?.stream.destroy();
  }

  async backlog(): Promise<Backlog> {
    const s = await this.d.store.outbox.stats();
    return { count: s.count, oldestTs: s.oldestTs, dropped: { ...this.dropped } };
  }


  private async run(): Promise<void> {
    let attempt = 0;
    let i = 0;
    while (!this.stopping) {
      const url = this.o.brokers[i % this.o.brokers.length]!;
      const wasUp = await this.session(url);
      if (this.stopping) return;
      if (wasUp) {
        attempt = 0; // retry the broker we just lost first
      } else {
        attempt++;
        i++;
      }
      const base = Math.min(this.o.backoffMaxMs ?? 60_000, (this.o.backoffBaseMs ?? 1000) * 2 ** Math.min(Math.max(attempt - 1, 0), 16));
      const delay = Math.round(base / 2 + Math.random() * (base / 2));
      const level = attempt <= 1 ? 'warn' : 'debug';
      this.d.log[level]({ url, attempt, delayMs: delay, reason: this.lastError }, `uplink: ${this.lastError}; retrying in ${(delay / 1000).toFixed(1)} s`);
      await this.refreshHealth();
      await this.sleeper.sleep(delay);
    }
  }

  /** One connection, from connect to close. Resolves true if it got as far as CONNACK. */
  private session(url: string): Promise<boolean> {
    return new Promise((resolve) => {
      const opts: IClientOptions = {
        clientId: this.clientId,
        clean: false,
        protocolVersion: 4,
        keepalive: this.o.keepaliveS ?? 30,
        reconnectPeriod: 0,
        connectTimeout: this.o.connectTimeoutMs ?? 10_000,
        resubscribe: false,
        will: { topic: this.root + 'status', payload: Buffer.from(this.statusPayload({ online: false, version: this.o.version })), qos: 1, retain: true },
        ...(this.o.username === undefined ? {} : { username: this.o.username }),
        ...(this.o.password === undefined ? {} : { password: this.o.password }),
        ...this.tls,
      };
      let client: MqttClient;
      try {
        client = mqtt.connect(url, opts);
      } catch (err) {
        this.lastError = `cannot connect to ${url}: ${(err as Error).message}`;
        resolve(false);
        return;
      }
      this.client = client;
      let up = false;
      client.on('connect', () => {
        up = true;
        this.connectedTo = url;
        this.lastError = `connection to ${url} lost`;
        this.d.log.info({ url, clientId: this.clientId }, 'connected to central');
        this.onConnected(client);
      });
      client.on('message', (topic, payload) => this.onMessage(client, topic, payload));
      client.on('error', (err) => {
        this.lastError = `${url}: ${err.message}`;
      });
      client.once('close', () => {
        if (this.client === client) {
          this.client = undefined;
          this.connectedTo = undefined;
        }
        this.drain.detach();
        if (up && !this.stopping) this.d.log.warn({ url }, 'lost the connection to central');
        client.removeAllListeners('message');
        client.on('error', () => undefined);
        client.end(true);
        resolve(up);
      });
    });
  }

  private onConnected(client: MqttClient): void {
    client.subscribe(this.root + 'cmd/+', { qos: 1 }, (err) => {
      if (err && this.client === client) this.d.log.error({ err: err.message }, 'cannot subscribe to commands');
    });
    this.drain.attach((topic, payload, done) => {
      client.publish(topic, payload, { qos: 1 }, (err) => done(err ?? undefined));
    });
    // Health first, so the first status already says the uplink is up.
    void this.refreshHealth().finally(() => this.publishStatus());
  }

  private onMessage(_client: MqttClient, topic: string, payload: Buffer): void {
    const prefix = this.root + 'cmd/';
    if (!topic.startsWith(prefix)) return;
    const name = topic.slice(prefix.length);
    // Checked at once (a flood is dropped here, unread); the result is written to the outbox with
    // its effect, and the drain publishes it on whichever connection is up.
    const job = this.processor.handle(name, payload);
    if (!job) return;
    this.pendingCommands.add(job);
    void job.finally(() => this.pendingCommands.delete(job));
  }

  private publishStatus(): void {
    const client = this.client;
    if (!client?.connected) return;
    this.lastStatusAt = Date.now();
    const body = this.statusPayload({ online: true, version: this.o.version, health: this.d.health.snapshot() });
    client.publish(this.root + 'status', body, { qos: 1, retain: true }, (err) => {
      if (err) this.d.log.debug({ err: err.message }, 'status not delivered');
    });
  }

  /** The retained status, in the envelope every message travels in (seq null: it is state, not an event). */
  private statusPayload(data: StatusMessage): string {
    const env: Envelope<StatusMessage> = { v: ENVELOPE_VERSION, id: randomUUID(), seq: null, ts: new Date().toISOString(), site: this.o.site, node: this.o.node, type: 'status', data };
    return JSON.stringify(env);
  }

  /** Health changed: publish status now, or when the minimum interval has passed. */
  private scheduleStatus(): void {
    if (this.statusTimer || !this.connected) return;
    const wait = Math.max(0, this.lastStatusAt + (this.o.statusMinIntervalMs ?? 5000) - Date.now());
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.publishStatus();
    }, wait);
    this.statusTimer.unref();
  }

  private async checkRetention(): Promise<void> {
    this.retentionAt = Date.now();
    try {
      const r = await enforceRetention(this.d.store, this.o.maxBacklog ?? 100_000);
      if (!r) {
        this.overCap = false;
        return;
      }
      this.dropped = r.total;
      if (r.dropped.call || r.dropped.event)
        this.d.log.warn({ dropped: r.dropped, total: r.total, maxBacklog: this.o.maxBacklog }, 'backlog over the cap: oldest call records and events dropped (alarms kept)');
      // Said once per episode, not at every poll.
      if (r.stillOver && !this.overCap) this.d.log.error({ maxBacklog: this.o.maxBacklog }, 'backlog over the cap with alarms only: nothing more may be dropped');
      this.overCap = r.stillOver;
      this.drain.notify();
    } catch (err) {
      this.d.log.error({ err }, 'backlog retention failed');
    }
  }

  private async refreshHealth(): Promise<void> {
    let b: Backlog;
    try {
      b = await this.backlog();
    } catch {
      return; // the store's own health reports that
    }
    const age = b.oldestTs ? Date.now() - Date.parse(b.oldestTs) : 0;
    const waiting = b.count ? `${b.count} messages waiting, oldest ${minutes(age)}` : 'nothing waiting';
    const dropped = b.dropped.call || b.dropped.event ? `; ${b.dropped.call} call records and ${b.dropped.event} events dropped over the backlog cap` : '';
    const backlog = phraseList([
      b.count ? phrase('uplink.backlog.waiting', { count: b.count, age: age < 60_000 ? phrase('dur.s', { n: Math.round(age / 1000) }) : phrase('dur.min', { n: Math.round(age / 60_000) }) }) : phrase('uplink.backlog.none'),
      ...(b.dropped.call || b.dropped.event ? [phrase('uplink.backlog.dropped', { calls: b.dropped.call, events: b.dropped.event })] : []),
    ]);
    if (this.stopping) return;
    if (this.connected) {
      const big = b.count > (this.o.backlogWarn ?? 1000);
      this.d.health.set('uplink', big ? 'degraded' : 'ok', `connected to ${this.connectedTo}; ${big ? `draining: ${waiting}` : waiting}${dropped}`, phrase(big ? 'health.uplink.draining' : 'health.uplink.ok', { broker: this.connectedTo ?? '?', backlog }));
    } else {
      this.d.health.set('uplink', 'degraded', `not connected to central (${this.lastError}); ${waiting}${dropped}`, phrase('health.uplink.offline', { backlog }));
    }
  }
}
