// The line services: every configured GSM modem and analog line card, on its
// serial port (whatever opens it: a board's /dev path, or a simulated device in
// simulation), wired to the store, faults, health, the UI and central.
import type { AlarmService } from '../alarms/alarm-service.js';
import type { FaultBook } from '../alarms/faults.js';
import type { ConfigReader } from '../config/holder.js';
import type { EventBus } from '../events/bus.js';
import type { HealthRegistry } from '../health/health.js';
import type { ComponentStatus } from '../contracts/health.js';
import type { Component } from '../lifecycle/components.js';
import type { RootLogger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { AlarmSms } from './alarm-sms.js';
import { CardLine } from './card-line.js';
import { GsmLine } from './gsm-line.js';
import { SmsDispatch, SMS_STUCK_KEY, type QueueResult } from './sms-dispatch.js';
import type { SerialPortOpener } from './serial-ports.js';
import { SimPins } from './sim-pins.js';
import { SmsInbox } from './sms-inbox.js';
import type { LinesView, ModemView } from '../contracts/lines.js';
import { phrase, phraseList } from '../contracts/phrases/index.js';
import { modemHealthPhrase } from './line-phrases.js';

export interface LinesDeps {
  store: Store;
  bus: EventBus;
  faults: FaultBook;
  health: HealthRegistry;
  /** The alarm service (built after the lines: it asks them about the GSM trunk). */
  alarms: () => AlarmService | undefined;
  logger: RootLogger;
  /** Wake the uplink: an `event` was queued. */
  notify: () => void;
  /** Opens the configured serial ports. */
  ports: SerialPortOpener;
}

/**
 * One modem's part of the `gsm` health component: ok only when it can send
 * and call now — ready, registered, some signal. Ready but searching, or
 * without signal, or still starting, is degraded with the reason; a fault
 * (which the not-registered and no-signal conditions become after their
 * grace periods) is down.
 */
export function modemHealth(m: ModemView): { status: ComponentStatus; detail: string } {
  if (m.state === 'fault' || m.state === 'stopped') return { status: 'down', detail: `${m.id}: ${m.state}${m.faults.length ? ` — ${m.faults.map((f) => f.detail).join('; ')}` : ''}` };
  if (m.state === 'starting') return { status: 'degraded', detail: `${m.id}: starting` };
  if (m.registration !== 'home' && m.registration !== 'roaming') {
    const why = m.registration === 'searching' ? 'searching for a network' : m.registration === 'denied' ? 'registration denied by the network' : m.registration;
    return { status: 'degraded', detail: `${m.id}: not registered (${why}); SMS and calls cannot go out` };
  }
  if (m.bars === 0) return { status: 'degraded', detail: `${m.id}: no signal (${m.dbm ?? '?'} dBm)` };
  return { status: 'ok', detail: `${m.id}: ${m.operator ?? '?'}, ${m.dbm ?? '?'} dBm (${m.bars}/5), ${m.registration}` };
}

/** After a start, faults of modems and cards that the drivers do not report again by then are closed. */
const RECONCILE_MS = 60_000;

export class LinesService implements Component {
  readonly name = 'lines';
  readonly modems = new Map<string, GsmLine>();
  readonly cards = new Map<string, CardLine>();
  private alarmSms: AlarmSms | undefined;
  private dispatch: SmsDispatch | undefined;
  private inbox: SmsInbox | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private viewTimer: NodeJS.Timeout | undefined;

  constructor(
    /** The modems and line cards are read at start (a change of them restarts this service); the rest per use. */
    private readonly config: ConfigReader,
    private readonly d: LinesDeps,
  ) {}

  async start(): Promise<void> {
    try {
      await this.startAll();
    } catch (e) {
      // Nothing half-started is left running: ports, simulators, drivers.
      await this.stop().catch(() => undefined);
      throw e;
    }
  }

  private async startAll(): Promise<void> {
    const { store, bus, faults, logger } = this.d;
    const dispatch = new SmsDispatch({ store, bus, faults, log: logger.ns('lines:sms'), notify: this.d.notify });
    this.dispatch = dispatch;
    const changed = () => this.changed();
    const { lines } = this.config.current;
    // The drivers are loaded only when something is configured: a board without lines does not carry them in memory.
    const { AtEngine } = lines.modems.length ? await import('../../../hardware/src/serial/at/index.js') : { AtEngine: undefined };
    const { GsmModem } = lines.modems.length ? await import('../../../hardware/src/serial/gsm/index.js') : { GsmModem: undefined };
    const { LineCard } = lines.lineCards.length ? await import('../../../hardware/src/serial/linecard/index.js') : { LineCard: undefined };
    for (const m of lines.modems) {
      if (!AtEngine || !GsmModem) break;
      const { link, path } = await this.d.ports.open('modem', m.id, m.port, m.baud);
      const engine = new AtEngine(link, { log: logger.ns('lines:gsm:at') });
      // The PIN and any refusal of it live in the database: a restart never re-enters a PIN the SIM refused.
      const pins = new SimPins(m.id, m.pin, store, logger.ns('lines:gsm'));
      await pins.load();
      const modem = new GsmModem(engine, link, { id: m.id, log: logger.ns('lines:gsm'), pins, pollMs: m.pollS * 1000 });
      this.modems.set(m.id, new GsmLine({ id: m.id, port: path, modem, store, faults, sms: dispatch, pins, log: logger.ns('lines:gsm'), changed, notify: this.d.notify }));
    }
    for (const c of lines.lineCards) {
      if (!LineCard) break;
      const { link, path } = await this.d.ports.open('card', c.id, c.port, c.baud);
      const card = new LineCard(link, { id: c.id, log: logger.ns('lines:card') });
      this.cards.set(c.id, new CardLine({ id: c.id, port: path, card, store, faults, log: logger.ns('lines:card'), changed, notify: this.d.notify }));
    }
    const sender = { queue: (to: string, text: string, o: { alarmId?: string; tag?: string }) => this.queueSms(to, text, o) };
    this.inbox = new SmsInbox({ config: this.config, store, bus, alarms: this.d.alarms(), faults, health: this.d.health, replies: sender, log: logger.ns('lines:sms'), notify: this.d.notify });
    const inbox = this.inbox;
    for (const g of this.modems.values()) {
      g.onReceive((modem, m) => inbox.receive(modem, m));
      dispatch.add(g);
      g.start();
    }
    dispatch.start();
    for (const c of this.cards.values()) c.start();
    if (this.modems.size) {
      this.alarmSms = new AlarmSms({ config: this.config, store, bus, sms: sender, log: logger.ns('lines:sms') });
      await this.alarmSms.start();
    }
    this.reconcileTimer = setInterval(() => void this.reconcile().catch((err: unknown) => logger.ns('lines').error({ err }, 'fault reconcile failed')), RECONCILE_MS);
    this.reconcileTimer.unref();
    this.changed();
  }

  async stop(): Promise<void> {
    clearInterval(this.reconcileTimer);
    clearTimeout(this.viewTimer);
    await this.alarmSms?.stop();
    await this.dispatch?.stop();
    await Promise.all([...this.modems.values()].map((m) => m.stop()));
    await Promise.all([...this.cards.values()].map((c) => c.stop()));
    await this.d.ports.stop().catch(() => undefined);
    // Ready to start again with other modems and cards (a configuration change restarts this service in-process).
    this.modems.clear();
    this.cards.clear();
    this.alarmSms = this.dispatch = this.inbox = undefined;
  }

  /** Stop, then start with the modems and line cards configured now. */
  async restart(): Promise<string> {
    await this.stop();
    this.d.health.set('gsm', 'disabled', this.config.current.lines.modems.length ? 'starting' : 'no modem configured');
    this.d.health.set('lines', 'disabled', this.config.current.lines.lineCards.length ? 'starting' : 'no line card configured');
    await this.start();
    return `${this.modems.size} modem${this.modems.size === 1 ? '' : 's'}, ${this.cards.size} line card${this.cards.size === 1 ? '' : 's'}`;
  }

  /** Queue an SMS: on the given modem, else the first one that is ready; any ready modem sends it. */
  queueSms(to: string, text: string, o: { alarmId?: string; tag?: string } = {}, modemId?: string): Promise<QueueResult> {
    if (!this.dispatch) return Promise.resolve({ ok: false, error: 'the line services are not running' });
    return this.dispatch.queue(to, text, { ...o, ...(modemId ? { modem: modemId } : {}) });
  }

  async ussd(modemId: string, code: string): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
    const g = this.modems.get(modemId);
    if (!g) return { ok: false, error: `no modem ${modemId}` };
    return g.modem.ussd(code);
  }

  /**
   * A technician's "test now" of a modem or line card: asked now instead of at
   * the next poll; answers with its view afterwards (state, signal, ports,
   * faults), within 20 s.
   */
  async testNow(kind: 'modem' | 'card', id: string): Promise<{ ok: true; view: LinesView } | { ok: false; error: string }> {
    const device = kind === 'modem' ? this.modems.get(id)?.modem : this.cards.get(id)?.card;
    if (!device) return { ok: false, error: `no ${kind === 'modem' ? 'modem' : 'line card'} ${id}` };
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      device.checkNow().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 20_000))),
    ]).finally(() => clearTimeout(timer));
    const view = this.view();
    return done ? { ok: true, view } : { ok: false, error: `${id} did not answer within 20 s` };
  }

  /** Failover trunk for routing: a modem that can take a GSM call now. */
  gsmTrunk(): { available: boolean; reason: string } {
    const lines = [...this.modems.values()];
    // No modem of ours: the gsm gateway is someone else's (a SIP-GSM box); FreeSWITCH decides.
    if (!lines.length) return { available: true, reason: 'not supervised by Callpoint (no modem in lines.modems)' };
    const up = lines.find((l) => l.available());
    return up ? { available: true, reason: `through ${up.id}` } : { available: false, reason: lines.map((l) => l.unavailableReason()).join('; ') };
  }

  view(): LinesView {
    return { modems: [...this.modems.values()].map((m) => m.view()), lineCards: [...this.cards.values()].map((c) => c.view()) };
  }

  /** Coalesce bursts of changes into one health update and one UI event. */
  private changed(): void {
    if (this.viewTimer) return;
    this.viewTimer = setTimeout(() => {
      this.viewTimer = undefined;
      const v = this.view();
      this.reportHealth(v);
      this.d.bus.emit('lines', v);
    }, 100);
    this.viewTimer.unref();
  }

  private reportHealth(v: LinesView): void {
    const { health } = this.d;
    if (!v.modems.length) health.say('gsm', 'disabled', phrase('health.gsm.none'));
    else {
      const each = v.modems.map(modemHealth);
      const status: ComponentStatus = each.every((m) => m.status === 'ok') ? 'ok' : each.every((m) => m.status === 'down') ? 'down' : 'degraded';
      health.set('gsm', status, each.map((m) => m.detail).join('; '), phraseList(v.modems.map(modemHealthPhrase)));
    }
    if (!v.lineCards.length) health.say('lines', 'disabled', phrase('health.lines.none'));
    else {
      const ok = v.lineCards.filter((c) => c.status === 'ok');
      const portFaults = v.lineCards.flatMap((c) => c.ports.flatMap((p) => p.faults));
      const status: ComponentStatus = ok.length === v.lineCards.length ? (portFaults.length ? 'degraded' : 'ok') : ok.length ? 'degraded' : 'down';
      const said = phraseList([...v.lineCards.map((c) => c.phrase ?? c.detail), ...portFaults.map((f) => f.phrase ?? f.detail)]);
      health.set('lines', status, [...v.lineCards.map((c) => `${c.id}: ${c.detail}`), ...portFaults.map((f) => f.detail)].join('; '), said);
    }
  }

  /** A person's SIM PIN for a modem (the admin API): stored, then entered at once. */
  async enterPin(modemId: string, pin: string, by: string): Promise<({ ok: true } & Awaited<ReturnType<GsmLine['enterPin']>>) | { ok: false; error: string }> {
    const g = this.modems.get(modemId);
    if (!g) return { ok: false, error: `no modem ${modemId}` };
    return { ok: true, ...(await g.enterPin(pin, by)) };
  }

  /**
   * Faults of modems and cards left open by a previous run (or of devices no
   * longer configured) are closed only on positive evidence that their cause
   * is gone — registered, signal, the SIM ready, the port back on hook — not
   * merely because the driver has not reported them again yet (its grace
   * periods run longer than a minute).
   */
  private async reconcile(): Promise<void> {
    const active = new Set([...[...this.modems.values()].flatMap((m) => m.activeFaultKeys()), ...[...this.cards.values()].flatMap((c) => c.activeFaultKeys())]);
    for (const f of await this.d.faults.open()) {
      if ((f.source !== 'gsm' && f.source !== 'line-card') || active.has(f.key) || f.key === SMS_STUCK_KEY) continue;
      const [, owner, where] = f.key.split(':');
      const gone = f.source === 'gsm' ? this.modemFaultGone(owner ?? '', f.code) : this.cardFaultGone(owner ?? '', where ?? '', f.code);
      if (gone) await this.d.faults.clear(f.key);
    }
  }

  private modemFaultGone(id: string, code: string): boolean {
    const m = this.modems.get(id);
    if (!m) return true; // no longer configured
    const v = m.view();
    switch (code) {
      case 'no-sim': case 'pin-required': case 'wrong-pin': case 'sim-puk': return v.sim === 'ready';
      case 'not-registered': return v.registration === 'home' || v.registration === 'roaming';
      case 'no-signal': return v.rssi !== null && v.rssi !== 99 && v.rssi > 0;
      default: return v.state === 'ready';
    }
  }

  private cardFaultGone(id: string, where: string, code: string): boolean {
    const c = this.cards.get(id);
    if (!c) return true;
    const v = c.view();
    if (where === 'card') return v.status === 'ok';
    const p = v.ports.find((x) => String(x.n) === where);
    if (!p) return v.status === 'ok' && v.ports.length > 0; // the port no longer exists
    switch (code) {
      case 'line-cut': return p.state !== 'no-line' && p.state !== 'unknown';
      case 'no-battery': return p.battery === true;
      case 'stuck-off-hook': return p.state === 'on-hook';
      default: return v.status === 'ok';
    }
  }
}
