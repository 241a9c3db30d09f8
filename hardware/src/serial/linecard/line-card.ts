// Driver for one analog line card (FXS/FXO ports) on a serial link. It only
// manages and supervises: the voice goes to FreeSWITCH by another path.
//
// Life of a card: when the link opens (first time or after a reopen), when
// the card announces !BOOT, when its uptime goes backwards, and after it was
// silent, the driver identifies it (ID?), reads the inventory (INV?) and the
// state of every port (STATE? n), then follows !PORT events. A PING every
// heartbeat proves the card still answers; no answer to anything for three
// heartbeats is a card-silent fault. Lines that may have carried a lost event
// (bad checksum, line noise) and a periodic refresh re-read every port, so a
// dropped event cannot leave a stale state behind. Protocol: hardware/README.md.
import { systemClock, type Cancel, type Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import type { DeviceState, DeviceStatus } from '../../status.js';
import type { SerialLink } from '../link.js';
import { FaultTracker, formatDuration, type LineCardFault } from './faults.js';
import { LineSplitter } from './line-splitter.js';
import { PortMonitor } from './port-monitor.js';
import { parseLine, requestBody, type CardEvent, type CardIdentity, type PortKind, type Reply, type Request } from './protocol.js';
import { RequestQueue } from './request-queue.js';
import type { LineCardContext, LineCardCounters, LineCardEvents, LineCardResult, PortState } from './types.js';

export type { LineCardContext, LineCardCounters, LineCardEvents, LineCardResult, PortState } from './types.js';

type ReplyOf<W extends Reply['what']> = Extract<Reply, { what: W }>;

const EXPECTED: Record<Request['cmd'], Reply['what']> = { ID: 'ID', INV: 'INV', STATE: 'STATE', 'RESET-PORT': 'RESET-PORT', 'RESET-CARD': 'RESET-CARD', PING: 'PONG' };

export class LineCard extends Emitter<LineCardEvents> {
  private readonly clock: Clock;
  private readonly heartbeatMs: number;
  private readonly requestTimeoutMs: number;
  private readonly refreshMs: number;
  private readonly splitter = new LineSplitter();
  private readonly requests: RequestQueue;
  private readonly faultSet: FaultTracker;
  private readonly stats = { badChecksum: 0, invalid: 0, unknown: 0, unmatched: 0, echoes: 0, timeouts: 0 };
  private readonly portMonitor: PortMonitor;
  private state: DeviceStatus;
  private identity: CardIdentity | undefined;
  private inventory: PortKind[] = [];
  private unsubscribe: (() => void)[] = [];
  private cancelTick: Cancel | undefined;
  private running = false;
  private ready = false;
  private initGen = 0;
  private initRunning = false;
  private refreshRunning = false;
  private lastAnswer = 0;
  private lastRefresh = 0;
  private lastUptime: number | undefined;
  private echoWarned = false;

  constructor(
    private readonly link: SerialLink,
    private readonly ctx: LineCardContext,
  ) {
    super((err) => ctx.log.error({ err }, 'line card listener failed'));
    this.clock = ctx.clock ?? systemClock;
    this.heartbeatMs = ctx.heartbeatMs ?? 5000;
    this.requestTimeoutMs = ctx.requestTimeoutMs ?? 1000;
    this.refreshMs = ctx.refreshMs ?? 60_000;
    this.requests = new RequestQueue((line) => this.link.write(line), this.clock);
    this.faultSet = new FaultTracker(ctx.id, () => this.clock.now(), (f) => this.raised(f), (f) => this.cleared(f));
    this.portMonitor = new PortMonitor(this.clock, this.faultSet, ctx.stuckOffHookMs ?? 10 * 60_000, (s, prev) => this.emit('port', s, prev));
    this.state = { status: 'stopped', detail: `${this.label}: not started`, since: this.clock.now() };
  }

  status(): DeviceStatus {
    return { ...this.state };
  }

  ports(): PortState[] {
    return this.portMonitor.list();
  }

  info(): CardIdentity | undefined {
    return this.identity && { ...this.identity };
  }

  faults(): LineCardFault[] {
    return this.faultSet.list();
  }

  counters(): LineCardCounters {
    return { ...this.stats, noiseBytes: this.splitter.noiseBytes };
  }

  /** Opens the link (the card owns it) and supervises until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.setStatus('starting', `${this.label}: opening the serial port`);
    this.unsubscribe = [
      this.link.on('data', (chunk) => this.onData(chunk)),
      this.link.on('open', () => this.onOpen()),
      this.link.on('close', (reason) => this.onClose(reason)),
    ];
    this.cancelTick = this.clock.setTimeout(() => this.tick(), this.heartbeatMs);
    const open = this.link.isOpen;
    this.link.start();
    if (open) this.onOpen();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.ready = false;
    this.initGen++;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.cancelTick?.();
    this.portMonitor.stop();
    this.requests.failAll();
    await this.link.stop();
    this.setStatus('stopped', `${this.label}: stopped`);
  }

  /** Re-initialise one port's SLIC/DAA (drops a call on it). */
  async resetPort(port: number): Promise<LineCardResult<undefined>> {
    if (!this.inventory[port - 1]) return { kind: 'error', code: 'BADPORT', text: `${this.label}: no port ${port}` };
    const r = await this.query({ cmd: 'RESET-PORT', port }, 'RESET-PORT');
    if (r.kind !== 'ok') return r;
    this.ctx.log.info(`${this.label}: port ${port} reset`);
    void this.refresh([port]);
    return { kind: 'ok', value: undefined };
  }

  /** Restart the card's controller; it answers, reboots, announces !BOOT and is initialised again. */
  async resetCard(): Promise<LineCardResult<undefined>> {
    const r = await this.query({ cmd: 'RESET-CARD' }, 'RESET-CARD');
    if (r.kind !== 'ok') return r;
    this.ready = false;
    this.setStatus('starting', `${this.label}: restarting on request`);
    return { kind: 'ok', value: undefined };
  }

  /** Send one request; the reply must be the one that answers it (else BADREPLY). */
  async request(req: Request, timeoutMs = this.requestTimeoutMs): Promise<LineCardResult<Reply>> {
    if (!this.running || !this.link.isOpen) return { kind: 'disconnected' };
    const o = await this.requests.send(req, timeoutMs);
    if (o.kind === 'timeout') {
      this.stats.timeouts++;
      this.ctx.log.debug(`${this.label}: no answer to ${requestBody(req)}`);
      return o;
    }
    if (o.kind === 'disconnected') return o;
    this.lastAnswer = this.clock.now();
    const m = o.msg;
    const bad = (text: string): LineCardResult<Reply> => ({ kind: 'error', code: 'BADREPLY', text: `${requestBody(req)}: ${text}` });
    switch (m.kind) {
      case 'reply': {
        const r = m.reply;
        const port = r.what === 'STATE' ? r.state.port : r.what === 'RESET-PORT' ? r.port : undefined;
        if (r.what !== EXPECTED[req.cmd] || ('port' in req && port !== req.port)) return bad(`unexpected reply ${r.what}${port === undefined ? '' : ` ${port}`}`);
        return { kind: 'ok', value: r };
      }
      case 'error':
        return { kind: 'error', code: m.code, text: m.text };
      case 'unknown':
        return bad(`unknown reply "${m.verb}"`);
      case 'invalid':
        return bad(`malformed reply (${m.reason})`);
    }
  }

  private async query<W extends Reply['what']>(req: Request, _what: W): Promise<LineCardResult<ReplyOf<W>>> {
    return (await this.request(req)) as LineCardResult<ReplyOf<W>>;
  }

  private get label(): string {
    return `line card ${this.ctx.id} on ${this.link.path}`;
  }

  // ------------------------------------------------------------ link and lines

  private onOpen(): void {
    this.splitter.reset();
    this.lastAnswer = this.clock.now();
    this.startInit('serial port opened');
  }

  private onClose(reason: string): void {
    this.initGen++;
    this.initRunning = false;
    this.ready = false;
    this.splitter.reset();
    this.requests.failAll();
    const detail = `${this.label}: serial port unavailable (${reason}): the card cannot be supervised until it opens again`;
    this.faultSet.raise('card-silent', detail);
    this.setStatus('fault', detail);
  }

  private onData(chunk: Buffer): void {
    const noise = this.splitter.noiseBytes;
    for (const line of this.splitter.push(chunk)) this.onLine(line);
    // Noise before a start character may have swallowed the head of an event.
    if (this.splitter.noiseBytes !== noise) this.lostEvent('line noise');
  }

  private onLine(line: string): void {
    const msg = parseLine(line);
    switch (msg.kind) {
      case 'reply':
      case 'error':
        if (!this.requests.deliver(msg)) {
          this.stats.unmatched++;
          this.ctx.log.debug(`${this.label}: reply without a request dropped: ${line}`);
        }
        return;
      case 'event':
        this.onEvent(msg.event);
        return;
      case 'unknown':
        if (msg.seq !== undefined && this.requests.deliver({ ...msg, seq: msg.seq })) return;
        this.stats.unknown++;
        this.ctx.log.debug(`${this.label}: unknown message ignored: ${line}`);
        return;
      case 'invalid':
        if (msg.error === 'checksum') this.stats.badChecksum++;
        else if (msg.seq !== undefined && this.requests.deliver({ ...msg, seq: msg.seq })) return;
        else this.stats.invalid++;
        this.ctx.log.debug(`${this.label}: dropped line (${msg.reason}): ${JSON.stringify(line)}`);
        // A reply that is lost times out; an event that is lost must be re-read.
        if (msg.start !== '$') this.lostEvent(msg.reason);
        return;
      case 'request':
        this.stats.echoes++;
        if (!this.echoWarned) this.ctx.log.warn(`${this.label}: our own requests come back on the line: TX looped to RX, or an echoing device`);
        this.echoWarned = true;
        return;
    }
  }

  private onEvent(ev: CardEvent): void {
    if (ev.what === 'BOOT') {
      this.ctx.log.warn(`${this.label}: card restarted (${ev.cause}), ${ev.model} firmware ${ev.firmware}`);
      this.startInit(`card restarted: ${ev.cause}`);
      return;
    }
    const kind = this.inventory[ev.state.port - 1];
    if (!kind) return; // before the inventory: the STATE? queries of the init will read it
    if (kind !== ev.state.kind) {
      this.ctx.log.warn(`${this.label}: event for port ${ev.state.port} as ${ev.state.kind}, inventory says ${kind}: reading the inventory again`);
      this.startInit('inventory changed');
      return;
    }
    this.portMonitor.apply(ev.state);
  }

  private lostEvent(why: string): void {
    if (!this.ready) return;
    this.ctx.log.debug(`${this.label}: ${why}: an event may be lost, reading every port`);
    void this.refresh();
  }

  // ------------------------------------------------------------ init, heartbeat, refresh

  private startInit(reason: string): void {
    this.init(reason).catch((err: unknown) => this.ctx.log.error({ err }, `${this.label}: initialisation failed`));
  }

  private async init(reason: string): Promise<void> {
    if (!this.running || !this.link.isOpen) return;
    const gen = ++this.initGen;
    this.initRunning = true;
    this.ready = false;
    this.lastUptime = undefined;
    // A retry after a failure stays 'fault' until it succeeds: no flapping through 'starting'.
    if (this.state.status !== 'fault') this.setStatus('starting', `${this.label}: identifying the card (${reason})`);
    const ok = await this.initSteps(gen);
    if (gen !== this.initGen) return;
    this.initRunning = false;
    if (!ok) return;
    this.ready = true;
    this.lastRefresh = this.clock.now();
    this.faultSet.clear('card-silent');
    this.faultSet.clear('card-error');
    this.setStatus('ok', `${this.label}: ${this.summary()}`);
  }

  /** false when it failed (status and faults set) or was overtaken by a newer init. */
  private async initSteps(gen: number): Promise<boolean> {
    const id = await this.query({ cmd: 'ID' }, 'ID');
    if (gen !== this.initGen) return false;
    if (id.kind !== 'ok') return this.initFailed('ID?', id);
    const inv = await this.query({ cmd: 'INV' }, 'INV');
    if (gen !== this.initGen) return false;
    if (inv.kind !== 'ok') return this.initFailed('INV?', inv);
    const kinds = inv.value.kinds;
    if (kinds.length !== id.value.ports) {
      return this.cardError(`the inventory lists ${kinds.length} ports but the card says it has ${id.value.ports}`);
    }
    this.identity = { model: id.value.model, firmware: id.value.firmware, ports: id.value.ports };
    this.inventory = kinds;
    this.portMonitor.keepOnly(kinds);
    for (let port = 1; port <= kinds.length; port++) {
      const st = await this.query({ cmd: 'STATE', port }, 'STATE');
      if (gen !== this.initGen) return false;
      if (st.kind !== 'ok') return this.initFailed(`STATE? ${port}`, st);
      if (st.value.state.kind !== kinds[port - 1]) return this.cardError(`port ${port} reports as ${st.value.state.kind}, the inventory says ${kinds[port - 1]}`);
      this.portMonitor.apply(st.value.state);
    }
    return true;
  }

  private initFailed(step: string, r: Exclude<LineCardResult<unknown>, { kind: 'ok' }>): boolean {
    if (r.kind === 'timeout' && !this.faultSet.has('card-silent')) this.setStatus('fault', `${this.label}: no answer to ${step}: is the card powered and the serial cable connected?`);
    if (r.kind === 'error') return this.cardError(`the card answered ${step} with ${r.code}${r.text ? ` (${r.text})` : ''}`);
    return false;
  }

  private cardError(what: string): boolean {
    const detail = `${this.label}: ${what}`;
    this.faultSet.raise('card-error', detail);
    this.setStatus('fault', detail);
    return false;
  }

  private tick(): void {
    this.cancelTick = this.clock.setTimeout(() => this.tick(), this.heartbeatMs);
    if (!this.link.isOpen) return;
    const now = this.clock.now();
    const quiet = now - this.lastAnswer;
    if (quiet >= 3 * this.heartbeatMs && !this.faultSet.has('card-silent')) {
      const detail = `${this.label}: no answer for ${formatDuration(quiet)}: card unpowered, crashed or serial cable disconnected`;
      this.ready = false;
      this.faultSet.raise('card-silent', detail);
      this.setStatus('fault', detail);
    }
    if (this.initRunning) return;
    if (!this.ready) {
      this.startInit(this.faultSet.has('card-silent') ? 'card silent, trying again' : 'retry');
      return;
    }
    if (now - this.lastRefresh >= this.refreshMs) void this.refresh();
    if (this.requests.idle) void this.ping();
  }

  /** A technician's "test now": PING the card and read every port's state now. */
  async checkNow(): Promise<void> {
    if (!this.ready) return;
    await this.ping();
    await this.refresh();
  }

  private async ping(): Promise<void> {
    const gen = this.initGen;
    const r = await this.query({ cmd: 'PING' }, 'PONG');
    if (gen !== this.initGen) return;
    if (r.kind === 'error') {
      this.faultSet.raise('card-error', `${this.label}: the card answered PING with ${r.code}${r.text ? ` (${r.text})` : ''}`);
      return;
    }
    if (r.kind !== 'ok') return;
    this.faultSet.clear('card-error');
    const up = r.value.uptimeS;
    const before = this.lastUptime;
    this.lastUptime = up;
    if (before !== undefined && up < before) {
      this.ctx.log.warn(`${this.label}: card uptime went from ${before} s to ${up} s: it restarted unannounced`);
      this.startInit('card restarted unannounced');
    }
  }

  /** Re-read the given ports (default: all). Overlapping full refreshes collapse into one. */
  private async refresh(ports?: number[]): Promise<void> {
    const all = ports === undefined;
    if (all && this.refreshRunning) return;
    if (all) this.refreshRunning = true;
    this.lastRefresh = this.clock.now();
    const gen = this.initGen;
    try {
      for (const port of ports ?? this.inventory.map((_, i) => i + 1)) {
        const st = await this.query({ cmd: 'STATE', port }, 'STATE');
        if (gen !== this.initGen || st.kind === 'disconnected') return;
        if (st.kind === 'ok' && st.value.state.kind === this.inventory[port - 1]) this.portMonitor.apply(st.value.state);
      }
    } finally {
      if (all) this.refreshRunning = false;
    }
  }

  private raised(f: LineCardFault): void {
    this.ctx.log.warn({ fault: f.code, port: f.port }, f.detail);
    this.emit('fault', f);
  }

  private cleared(f: LineCardFault): void {
    this.ctx.log.info({ fault: f.code, port: f.port }, `cleared: ${f.detail}`);
    this.emit('fault-cleared', f);
  }

  private summary(): string {
    const fxs = this.inventory.filter((k) => k === 'FXS').length;
    const id = this.identity;
    return `${id?.model ?? '?'} firmware ${id?.firmware ?? '?'}, ${this.inventory.length} ports (${fxs} FXS, ${this.inventory.length - fxs} FXO)`;
  }

  private setStatus(status: DeviceState, detail: string): void {
    const prev = this.state;
    if (prev.status === status && prev.detail === detail) return;
    this.state = { status, detail, since: prev.status === status ? prev.since : this.clock.now() };
    if (status === 'fault') this.ctx.log.warn(detail);
    else this.ctx.log.info(detail);
    this.emit('status', { ...this.state }, prev);
  }
}
