// One GSM modem in the daemon: the driver's faults become fault records;
// inbound SMS are stored before the modem deletes its copy; it sends for the
// SMS queue (sms-dispatch.ts) and reports deliveries to it; its SIM PIN comes
// from the database (sim-pins.ts); voice calls on it go to central as
// `event` messages of kind gsm-call; the call state and availability are
// tracked for the failover trunk.
import type { FaultBook } from '../alarms/faults.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { CallEvent, GsmModem } from '../../../hardware/src/serial/gsm/index.js';
import { gsmFaultPhrase, gsmLineFault } from './line-phrases.js';
import type { ModemView } from '../contracts/lines.js';
import type { InboundSms } from './sms-inbox.js';
import type { Resend, SmsDispatch } from './sms-dispatch.js';
import type { SimPins } from './sim-pins.js';
import type { EventMessage } from '../contracts/mqtt.js';

export const gsmFaultKey = (modem: string, code: string) => `gsm:${modem}:${code}`;

export interface GsmLineContext {
  id: string;
  /** Serial device, as shown. */
  port: string;
  modem: GsmModem;
  store: Store;
  faults: FaultBook;
  sms: SmsDispatch;
  /** The PIN memory the modem was built with; without it the view says nothing about the PIN. */
  pins?: SimPins;
  log: Logger;
  /** The view changed (coalesced by the caller). */
  changed: () => void;
  /** Wake the uplink: an `event` was queued. */
  notify: () => void;
}

/** A voice call on the modem, from its first sign to its end. */
interface CallRecord {
  direction: 'in' | 'out';
  /** Caller (in, when shown) or callee (out). */
  number: string | null;
  startedAt: string;
  answeredAt: string | null;
}

export class GsmLine {
  readonly id: string;
  readonly port: string;
  readonly modem: GsmModem;
  private offs: Array<() => void> = [];
  private call: ModemView['trunk'] = { available: false, call: 'idle', number: null };
  private record: CallRecord | undefined;
  private receiver: ((modem: string, m: InboundSms) => Promise<{ handled: Promise<void> }>) | undefined;

  constructor(private readonly c: GsmLineContext) {
    this.id = c.id;
    this.port = c.port;
    this.modem = c.modem;
  }

  /** Who takes inbound SMS (the SMS inbox). The modem deletes its copy once this resolves. */
  onReceive(fn: (modem: string, m: InboundSms) => Promise<{ handled: Promise<void> }>): void {
    this.receiver = fn;
  }

  start(): void {
    const { faults, log } = this.c;
    this.modem.onSms(async (sms) => {
      if (!this.receiver) throw new Error('no SMS receiver yet');
      await this.receiver(this.id, { from: sms.from, text: sms.text, sentAt: sms.sentAt, parts: sms.parts });
    });
    this.offs = [
      this.modem.on('fault', (f) => void faults.raise({ key: gsmFaultKey(this.id, f.code), source: 'gsm', code: f.code, subject: this.id, phrase: gsmFaultPhrase(this.id, f.code), detail: `GSM modem ${this.id}: ${f.detail}` })),
      this.modem.on('fault-cleared', (f) => void faults.clear(gsmFaultKey(this.id, f.code))),
      this.modem.on('status', (s) => {
        this.c.changed();
        if (s.state === 'ready') this.c.sms.kick();
        this.reportState();
      }),
      this.modem.on('delivery', (d) => void this.c.sms.delivered(this.id, d.ref, d.delivered, d.final, d.status).catch((err: unknown) => log.error({ err }, 'cannot record a delivery report'))),
      this.modem.on('call', (e) => this.onCall(e)),
      this.modem.on('bad-pdu', (b) => {
        log.error({ modem: this.id, hex: b.hex, index: b.index }, `an SMS that cannot be decoded was deleted from the modem: ${b.error}`);
        this.toCentral({ kind: 'sms-undecodable', modem: this.id, hex: b.hex, error: b.error }, 'an undecodable SMS');
      }),
    ];
    // The driver owns its AT engine and serial link: it starts and stops both.
    this.modem.start();
  }

  private onCall(e: CallEvent): void {
    this.call = { ...this.call, call: e.kind === 'ended' ? 'idle' : e.kind === 'ringing' ? 'ringing' : 'in-call', number: e.kind === 'ringing' ? (e.from ?? null) : e.kind === 'dialing' ? e.to : e.kind === 'ended' ? null : this.call.number };
    this.c.log.info({ modem: this.id, call: e }, `GSM call: ${e.kind}`);
    const now = new Date().toISOString();
    switch (e.kind) {
      case 'ringing':
        // The first RING opens the record; a +CLIP that follows names the caller.
        if (this.record?.direction === 'in') this.record.number = e.from ?? this.record.number;
        else this.record = { direction: 'in', number: e.from ?? null, startedAt: now, answeredAt: null };
        break;
      case 'dialing':
        this.record = { direction: 'out', number: e.to, startedAt: now, answeredAt: null };
        break;
      case 'answered':
        if (this.record) this.record.answeredAt = now;
        break;
      case 'ended': {
        const r = this.record;
        this.record = undefined;
        if (!r) break;
        // One message per call, as central gets one `call` record per FreeSWITCH call.
        this.toCentral(
          { kind: 'gsm-call', modem: this.id, direction: r.direction, ...(r.direction === 'in' ? { from: r.number } : { to: r.number }), startedAt: r.startedAt, answered: r.answeredAt !== null, answeredAt: r.answeredAt, endedAt: now, reason: e.reason },
          'a GSM call',
        );
        break;
      }
    }
    this.c.changed();
  }

  /** An `event` message to central through the outbox. */
  private toCentral(data: EventMessage, what: string): void {
    void this.c.store
      .tx((r) => r.outbox.enqueue('event', data, null))
      .then(() => this.c.notify())
      .catch((err: unknown) => this.c.log.error({ err }, `cannot record ${what} for central`));
  }

  /** The last state sent to central, to send only what changed. */
  private reported: { state: string; sim: string; registration: string; operator: string | null; bars: number } | undefined;

  /**
   * Signal and registration to central as `event` messages (kind gsm-state):
   * when the state, SIM, registration or operator changes, or the signal
   * moves by two bars or more — not on every poll, not on a bar flickering.
   */
  private reportState(): void {
    const v = this.view();
    const now = { state: v.state, sim: v.sim, registration: v.registration, operator: v.operator, bars: v.bars };
    const was = this.reported;
    if (was && was.state === now.state && was.sim === now.sim && was.registration === now.registration && was.operator === now.operator && Math.abs(was.bars - now.bars) < 2) return;
    this.reported = now;
    this.toCentral({ kind: 'gsm-state', modem: this.id, ...now, dbm: v.dbm, at: new Date().toISOString() }, 'the modem state');
  }

  async stop(): Promise<void> {
    for (const off of this.offs) off();
    await this.modem.stop();
  }

  /**
   * A person's SIM PIN (the admin form): stored, then the SIM is checked at
   * once so that it is entered now. Resolves with how the SIM took it — or,
   * when the modem is busy (a long SMS going out) beyond `boundMs`, with
   * `checked: false`: the check goes on and its outcome shows in the view.
   */
  async enterPin(pin: string, by: string, boundMs = 20_000): Promise<{ iccid: string | null; checked: boolean; sim: ModemView['sim']; faults: ModemView['faults'] }> {
    if (!this.c.pins) throw new Error(`modem ${this.id} has no PIN memory`);
    const { iccid } = await this.c.pins.enter(pin, by, this.modem.status().iccid);
    let timer: NodeJS.Timeout | undefined;
    const checked = await Promise.race([
      this.modem.recheckSim().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), boundMs))),
    ]).finally(() => clearTimeout(timer));
    const s = this.modem.status();
    return { iccid, checked, sim: s.sim, faults: s.faults.map((f) => gsmLineFault(this.id, f)) };
  }

  /** For the SMS queue: the modem can send now. */
  ready(): boolean {
    return this.modem.status().state === 'ready';
  }

  send(to: string, text: string, resend?: Resend) {
    return this.modem.sendSms(to, text, { statusReport: true, ...resend });
  }

  /** Failover trunk: can a GSM voice call go out now? */
  available(): boolean {
    return this.modem.available() && this.call.call === 'idle';
  }

  /** Why not, in words, when `available()` is false. */
  unavailableReason(): string {
    const s = this.modem.status();
    if (this.call.call !== 'idle') return `GSM modem ${this.id} is ${this.call.call === 'ringing' ? 'ringing' : 'in a call'}`;
    return s.faults.length ? `GSM modem ${this.id}: ${s.faults.map((f) => f.detail).join('; ')}` : `GSM modem ${this.id} is ${s.state} (${s.registration})`;
  }

  activeFaultKeys(): string[] {
    return this.modem.status().faults.map((f) => gsmFaultKey(this.id, f.code));
  }

  view(): ModemView {
    const s = this.modem.status();
    return {
      id: this.id, port: this.port, state: s.state, sim: s.sim, registration: s.registration, operator: s.operator ?? null, rssi: s.rssi ?? null, dbm: s.dbm ?? null, bars: s.bars,
      imei: s.imei ?? null, iccid: s.iccid ?? null, imsi: s.imsi ?? null, trunk: { ...this.call, available: this.available() }, faults: s.faults.map((f) => gsmLineFault(this.id, f)), since: s.since,
      pin: this.c.pins?.view() ?? { entered: null, configured: false },
    };
  }
}
