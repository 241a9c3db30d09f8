// One GSM modem in the daemon: the driver's faults become fault records;
// inbound SMS are stored before the modem deletes its copy; it sends for the
// SMS queue (sms-dispatch.ts) and reports deliveries to it; the voice call
// state and availability are tracked for the failover trunk.
import type { FaultBook } from '../alarms/faults.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { GsmModem } from '../../../hardware/src/serial/gsm/index.js';
import type { ModemView } from './view.js';
import type { InboundSms } from './sms-inbox.js';
import type { Resend, SmsDispatch } from './sms-dispatch.js';

export const gsmFaultKey = (modem: string, code: string) => `gsm:${modem}:${code}`;


export class GsmLine {
  private offs: Array<() => void> = [];
  private call: ModemView['trunk'] = { available: false, call: 'idle', number: null };
  private receiver: ((modem: string, m: InboundSms) => Promise<{ handled: Promise<void> }>) | undefined;

  constructor(
    readonly id: string,
    readonly port: string,
    readonly modem: GsmModem,
    private readonly store: Store,
    private readonly faults: FaultBook,
    private readonly sms: SmsDispatch,
    private readonly log: Logger,
    private readonly changed: () => void,
    private readonly notify: () => void,
  ) {}

  /** Who takes inbound SMS (the SMS inbox). The modem deletes its copy once this resolves. */
  onReceive(fn: (modem: string, m: InboundSms) => Promise<{ handled: Promise<void> }>): void {
    this.receiver = fn;
  }

  start(): void {
    this.modem.onSms(async (sms) => {
      if (!this.receiver) throw new Error('no SMS receiver yet');
      await this.receiver(this.id, { from: sms.from, text: sms.text, sentAt: sms.sentAt, parts: sms.parts });
    });
    this.offs = [
      this.modem.on('fault', (f) => void this.faults.raise({ key: gsmFaultKey(this.id, f.code), source: 'gsm', code: f.code, subject: this.id, detail: `GSM modem ${this.id}: ${f.detail}` })),
      this.modem.on('fault-cleared', (f) => void this.faults.clear(gsmFaultKey(this.id, f.code))),
      this.modem.on('status', (s) => {
        this.changed();
        if (s.state === 'ready') this.sms.kick();
        this.reportState();
      }),
      this.modem.on('delivery', (d) => void this.sms.delivered(this.id, d.ref, d.delivered, d.final, d.status).catch((err: unknown) => this.log.error({ err }, 'cannot record a delivery report'))),
      this.modem.on('call', (c) => {
        this.call = { ...this.call, call: c.kind === 'ended' ? 'idle' : c.kind === 'ringing' ? 'ringing' : 'in-call', number: c.kind === 'ringing' ? (c.from ?? null) : c.kind === 'dialing' ? c.to : c.kind === 'ended' ? null : this.call.number };
        this.log.info({ modem: this.id, call: c }, `GSM call: ${c.kind}`);
        this.changed();
      }),
      this.modem.on('bad-pdu', (b) => {
        this.log.error({ modem: this.id, hex: b.hex, index: b.index }, `an SMS that cannot be decoded was deleted from the modem: ${b.error}`);
        void this.store
          .tx((r) => r.outbox.enqueue('event', { kind: 'sms-undecodable', modem: this.id, hex: b.hex, error: b.error }, null))
          .then(() => this.notify())
          .catch(() => undefined);
      }),
    ];
    // The driver owns its AT engine and serial link: it starts and stops both.
    this.modem.start();
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
    void this.store
      .tx((r) => r.outbox.enqueue('event', { kind: 'gsm-state', modem: this.id, ...now, dbm: v.dbm, at: new Date().toISOString() }, null))
      .then(() => this.notify())
      .catch((err: unknown) => this.log.error({ err }, 'cannot record the modem state'));
  }

  async stop(): Promise<void> {
    for (const off of this.offs) off();
    await this.modem.stop();
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
      imei: s.imei ?? null, iccid: s.iccid ?? null, imsi: s.imsi ?? null, trunk: { ...this.call, available: this.available() }, faults: s.faults.map((f) => ({ code: f.code, detail: f.detail })), since: s.since,
    };
  }
}
