// One GSM modem in the daemon: the driver's faults become fault records;
// inbound SMS are stored before the modem deletes its copy; outbound SMS are
// queued rows, sent one at a time while the modem is ready, their delivery
// reports recorded; the voice call state and availability are tracked for
// the failover trunk.
import type { FaultBook } from '../alarms/faults.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Sms } from '../store/sms-repo.js';
import type { Store } from '../store/store.js';
import type { GsmModem } from '../../../hardware/src/serial/gsm/index.js';
import type { ModemView } from './view.js';
import type { InboundSms } from './sms-inbox.js';

export const gsmFaultKey = (modem: string, code: string) => `gsm:${modem}:${code}`;

/** After a failed send, try again after this long; give up after MAX_ATTEMPTS. */
const RETRY_MS = [10_000, 60_000, 300_000];
const MAX_ATTEMPTS = RETRY_MS.length + 1;
const PHONE = /^\+?[0-9]{3,20}$/;

export type QueueResult = { ok: true; id: number } | { ok: false; error: string };

export class GsmLine {
  private offs: Array<() => void> = [];
  private sending: Promise<void> | undefined;
  private readonly attempts = new Map<number, number>();
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private call: ModemView['trunk'] = { available: false, call: 'idle', number: null };
  private receiver: ((modem: string, m: InboundSms) => Promise<{ handled: Promise<void> }>) | undefined;

  constructor(
    readonly id: string,
    readonly port: string,
    readonly modem: GsmModem,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly faults: FaultBook,
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
        if (s.state === 'ready') this.kick();
      }),
      this.modem.on('delivery', (d) => void this.delivered(d.ref, d.delivered, d.final, d.status)),
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

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const off of this.offs) off();
    await this.sending;
    await this.modem.stop();
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

  /** Queue an SMS: stored now, sent when the modem is ready. */
  async queue(to: string, text: string, opts: { alarmId?: string; tag?: string } = {}): Promise<QueueResult> {
    if (!PHONE.test(to)) return { ok: false, error: `"${to}" is not a phone number (an optional + and 3–20 digits)` };
    if (!text.trim()) return { ok: false, error: 'the text is empty' };
    if ([...text].length > 1000) return { ok: false, error: 'the text is longer than 1000 characters' };
    const row = await this.store.tx(async (r) => {
      const s = await r.sms.insert({ direction: 'out', modem: this.id, peer: to, text, status: 'queued', alarmId: opts.alarmId ?? null, detail: opts.tag ?? null });
      await r.outbox.enqueue('event', { kind: 'sms', direction: 'out', modem: this.id, to, text, status: 'queued', alarmId: opts.alarmId ?? null }, null);
      return s;
    });
    this.bus.emit('sms', row);
    this.notify();
    this.kick();
    return { ok: true, id: row.id };
  }

  /** Send whatever is queued, one message at a time, while the modem is ready. */
  kick(): void {
    if (this.stopped || this.sending) return;
    this.sending = this.drain().finally(() => {
      this.sending = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.modem.status().state === 'ready') {
      const next = (await this.store.sms.queued(this.id)).find((m) => (this.attempts.get(m.id) ?? 0) < MAX_ATTEMPTS && !this.waiting.has(m.id));
      if (!next) return;
      await this.sendOne(next);
    }
  }

  private readonly waiting = new Set<number>();

  private async sendOne(m: Sms): Promise<void> {
    const n = (this.attempts.get(m.id) ?? 0) + 1;
    this.attempts.set(m.id, n);
    const r = await this.modem.sendSms(m.peer, m.text, { statusReport: true });
    if (r.ok) {
      await this.store.sms.update(m.id, { status: 'sent', refs: r.refs, detail: null });
      this.log.info({ sms: m.id, to: m.peer, parts: r.refs.length, alarm: m.alarmId }, `SMS sent to ${m.peer}`);
    } else if (n >= MAX_ATTEMPTS || /not a phone number|invalid/i.test(r.error)) {
      await this.store.sms.update(m.id, { status: 'failed', detail: r.error });
      this.log.error({ sms: m.id, to: m.peer, error: r.error, attempts: n }, `SMS to ${m.peer} failed for good`);
    } else {
      // Keep it queued; try again later (the network may be congested, the modem re-registering).
      await this.store.sms.update(m.id, { detail: `attempt ${n} failed: ${r.error}` });
      this.log.warn({ sms: m.id, to: m.peer, error: r.error, attempt: n }, 'SMS not sent; will retry');
      this.waiting.add(m.id);
      const t = setTimeout(() => {
        this.waiting.delete(m.id);
        this.kick();
      }, RETRY_MS[n - 1] ?? 300_000);
      t.unref();
      this.retryTimer = t;
    }
    const row = await this.store.sms.byId(m.id);
    if (row) {
      this.bus.emit('sms', row);
      if (row.status !== 'queued')
        await this.store
          .tx((q) => q.outbox.enqueue('event', { kind: 'sms', direction: 'out', modem: this.id, to: row.peer, status: row.status, detail: row.detail, alarmId: row.alarmId, id: row.id }, null))
          .then(() => this.notify());
    }
  }

  private async delivered(ref: number, ok: boolean, final: boolean, status: number): Promise<void> {
    if (!final) return;
    const m = await this.store.sms.byRef(this.id, ref).catch(() => undefined);
    if (!m) return;
    await this.store.sms.update(m.id, ok ? { status: 'delivered', detail: null } : { status: 'failed', detail: `not delivered (TP-ST 0x${status.toString(16).padStart(2, '0')})` });
    const row = await this.store.sms.byId(m.id);
    if (row) this.bus.emit('sms', row);
    this.log.info({ sms: m.id, delivered: ok }, `delivery report for the SMS to ${m.peer}: ${ok ? 'delivered' : 'failed'}`);
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
