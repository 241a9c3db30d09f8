// FreeSwitchEmulator: a TCP server speaking mod_event_socket (inbound), with
// simulated phones and channels. A test and demo tool: no SIP, no media.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { runApi, statusText, type ApiContext } from './api.js';
import { CallEngine } from './call-engine.js';
import { FREESWITCH_VERSION } from './capture-data.js';
import { snapshot, type Channel, type ChannelSnapshot } from './channel.js';
import { Conferences } from './conference.js';
import { EslSession } from './esl-session.js';
import { EventFactory, type EmittedEvent } from './events.js';
import { Features } from './features.js';
import { Originator } from './originate.js';
import { Phone, type PhoneConfig, type RegistrationEvent } from './phone.js';
import { registrationEvents } from './registration.js';
import { DialplanRunner } from './dialplan-apps.js';
import { XmlDialplan } from './dialplan.js';
import type { FreeswitchConfig } from './fs-config.js';
import { SimGateways, type SimGateway } from './gateways.js';

export interface FreeSwitchEmulatorOptions {
  password: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  heartbeatMs?: number;
  phones?: PhoneConfig[];
  /** Relative uuid_record paths are resolved here. */
  recordingsDir?: string;
  /** FreeSWITCH-Hostname of the events. Default: this machine's name. */
  hostname?: string;
  /** The SIP domain of user/<ext> channels. Default 127.0.0.1. */
  domain?: string;
  /**
   * The FreeSWITCH configuration to run (readFreeswitchConfig of the
   * provisioned files): phones' calls and calls from gateways are routed by
   * the XML dialplan through the xml_curl binding, with the static contexts as
   * the fallback; the gateways answer `sofia xmlstatus gateway`. Without it a
   * phone's call to another phone is bridged and anything else parked.
   */
  config?: FreeswitchConfig;
}

export interface FreeSwitchEmulatorEvents {
  command: [text: string];
  event: [ev: EmittedEvent];
}

export class FreeSwitchEmulator extends EventEmitter<FreeSwitchEmulatorEvents> {
  private server: Server | undefined;
  private readonly sessions = new Set<EslSession>();
  private readonly phoneMap = new Map<string, Phone>();
  private heartbeat: NodeJS.Timeout | undefined;
  private listenPort: number;
  private factory: EventFactory;
  private readonly engine: CallEngine;
  private readonly conferences: Conferences;
  private readonly features: Features;
  private readonly originator: Originator;
  private readonly startedAt = performance.now();
  /** The trunks' far ends (the configuration's sofia gateways). */
  readonly gateways: SimGateways;
  private readonly dialplan: XmlDialplan | undefined;
  private readonly runner: DialplanRunner;
  private readonly hostname: string;
  /** SIGSTOP: no reply, no event, no HEARTBEAT until thaw(); events meanwhile are delivered then. */
  private frozen: { held: EmittedEvent[]; thawed: Promise<void>; thaw: () => void } | undefined;
  private readonly phonePorts = new Map<string, number>();

  constructor(private readonly opts: FreeSwitchEmulatorOptions) {
    super();
    this.listenPort = opts.port ?? 0;
    this.hostname = opts.hostname ?? osHostname();
    this.factory = new EventFactory(randomUUID(), this.hostname);
    const domain = opts.domain ?? '127.0.0.1';
    this.engine = new CallEngine({
      factory: this.factory,
      emit: (ev) => this.broadcast(ev),
      phones: this.phoneMap,
      domain,
      runApp: (c, app, data) => this.features.runApp(c, app, data),
      beforeHangup: (c) => this.features.beforeHangup(c),
      onHangup: (c) => this.features.onHangup(c),
    });
    // The engine reads the factory through its host; keep one instance (crash() swaps Core-UUID).
    this.conferences = new Conferences(this.engine, this.factory, (ev) => this.broadcast(ev));
    this.features = new Features(this.engine, this.conferences, this.phoneMap, opts.recordingsDir);
    this.gateways = new SimGateways(opts.config?.gateways ?? []);
    this.originator = new Originator(this.engine, this.phoneMap, {
      runApp: (c, app, data) => this.features.runApp(c, app, data),
      phoneKeys: (c, digits) => this.features.dtmfOn(c, digits, 'RTP'),
    }, this.gateways);
    this.dialplan = opts.config ? new XmlDialplan(opts.config) : undefined;
    this.runner = new DialplanRunner(this.engine, this.originator, this.features);
    for (const p of opts.phones ?? []) this.addPhone(p);
  }

  addPhone(cfg: PhoneConfig): Phone {
    const phone = new Phone(cfg.number, cfg, {
      ringingLegOf: (n) => this.legOf(n, (c) => !c.answeredUs && !!c.onAnswer),
      liveLegOf: (n) => this.legOf(n, () => true),
      answerLeg: (uuid) => {
        const c = this.engine.channels.get(uuid);
        if (!c || c.answeredUs || !c.onAnswer) return false;
        c.onAnswer();
        return true;
      },
      hangupLeg: (uuid, cause) => {
        const c = this.engine.channels.get(uuid);
        if (!c) return false;
        this.engine.hangup(c, cause);
        return true;
      },
      phoneDtmf: (uuid, digits) => {
        const c = this.engine.channels.get(uuid);
        if (c) this.features.dtmfOn(c, digits, 'RTP');
      },
      phoneDial: (n, dest) => this.phoneDial(n, dest),
      registration: (p, e) => this.registration(p, e),
    });
    this.phoneMap.set(cfg.number, phone);
    return phone;
  }

  private legOf(number: string, pred: (c: Channel) => boolean): string | undefined {
    for (const c of this.engine.channels.values()) if (c.phone === number && !c.hangupCause && pred(c)) return c.uuid;
    return undefined;
  }

  phone(number: string): Phone {
    const p = this.phoneMap.get(number);
    if (!p) throw new Error(`no simulated phone ${number}`);
    return p;
  }

  phones(): Phone[] {
    return [...this.phoneMap.values()];
  }

  get port(): number {
    return this.listenPort;
  }

  get coreUuid(): string {
    return this.factory.coreUuid;
  }

  async start(): Promise<{ port: number }> {
    await this.listen();
    const ms = this.opts.heartbeatMs ?? 20000;
    if (ms > 0 && !this.heartbeat) {
      this.heartbeat = setInterval(() => this.sendHeartbeat(), ms);
      this.heartbeat.unref();
    }
    return { port: this.listenPort };
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer((sock) => this.accept(sock));
      server.once('error', reject);
      server.listen(this.listenPort, this.opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        const addr = server.address();
        if (addr && typeof addr === 'object') this.listenPort = addr.port;
        this.server = server;
        resolve();
      });
    });
  }

  private closeServer(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.dropConnections();
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.thaw();
    for (const p of this.phoneMap.values()) p.dispose();
    this.engine.vanish();
    await this.closeServer();
  }

  /** Close every event-socket connection; calls stay up. */
  dropConnections(): void {
    for (const s of this.sessions) s.destroy();
    this.sessions.clear();
  }

  /** The event socket goes away and comes back on the same port; calls stay up. Also brings a stayDown crash back. */
  async restart(opts: { downMs?: number } = {}): Promise<void> {
    await this.closeServer();
    if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
    await this.listen();
  }

  /**
   * FreeSWITCH dies: every channel vanishes without a single event, sockets
   * drop. It comes back (new Core-UUID, same port) at once, after downMs, or —
   * with stayDown — only when restart() is called.
   */
  async crash(opts: { downMs?: number; stayDown?: boolean } = {}): Promise<void> {
    this.engine.vanish();
    this.conferences.reset();
    await this.closeServer();
    this.factory.coreUuid = randomUUID();
    if (opts.stayDown) return;
    if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
    await this.listen();
  }

  /** FreeSWITCH stops (SIGSTOP): its sockets stay open, but it answers nothing and sends nothing. */
  freeze(): void {
    if (this.frozen) return;
    let thaw = (): void => undefined;
    const thawed = new Promise<void>((r) => (thaw = r));
    this.frozen = { held: [], thawed, thaw };
  }

  /** SIGCONT: the commands and events that waited go out now. */
  thaw(): void {
    const f = this.frozen;
    if (!f) return;
    this.frozen = undefined;
    for (const ev of f.held) this.broadcast(ev);
    f.thaw();
  }

  /** Whether the event socket is listening. */
  get listening(): boolean {
    return !!this.server;
  }

  channels(): ChannelSnapshot[] {
    return [...this.engine.channels.values()].map(snapshot);
  }

  /** A live channel's snapshot, or undefined. */
  channel(uuid: string): ChannelSnapshot | undefined {
    const c = this.engine.channels.get(uuid);
    return c ? snapshot(c) : undefined;
  }

  /** Run an API command as if sent with `api` (for demos and tests). */
  api(command: string, args = ''): Promise<string> {
    return runApi(this.apiContext(), command, args);
  }

  private apiContext(): ApiContext {
    return {
      engine: this.engine, originator: this.originator, features: this.features, conferences: this.conferences,
      startedAt: this.startedAt, hostname: this.hostname,
      isRegistered: (user) => this.phoneMap.get(user)?.isRegistered,
      coreUuid: () => this.factory.coreUuid,
      phones: () => this.phoneMap.values(), domain: this.opts.domain ?? '127.0.0.1',
      // switch_xml_open_root fires RELOADXML after a reload that parsed.
      reloaded: () => this.broadcast(this.factory.make('RELOADXML')),
      gateways: this.gateways,
    };
  }

  private accept(sock: Socket): void {
    const session: EslSession = new EslSession(sock, {
      password: this.opts.password,
      onCommand: (text) => this.emit('command', text),
      api: (cmd, args) => runApi(this.apiContext(), cmd, args),
      backgroundJob: (job, cmd, args, result) => this.broadcast(this.factory.make('BACKGROUND_JOB', {
        extra: { 'Job-UUID': job, 'Job-Command': cmd, 'Job-Command-Arg': args }, body: result,
      })),
      apiEvent: (cmd, args) => this.broadcast(this.factory.make('API', {
        extra: { 'API-Command': cmd, 'API-Command-Argument': args || undefined },
      })),
      sendmsg: (uuid, headers) => this.sendmsg(uuid, headers),
      closed: (s) => this.sessions.delete(s),
      gate: () => this.frozen?.thawed ?? Promise.resolve(),
    });
    this.sessions.add(session);
  }

  private sendmsg(uuid: string, headers: Map<string, string>): string {
    const c = this.engine.channels.get(uuid);
    if (!c) return `-ERR invalid session id [${uuid}]`;
    const cmd = headers.get('call-command');
    if (cmd === 'hangup') {
      this.engine.hangup(c, headers.get('hangup-cause') ?? 'NORMAL_CLEARING');
    } else if (cmd === 'execute') {
      const app = headers.get('execute-app-name') ?? '';
      const arg = headers.get('execute-app-arg') ?? '';
      setImmediate(() => { if (this.engine.channels.has(c.uuid)) this.features.runApp(c, app, arg); });
    } else if (cmd === 'unicast' || cmd === 'nomedia') {
      // Accepted and ignored: no media here.
    } else {
      return '-ERR invalid command';
    }
    return '+OK';
  }

  private broadcast(ev: EmittedEvent): void {
    if (this.frozen) {
      this.frozen.held.push(ev);
      return;
    }
    this.emit('event', ev);
    for (const s of this.sessions) s.deliver(ev);
  }

  private registration(phone: Phone, e: RegistrationEvent): void {
    const site = {
      factory: this.factory,
      domain: this.engine.domain,
      portOf: (p: Phone) => {
        let port = this.phonePorts.get(p.number);
        if (!port) this.phonePorts.set(p.number, (port = 40000 + 2 * this.phonePorts.size));
        return port;
      },
    };
    for (const ev of registrationEvents(site, phone, e)) this.broadcast(ev);
  }

  private sendHeartbeat(): void {
    if (this.frozen) return;
    const e = this.engine;
    const status = statusText(this.apiContext());
    const up = /^UP (.*)$/m.exec(status)?.[1] ?? '';
    this.broadcast(this.factory.make('HEARTBEAT', {
      extra: {
        'Event-Info': 'System Ready', 'Up-Time': up, 'FreeSWITCH-Version': FREESWITCH_VERSION,
        'Uptime-msec': String(Math.floor(performance.now() - this.startedAt)), 'Session-Count': String(e.channels.size),
        'Max-Sessions': '1000', 'Session-Per-Sec': '30', 'Session-Per-Sec-Last': '0', 'Session-Per-Sec-Max': String(e.peakSessions),
        'Session-Per-Sec-FiveMin': String(e.peakSessions), 'Session-Since-Startup': String(e.sessionsSinceStartup),
        'Session-Peak-Max': String(e.peakSessions), 'Session-Peak-FiveMin': String(e.peakSessions), 'Idle-CPU': '99.000000',
      },
    }));
  }

  /** The far end of a gateway (a trunk). */
  gateway(name: string): SimGateway {
    const g = this.gateways.get(name);
    if (!g) throw new Error(`no gateway ${name} in the emulator's configuration`);
    return g;
  }

  /**
   * A call arrives from a trunk: an inbound leg on the external profile from
   * the gateway (sofia matched it: sip_gateway, the gateway's inbound
   * variables), to the called number (extension=auto_to_user), in the
   * gateway's context. Returns its uuid.
   */
  trunkCall(gatewayName: string, from: string, did: string): string {
    const g = this.gateway(gatewayName);
    const e = this.engine;
    const host = (g.def.params.proxy ?? '192.0.2.1').split(':')[0]!;
    const c = e.newChannel({
      name: `sofia/external/${from || 'anonymous'}@${host}`, kind: 'sofia', direction: 'inbound', destination: did, hitDialplan: true,
      callerIdNumber: from || 'anonymous', callerIdName: from, calleeIdName: '', calleeIdNumber: '', networkAddr: host, dialplan: 'XML', source: 'mod_sofia', codec: true,
    });
    g.callsIn++;
    c.vars.set('sip_gateway', g.name);
    for (const [k, v] of g.variables('inbound')) c.vars.set(k, v);
    const context = g.def.params.context ?? 'public';
    c.context = context;
    e.setState(c, 'CS_INIT');
    e.ev('CHANNEL_CREATE', c);
    e.setCallState(c, 'RINGING');
    e.setState(c, 'CS_ROUTING');
    void this.route(c, context);
    return c.uuid;
  }

  /** Hunt the dialplan for this channel and run what it says (CS_ROUTING → CS_EXECUTE). */
  private async route(c: Channel, context: string): Promise<void> {
    const e = this.engine;
    const hunt = await this.dialplan!.hunt(c, context);
    if (!e.channels.has(c.uuid) || c.hangupCause) return;
    c.vars.set('callpoint_emulator_dialplan', hunt.source);
    if (!hunt.actions.length) {
      // "No Route, Aborting" (switch_core_state_machine.c).
      e.hangup(c, 'NO_ROUTE_DESTINATION');
      return;
    }
    e.setState(c, 'CS_EXECUTE');
    await this.runner.run(c, hunt.actions);
  }

  /** A phone places a call: an inbound sofia leg. To another phone it is bridged; anything else is answered and parked. */
  private phoneDial(number: string, dest: string): string {
    const e = this.engine;
    const phone = this.phone(number);
    const domain = e.domain;
    const c = e.newChannel({
      name: `sofia/internal/${number}@${domain}`, kind: 'sofia', direction: 'inbound', destination: dest, hitDialplan: true,
      callerIdNumber: number, callerIdName: phone.name, calleeIdName: '', calleeIdNumber: '', presenceId: `${number}@${domain}`,
      networkAddr: domain, dialplan: 'XML', source: 'mod_sofia', phone: number, codec: true,
    });
    c.vars.set('sip_from_user', number);
    c.vars.set('sip_to_user', dest);
    // What the directory gives an authenticated phone (provisioning/src/directory.ts).
    c.vars.set('user_name', number);
    c.vars.set('domain_name', domain);
    c.vars.set('user_context', 'callpoint');
    if (phone.zone) c.vars.set('callpoint_zone', phone.zone);
    e.setState(c, 'CS_INIT');
    e.ev('CHANNEL_CREATE', c);
    e.setCallState(c, 'RINGING');
    e.setState(c, 'CS_ROUTING');
    e.presence(c, 'early');
    if (this.dialplan) {
      c.context = 'callpoint';
      void this.route(c, 'callpoint');
      return c.uuid;
    }
    e.setState(c, 'CS_EXECUTE');
    const target = this.phoneMap.get(dest);
    const hotline = /^callpoint-alarm-(.+)$/.exec(dest);
    if (hotline) {
      // The dialplan Callpoint provisions (provisioning/src/dialplan.ts): the SOS phone's hotline is
      // tagged and parked, not answered, for the daemon to take over.
      c.vars.set('callpoint_call', 'alarm');
      c.vars.set('callpoint_point', hotline[1] ?? '');
      c.vars.set('park_after_bridge', 'true');
      e.park(c);
    } else if (target) {
      e.execute(c, 'bridge', `user/${dest}`);
      const bUuid = randomUUID();
      const vars = new Map([['origination_uuid', bUuid], ['origination_caller_id_number', number], ['origination_caller_id_name', phone.name]]);
      const done = this.originator.originate({ vars, endpoint: `user/${dest}`, app: 'park', appData: '' });
      // While it rings, the two legs go down together (the caller giving up cancels the callee).
      const ringing = e.channels.get(bUuid);
      if (ringing) {
        c.peer = bUuid;
        ringing.peer = c.uuid;
      }
      void done
        .then((r) => {
          c.peer = undefined;
          if (ringing) ringing.peer = undefined;
          const m = /^\+OK (\S+)/.exec(r);
          const b = m?.[1] ? e.channels.get(m[1]) : undefined;
          if (!e.channels.has(c.uuid)) { if (b) e.hangup(b, 'ORIGINATOR_CANCEL'); return; }
          if (!b) { e.hangup(c, /^-ERR (\S+)/.exec(r)?.[1] ?? 'NORMAL_TEMPORARY_FAILURE'); return; }
          setImmediate(() => {
            if (!e.channels.has(c.uuid) || !e.channels.has(b.uuid)) return;
            e.markAnswered(c);
            this.features.bridge(c, b);
          });
        });
    } else {
      e.markAnswered(c);
      e.park(c);
    }
    return c.uuid;
  }
}
