// The FreeSWITCH gateway: the only part of Callpoint that speaks to
// FreeSWITCH. It keeps one event-socket connection up (capped exponential
// backoff with jitter; a refused password is retried slowly, never in a tight
// loop), resynchronises the live channel table after every (re)connection,
// watches that FreeSWITCH still answers (HEARTBEAT, and a probe when the
// socket is quiet), writes call records, and offers typed commands whose
// failures come back as values.
//
// Recovery is quick on purpose: FreeSWITCH runs beside us, usually on the same
// board, so a reconnect attempt is cheap, and every second spent backing off
// is a second an emergency call cannot be placed. The backoff is capped at
// 1 s: calling resumes within about a second of the event socket accepting.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBus } from '../events/bus.js';
import type { HealthRegistry } from '../health/health.js';
import type { Component } from '../lifecycle/components.js';
import { Sleeper } from '../lifecycle/sleeper.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { phrase, type Phrase } from '../contracts/phrases/index.js';
import * as cmd from './commands/builders.js';
import { CommandValueError, uuid as checkUuid } from './commands/grammar.js';
import { eventName } from './channel-event.js';
import { CallRecorder, recordFromHangup, recordFromVanished } from './call-recorder.js';
import { EslClient, type EslOutcome } from './esl/esl-client.js';
import type { EslEvent } from './esl/frame-parser.js';
import { LiveChannels, type ChannelTags, type ShowChannelsRow } from './live-channels.js';
import { RegistrationBook } from './registrations.js';
import type { SipRegistration } from '../contracts/registrations.js';
import { parseGatewayStatus, type SofiaGateway } from './sofia-status.js';

export type CommandOutcome<T> = EslOutcome<T> | { ok: false; reason: 'invalid'; message: string };

export interface GatewayOptions {
  host: string;
  port: number;
  password: string;
  recordingsDir: string;
  /** FreeSWITCH sends HEARTBEAT every 20 s; silence longer than this means it is hung. */
  heartbeatTimeoutMs?: number;
  /** A quiet socket is probed (`api status`) this often; no answer within probeTimeoutMs means hung. */
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** After "event socket refused the password": retry this rarely (someone must fix the password). */
  authRetryMs?: number;
  commandTimeoutMs?: number;
}

/** Events the gateway needs. */
export const SUBSCRIBED = [
  'CHANNEL_CREATE', 'CHANNEL_OUTGOING', 'CHANNEL_ORIGINATE', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER',
  'CHANNEL_CALLSTATE', 'CHANNEL_BRIDGE', 'CHANNEL_UNBRIDGE', 'CHANNEL_HOLD', 'CHANNEL_UNHOLD', 'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_DESTROY', 'DTMF', 'RECORD_START', 'RECORD_STOP', 'HEARTBEAT', 'BACKGROUND_JOB',
  // The running state (CS_EXECUTE, CS_EXCHANGE_MEDIA…) changes only in CHANNEL_STATE; parking is how
  // our dialplan hands a call (the SOS hotline) to the daemon.
  'CHANNEL_STATE', 'CHANNEL_PARK', 'CHANNEL_UNPARK',
  'CUSTOM', 'conference::maintenance', 'sofia::register', 'sofia::unregister', 'sofia::expire',
];

/** The state of the link to FreeSWITCH, for those who must react at once (escalation, supervision). */
export type PbxLink = 'up' | 'down' | 'hung';

/** An inbound call our dialplan parked for the daemon (variables set by provisioning/src/dialplan.ts). */
export interface ParkedCall {
  uuid: string;
  /** callpoint_call: `alarm` for the SOS hotline, `routed` for the rest. */
  kind: string;
  /** callpoint_point of a hotline call. */
  point: string | null;
  callerNumber: string | null;
  /** callpoint_queue: the ACD queue the route sent the call to (provisioning/src/route-extension.ts). */
  queue: string | null;
  /** callpoint_queue_skill: the skill the route says the call needs. */
  skill: string | null;
  /** An emergency for the queue: callpoint_queue_urgency, or a routed call of emergency priority. */
  emergency: boolean;
  /** callpoint_zone: the caller's zone (a phone's directory variable). */
  zone: string | null;
}

/** A phone registered, unregistered or let its registration expire (sofia::register/unregister/expire). */
export interface RegistrationChange {
  extension: string;
  registered: boolean;
  how: 'register' | 'unregister' | 'expire';
}

export interface GatewayDeps {
  store: Store;
  health: HealthRegistry;
  bus: EventBus;
  log: Logger;
}

export class FreeswitchGateway implements Component {
  readonly name = 'freeswitch';
  readonly channels: LiveChannels;
  readonly recorder: CallRecorder;
  private client: EslClient | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly sleeper = new Sleeper();
  private readonly registrationBook = new RegistrationBook();
  private lastHeartbeat = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private hung = false;
  /** Listeners of DTMF, for the alarm service's acknowledgement digit. */
  private readonly dtmfListeners = new Set<(uuid: string, digit: string) => void>();
  private readonly linkListeners = new Set<(link: PbxLink) => void>();
  private readonly parkListeners = new Set<(p: ParkedCall) => void>();
  private readonly registrationListeners = new Set<(r: RegistrationChange) => void>();
  /** Anything heard from FreeSWITCH (event or reply), ms monotonic: a quiet socket gets probed. */
  private lastHeard = 0;
  private probing = false;
  /** When the connection was lost (wall clock), and FreeSWITCH's Core-UUID before: closing the calls that vanished. */
  private lostAt: Date | undefined;
  private coreUuid: string | undefined;

  constructor(
    private readonly o: GatewayOptions,
    private readonly d: GatewayDeps,
  ) {
    this.channels = new LiveChannels((uuid, ch) => d.bus.emit('channel', { uuid, channel: ch }));
    this.recorder = new CallRecorder(d.store, d.log, (records) => {
      for (const r of records) d.bus.emit('call', r);
    });
  }

  get connected(): boolean {
    return !!this.client?.connected;
  }

  /** Connected, and FreeSWITCH answers (not frozen). */
  get link(): PbxLink {
    return !this.connected || !this.synced ? 'down' : this.hung ? 'hung' : 'up';
  }

  onLink(fn: (link: PbxLink) => void): () => void {
    this.linkListeners.add(fn);
    return () => this.linkListeners.delete(fn);
  }

  onParked(fn: (p: ParkedCall) => void): () => void {
    this.parkListeners.add(fn);
    return () => this.parkListeners.delete(fn);
  }

  onRegistration(fn: (r: RegistrationChange) => void): () => void {
    this.registrationListeners.add(fn);
    return () => this.registrationListeners.delete(fn);
  }

  private emitLink(): void {
    const l = this.link;
    for (const fn of this.linkListeners) {
      try {
        fn(l);
      } catch (err) {
        this.d.log.error({ err }, 'a link listener failed');
      }
    }
  }

  private synced = false;
  private readonly syncWaiters = new Set<() => void>();

  /** Resolves true once connected and the live table resynchronised (now, if already), false after `ms`. */
  whenReady(ms: number): Promise<boolean> {
    if (this.synced && this.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.syncWaiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.syncWaiters.delete(done);
        resolve(false);
      }, ms);
      this.syncWaiters.add(done);
    });
  }

  async start(): Promise<void> {
    await mkdir(this.o.recordingsDir, { recursive: true, mode: 0o750 });
    this.d.health.set('freeswitch', 'down', `connecting to ${this.o.host}:${this.o.port}`, phrase('health.freeswitch.connecting', { where: `${this.o.host}:${this.o.port}` }));
    this.loop = this.run();
    const every = Math.min(1000, this.heartbeatTimeout / 4);
    this.heartbeatTimer = setInterval(() => this.checkHeartbeat(), every);
    this.heartbeatTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeatTimer);
    this.client?.close();
    this.sleeper.wake();
    await this.loop;
    await this.recorder.flush();
  }

  private get heartbeatTimeout(): number {
    return this.o.heartbeatTimeoutMs ?? 45_000;
  }


  private async run(): Promise<void> {
    let attempt = 0;
    const where = `${this.o.host}:${this.o.port}`;
    while (!this.stopping) {
      const r = await EslClient.connect({ host: this.o.host, port: this.o.port, password: this.o.password, timeoutMs: 5000 });
      if (this.stopping) {
        if (r.ok) r.client.close();
        return;
      }
      if (!r.ok) {
        attempt++;
        const base = Math.min(this.o.backoffMaxMs ?? 1000, (this.o.backoffBaseMs ?? 250) * 2 ** Math.min(attempt - 1, 16));
        const delay = r.reason === 'auth' ? (this.o.authRetryMs ?? 60_000) : Math.round(base / 2 + Math.random() * (base / 2));
        // The bound of the wait, not this attempt's jittered delay: the same outage is the same health
        // (a text changing at every attempt sent every UI and central a new snapshot each second).
        const withinS = Math.max(1, Math.ceil((this.o.backoffMaxMs ?? 1000) / 1000));
        const detail = r.reason === 'auth' ? `event socket refused the password (${where}); retrying in ${Math.round(delay / 1000)} s — check freeswitch.password` : `${r.message}; trying again within ${withinS} s`;
        this.d.health.set('freeswitch', 'down', detail, phrase(r.reason === 'auth' ? 'health.freeswitch.auth' : 'health.freeswitch.unreachable', { where, retryS: withinS }));
        (r.reason === 'auth' ? this.d.log.error.bind(this.d.log) : attempt === 1 ? this.d.log.warn.bind(this.d.log) : this.d.log.debug.bind(this.d.log))({ attempt, delayMs: delay, reason: r.reason }, detail);
        await this.sleeper.sleep(delay);
        continue;
      }
      attempt = 0;
      const client = r.client;
      this.client = client;
      const closed = new Promise<string>((resolve) => client.onClose(resolve));
      client.onEvent((e) => this.onEvent(e));
      this.lastHeartbeat = performance.now();
      this.lastHeard = performance.now();
      this.hung = false;
      const sub = await client.subscribe(SUBSCRIBED);
      if (!sub.ok) {
        this.d.log.error({ reason: sub.reason, message: sub.message }, 'event subscription failed; reconnecting');
        client.close();
      } else {
        await this.resync(client);
        if (client.connected) {
          this.synced = true;
          this.lostAt = undefined;
          for (const w of [...this.syncWaiters]) w();
          this.d.log.info({ host: this.o.host, port: this.o.port, channels: this.channels.size }, 'connected to FreeSWITCH');
          this.reportUp();
          this.emitLink();
        }
      }
      const why = await closed;
      this.client = undefined;
      const wasUp = this.synced;
      this.synced = false;
      this.lostAt ??= new Date();
      if (this.stopping) return;
      this.d.log.warn({ why }, 'lost the FreeSWITCH event socket; reconnecting');
      this.d.health.set('freeswitch', 'down', `connection lost (${why}); reconnecting`, phrase('health.freeswitch.lost'));
      if (wasUp) this.emitLink();
      await this.sleeper.sleep(Math.round(50 + Math.random() * 100));
    }
  }

  /** After (re)connecting: make the live table equal FreeSWITCH's, and close calls that ended unseen. */
  private async resync(client: EslClient): Promise<void> {
    const requestedAt = performance.now();
    // Did FreeSWITCH restart while we were away? Then every call we knew died with it.
    const core = await client.api(cmd.coreUuid(), 5000);
    const newCore = core.ok ? core.value.trim() : undefined;
    const restarted = !!(newCore && this.coreUuid && newCore !== this.coreUuid);
    if (newCore) this.coreUuid = newCore;
    const r = await client.api(cmd.showChannels(), 10_000);
    if (!r.ok) {
      this.d.log.error({ reason: r.reason, message: r.message }, 'cannot list channels for resync');
      return;
    }
    let rows: ShowChannelsRow[];
    try {
      rows = ((JSON.parse(r.value) as { rows?: ShowChannelsRow[] }).rows ?? []);
    } catch {
      this.d.log.error({ body: r.value.slice(0, 200) }, 'show channels returned no JSON');
      return;
    }
    const { added, vanished } = this.channels.resync(rows, requestedAt);
    // A call that vanished ended while we could not see: with a restart, when FreeSWITCH died (about when
    // the socket dropped), cause CRASH; without one, some time before now, cause unknown to us.
    const end = restarted && this.lostAt ? { at: this.lostAt, cause: 'CRASH' } : { at: new Date(), cause: 'NORMAL_UNSPECIFIED' };
    for (const ch of vanished) {
      if (ch.name.startsWith('loopback/') && ch.name.endsWith('-b')) continue;
      this.recorder.add(recordFromVanished(ch, end.at, end.cause));
    }
    if (added || vanished.length) this.d.log.warn({ added, vanished: vanished.length, restarted }, 'resynchronised live channels: events were missed while disconnected');
  }

  private reportUp(): void {
    this.d.health.set('freeswitch', 'ok', `connected to ${this.o.host}:${this.o.port}`, phrase('health.freeswitch.ok', { where: `${this.o.host}:${this.o.port}` }));
  }

  private checkHeartbeat(): void {
    const client = this.client;
    if (!client?.connected || !this.synced) return;
    const silent = performance.now() - this.lastHeartbeat;
    if (silent > this.heartbeatTimeout && !this.hung) this.markHung(`no HEARTBEAT for ${Math.round(silent / 1000)} s`, phrase('health.freeswitch.hung', { seconds: Math.round(silent / 1000) }));
    // A quiet socket: ask something cheap. A frozen FreeSWITCH (SIGSTOP, a deadlock) keeps the
    // socket open and answers nothing; HEARTBEAT alone would take 45 s to tell.
    const quiet = performance.now() - this.lastHeard;
    if (!this.probing && quiet >= (this.o.probeIntervalMs ?? 5000)) {
      this.probing = true;
      const timeout = this.o.probeTimeoutMs ?? 5000;
      void client.api(cmd.status(), timeout).then((r) => {
        this.probing = false;
        if (r.ok) this.heard();
        else if (r.reason === 'timeout' && client === this.client && !this.hung) this.markHung(`no answer to a status request for ${Math.round((quiet + timeout) / 1000)} s`, phrase('health.freeswitch.noAnswer', { seconds: Math.round((quiet + timeout) / 1000) }));
      });
    }
  }

  private markHung(why: string, said: Phrase): void {
    this.hung = true;
    this.d.log.error({ why }, 'FreeSWITCH does not answer: it may be hung');
    this.d.health.set('freeswitch', 'down', `FreeSWITCH hung: ${why}`, said);
    this.emitLink();
  }

  /** Something came from FreeSWITCH: it is alive. */
  private heard(): void {
    this.lastHeard = performance.now();
    if (this.hung) {
      this.hung = false;
      this.lastHeartbeat = performance.now();
      this.d.log.info('FreeSWITCH answers again');
      this.reportUp();
      this.emitLink();
    }
  }

  private onEvent(e: EslEvent): void {
    const name = eventName(e);
    const h = e.headers;
    this.heard();
    switch (name) {
      case 'HEARTBEAT':
        this.lastHeartbeat = performance.now();
        return;
      case 'CHANNEL_PARK': {
        this.channels.apply(name, h);
        const uuid = h['Unique-ID'];
        const kind = h.variable_callpoint_call;
        if (uuid && kind && h['Call-Direction'] === 'inbound') {
          const p: ParkedCall = {
            uuid, kind, point: h.variable_callpoint_point ?? null, callerNumber: h['Caller-Caller-ID-Number'] ?? null,
            queue: h.variable_callpoint_queue ?? null, skill: h.variable_callpoint_queue_skill ?? null, emergency: h.variable_callpoint_queue_urgency === 'emergency' || h.variable_callpoint_priority === 'emergency', zone: h.variable_callpoint_zone ?? null,
          };
          for (const fn of this.parkListeners) fn(p);
        }
        return;
      }
      case 'CUSTOM sofia::register':
      case 'CUSTOM sofia::unregister':
      case 'CUSTOM sofia::expire': {
        const extension = h['from-user'] ?? h.username ?? h.user;
        if (!extension) return;
        const how = name === 'CUSTOM sofia::register' ? 'register' : name === 'CUSTOM sofia::unregister' ? 'unregister' : 'expire';
        for (const fn of this.registrationListeners) fn({ extension, registered: how === 'register', how });
        return;
      }
      case 'CHANNEL_HANGUP_COMPLETE': {
        const uuid = h['Unique-ID'];
        const rec = recordFromHangup(h, uuid ? (this.channels.get(uuid)?.recording ?? null) : null);
        if (rec) this.recorder.add(rec);
        this.channels.apply(name, h);
        return;
      }
      case 'DTMF': {
        const uuid = h['Unique-ID'];
        const digit = h['DTMF-Digit'];
        if (uuid && digit) for (const fn of this.dtmfListeners) fn(uuid, digit);
        return;
      }
      default:
        this.channels.apply(name, h);
    }
  }

  onDtmf(fn: (uuid: string, digit: string) => void): () => void {
    this.dtmfListeners.add(fn);
    return () => this.dtmfListeners.delete(fn);
  }

  /** Build (grammar-checked) and send. A value outside the grammar never reaches the socket. */
  private async send(build: () => cmd.SafeCommand, opts: { background?: boolean; timeoutMs?: number } = {}): Promise<CommandOutcome<string>> {
    let text: cmd.SafeCommand;
    try {
      text = build();
    } catch (e) {
      if (e instanceof CommandValueError) return { ok: false, reason: 'invalid', message: e.message };
      throw e;
    }
    const client = this.client;
    if (!client?.connected) return { ok: false, reason: 'disconnected', message: 'not connected to FreeSWITCH' };
    const timeout = opts.timeoutMs ?? this.o.commandTimeoutMs ?? 5000;
    const r = await (opts.background ? client.bgapi(text, timeout) : client.api(text, timeout));
    if (r.ok || r.reason === 'rejected') this.heard();
    return r;
  }

  private async ok(build: () => cmd.SafeCommand, opts?: { background?: boolean; timeoutMs?: number }): Promise<CommandOutcome<void>> {
    const r = await this.send(build, opts);
    return r.ok ? { ok: true, value: undefined } : r;
  }

  /** Place a call. Resolves when FreeSWITCH reports the outcome (answered, or the cause it failed with). */
  async originate(o: cmd.OriginateOptions): Promise<CommandOutcome<{ uuid: string }>> {
    let built: { command: cmd.SafeCommand; uuid: string };
    try {
      built = cmd.originate(o);
    } catch (e) {
      if (e instanceof CommandValueError) return { ok: false, reason: 'invalid', message: e.message };
      throw e;
    }
    const ring = (o.timeoutS ?? 60) * 1000;
    // Our own tags first: the leg's first events (CHANNEL_OUTGOING, CHANNEL_STATE) carry no variables.
    const alarmId = o.variables?.callpoint_alarm_id;
    const zone = o.variables?.callpoint_zone;
    if (alarmId || zone) this.channels.tag(built.uuid, { alarmId, zone });
    const r = await this.send(() => built.command, { background: true, timeoutMs: ring + 15_000 });
    if (!r.ok) {
      if (!this.channels.get(built.uuid)) this.channels.untag(built.uuid);
      return r;
    }
    return { ok: true, value: { uuid: built.uuid } };
  }

  /** Tag a live channel with what Callpoint knows of it (a hotline call taken over for an alarm). */
  tag(uuid: string, tags: ChannelTags): void {
    this.channels.tag(uuid, tags);
  }

  /** Answer an inbound leg waiting unanswered (the SOS hotline parked by our dialplan). */
  answer(uuid: string) {
    return this.ok(() => cmd.answer(uuid));
  }

  /** Every SIP registration FreeSWITCH holds now (registrations.ts). */
  async registrations(): Promise<CommandOutcome<SipRegistration[]>> {
    const r = await this.send(() => cmd.showRegistrations());
    if (!r.ok) return r;
    const list = this.registrationBook.read(r.value);
    return list ? { ok: true, value: list } : { ok: false, reason: 'rejected', message: `show registrations answered no JSON: ${r.value.slice(0, 80)}` };
  }

  /** Is this extension registered (a SIP phone that could ring now)? */
  async registered(extension: string): Promise<CommandOutcome<boolean>> {
    const r = await this.send(() => cmd.sofiaContact(extension));
    return r.ok ? { ok: true, value: !r.value.trim().startsWith('error/') } : r;
  }

  /** FreeSWITCH reads its XML again (directory, dialplan) after a configuration change; calls are not touched. */
  async reloadXml(): Promise<CommandOutcome<void>> {
    const r = await this.send(() => cmd.reloadXml(), { timeoutMs: 15_000 });
    if (!r.ok) return r;
    const o = cmd.reloadXmlOutcome(r.value);
    return o.ok ? { ok: true, value: undefined } : { ok: false, reason: 'rejected', message: `FreeSWITCH kept its old XML: ${o.error}` };
  }

  /** Every sofia gateway (our trunks) with its registration and ping state. */
  async gatewayStatus(): Promise<CommandOutcome<SofiaGateway[]>> {
    const r = await this.send(() => cmd.sofiaGatewayStatus());
    if (!r.ok) return r;
    const gateways = parseGatewayStatus(r.value);
    return gateways ? { ok: true, value: gateways } : { ok: false, reason: 'rejected', message: r.value.trim().slice(0, 200) || 'no gateway status' };
  }

  hangup(uuid: string, cause?: Parameters<typeof cmd.hangup>[1]) {
    return this.ok(() => cmd.hangup(uuid, cause));
  }
  /** 强拆: release a lower-priority call (audited by the caller). */
  forceRelease(uuid: string) {
    return this.ok(() => cmd.forceRelease(uuid));
  }
  transfer(uuid: string, destination: string, leg?: 'aleg' | 'bleg' | 'both') {
    return this.ok(() => cmd.transfer(uuid, destination, leg));
  }
  bridge(a: string, b: string) {
    return this.ok(() => cmd.bridge(a, b));
  }
  hold(uuid: string, on: boolean) {
    return this.ok(() => cmd.hold(uuid, on));
  }
  playTone(uuid: string, tone: cmd.ToneName, leg?: 'aleg' | 'bleg' | 'both') {
    return this.ok(() => cmd.playTone(uuid, tone, leg));
  }
  playFile(uuid: string, path: string, leg?: 'aleg' | 'bleg' | 'both') {
    return this.ok(() => cmd.playFile(uuid, path, leg));
  }
  sendDtmf(uuid: string, digits: string) {
    return this.ok(() => cmd.sendDtmf(uuid, digits));
  }

  /** Start recording a call into the data directory; the path is linked to the call record. */
  async recordStart(uuid: string): Promise<CommandOutcome<{ path: string }>> {
    try {
      checkUuid('uuid', uuid);
    } catch (e) {
      return { ok: false, reason: 'invalid', message: (e as Error).message };
    }
    const day = new Date().toISOString().slice(0, 10);
    const dir = join(this.o.recordingsDir, day);
    await mkdir(dir, { recursive: true, mode: 0o750 });
    const path = join(dir, `${uuid}.wav`);
    const r = await this.ok(() => cmd.recordStart(uuid, path));
    if (!r.ok) return r;
    const ch = this.channels.get(uuid);
    if (ch) ch.recording = path;
    return { ok: true, value: { path } };
  }

  async recordStop(uuid: string): Promise<CommandOutcome<void>> {
    const path = this.channels.get(uuid)?.recording;
    if (!path) return { ok: false, reason: 'rejected', message: 'this call is not being recorded' };
    return this.ok(() => cmd.recordStop(uuid, path));
  }

  conferenceList(conf: string) {
    return this.send(() => cmd.conferenceList(conf));
  }
  conferenceKick(conf: string, member: string | number) {
    return this.ok(() => cmd.conferenceKick(conf, member));
  }
  conferenceMute(conf: string, member: string | number, mute: boolean) {
    return this.ok(() => cmd.conferenceMute(conf, member, mute));
  }
  /** Bring a phone into a conference (creating it if needed). */
  conferenceJoin(conf: string, target: cmd.Target, timeoutS = 30) {
    return this.originate({ target, app: { app: 'conference', name: conf }, timeoutS });
  }

  /** 监听 listen / 耳语 whisper / 强插 barge: the supervisor's phone is called and joins the call. */
  monitor(uuid: string, supervisor: string, mode: 'listen' | 'whisper' | 'barge', timeoutS = 30) {
    const app: cmd.OriginateApp = mode === 'barge' ? { app: 'three_way', uuid } : { app: 'eavesdrop', uuid, mode };
    return this.originate({ target: { kind: 'extension', number: supervisor }, app, timeoutS, callerIdName: mode === 'barge' ? 'Barge' : 'Monitor' });
  }

  /** Paging: every extension is auto-answered into one conference, then the announcement plays. */
  async page(conf: string, extensions: string[], announcement: string): Promise<CommandOutcome<{ legs: number }>> {
    let legs: cmd.SafeCommand[];
    try {
      legs = cmd.pageLegs(conf, extensions);
      cmd.conferencePlay(conf, announcement);
    } catch (e) {
      if (e instanceof CommandValueError) return { ok: false, reason: 'invalid', message: e.message };
      throw e;
    }
    const results = await Promise.all(legs.map((c) => this.send(() => c, { background: true, timeoutMs: 40_000 })));
    const answered = results.filter((r) => r.ok).length;
    if (!answered) return results.find((r) => !r.ok) as CommandOutcome<{ legs: number }>;
    const play = await this.ok(() => cmd.conferencePlay(conf, announcement));
    return play.ok ? { ok: true, value: { legs: answered } } : play;
  }
}
