// Outgoing SMS: one queue for every modem. A message is a row before any
// modem sees it; rows are sent one at a time, alarm texts first, by the
// modem they were queued for or — when that one is not ready — by any modem
// that is. A failed send is retried with growing pauses, then given up and
// reported; an alarm text that waited until its alarm was acknowledged or
// cleared is not sent at all ("superseded"); alarm texts waiting too long are
// a fault. A store error is logged and never takes the daemon down, and a
// message the network accepted is never sent again because its row could
// not be updated.
import type { FaultBook } from '../alarms/faults.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Sms } from '../contracts/lines.js';
import type { Store } from '../store/store.js';
import type { SendSmsResult } from '../../../hardware/src/serial/gsm/index.js';
import { PHONE_NUMBER_RE } from '../contracts/values.js';

export type QueueResult = { ok: true; id: number } | { ok: false; error: string };

export interface SmsModem {
  readonly id: string;
  /** Registered, SIM ready, no fault. */
  ready(): boolean;
  send(to: string, text: string): Promise<SendSmsResult>;
}

/** After a failed send, try again after this long; give up after RETRY_MS.length + 1 attempts. */
const RETRY_MS = [10_000, 60_000, 300_000];
/** An alarm text still queued after this long is a fault. */
export const STUCK_AFTER_MS = 5 * 60_000;
export const SMS_STUCK_KEY = 'gsm:sms:stuck';
/** Alarm states in which an "EMERGENCY … reply ACK" text still makes sense. */
const UNANSWERED = new Set(['raised', 'calling', 'connected', 'failed']);

export interface SmsDispatchContext {
  store: Store;
  bus: EventBus;
  faults: FaultBook;
  log: Logger;
  notify: () => void;
}

export class SmsDispatch {
  private readonly modems = new Map<string, SmsModem>();
  private sending: Promise<void> | undefined;
  private readonly attempts = new Map<number, number>();
  private readonly waiting = new Set<number>();
  /** Accepted by the network but the row could not be marked: never again in this run. */
  private readonly done = new Set<number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stuckTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly faults: FaultBook;
  private readonly log: Logger;
  private readonly notify: () => void;

  constructor(ctx: SmsDispatchContext) {
    ({ store: this.store, bus: this.bus, faults: this.faults, log: this.log, notify: this.notify } = ctx);
  }

  add(m: SmsModem): void {
    this.modems.set(m.id, m);
  }

  start(): void {
    this.stuckTimer = setInterval(() => void this.checkStuck().catch((err: unknown) => this.log.error({ err }, 'SMS queue check failed')), 60_000);
    this.stuckTimer.unref();
    this.kick();
  }

  /** Waits for a send in flight at most `boundMs`: an AT+CMGS cannot be taken back, and shutdown is bounded. */
  async stop(boundMs = 5000): Promise<void> {
    this.stopped = true;
    clearInterval(this.stuckTimer);
    for (const t of this.timers) clearTimeout(t);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.sending, new Promise((r) => (timer = setTimeout(r, boundMs)))]);
    clearTimeout(timer);
  }

  /** Store the message as queued and send it as soon as a modem can. */
  async queue(to: string, text: string, opts: { alarmId?: string; tag?: string; modem?: string } = {}): Promise<QueueResult> {
    if (!PHONE_NUMBER_RE.test(to)) return { ok: false, error: `"${to}" is not a phone number (an optional + and 3–20 digits)` };
    if (!text.trim()) return { ok: false, error: 'the text is empty' };
    if ([...text].length > 1000) return { ok: false, error: 'the text is longer than 1000 characters' };
    const all = [...this.modems.values()];
    if (opts.modem !== undefined && !this.modems.has(opts.modem)) return { ok: false, error: `no modem ${opts.modem}` };
    const modem = opts.modem ?? (all.find((m) => m.ready()) ?? all[0])?.id;
    if (!modem) return { ok: false, error: 'no GSM modem configured (lines.modems)' };
    const row = await this.store.tx(async (r) => {
      const s = await r.sms.insert({ direction: 'out', modem, peer: to, text, status: 'queued', alarmId: opts.alarmId ?? null, tag: opts.tag ?? null });
      await r.outbox.enqueue('event', { kind: 'sms', direction: 'out', id: s.id, modem, to, text, status: 'queued', alarmId: opts.alarmId ?? null }, null);
      return s;
    });
    this.bus.emit('sms', row);
    this.notify();
    this.kick();
    return { ok: true, id: row.id };
  }

  /** Send what is queued, one message at a time, while a modem is ready. */
  kick(): void {
    if (this.stopped || this.sending) return;
    this.sending = this.drain()
      .catch((err: unknown) => this.log.error({ err }, 'SMS queue stopped by an error; retried on the next change'))
      .finally(() => (this.sending = undefined));
  }

  private pick(row: Sms): SmsModem | undefined {
    const own = this.modems.get(row.modem);
    if (own?.ready()) return own;
    return [...this.modems.values()].find((m) => m.ready());
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const rows = (await this.store.sms.queued()).filter((m) => !this.waiting.has(m.id) && !this.done.has(m.id));
      const next = rows.find((r) => this.pick(r));
      if (!next) return;
      await this.sendOne(next, this.pick(next)!);
    }
  }

  private async sendOne(m: Sms, modem: SmsModem): Promise<void> {
    // An emergency text that waited (no modem) until the alarm was answered must not go out late.
    if (m.alarmId && m.tag && /(raised|failed)$/.test(m.tag)) {
      const a = await this.store.alarms.byId(m.alarmId);
      if (a && !UNANSWERED.has(a.state)) {
        await this.finish(m, { status: 'failed', detail: `not sent: alarm ${a.id} was already ${a.state} when a modem could send it` });
        return;
      }
    }
    const n = (this.attempts.get(m.id) ?? 0) + 1;
    this.attempts.set(m.id, n);
    const r = await modem.send(m.peer, m.text);
    if (r.ok) {
      this.done.add(m.id);
      this.log.info({ sms: m.id, to: m.peer, modem: modem.id, parts: r.refs.length, alarm: m.alarmId }, `SMS sent to ${m.peer}`);
      await this.finish(m, { status: 'sent', refs: r.refs, modem: modem.id, detail: null });
    } else if (n > RETRY_MS.length || /not a phone number|invalid/i.test(r.error)) {
      this.log.error({ sms: m.id, to: m.peer, error: r.error, attempts: n }, `SMS to ${m.peer} failed for good`);
      await this.finish(m, { status: 'failed', detail: r.error });
    } else {
      // Congestion, a modem re-registering: keep it queued and try again later.
      this.log.warn({ sms: m.id, to: m.peer, error: r.error, attempt: n }, 'SMS not sent; will retry');
      await this.store.sms.update(m.id, { detail: `attempt ${n} failed: ${r.error}` });
      this.waiting.add(m.id);
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.waiting.delete(m.id);
        this.kick();
      }, RETRY_MS[n - 1]);
      t.unref();
      this.timers.add(t);
    }
  }

  private async finish(m: Sms, patch: Parameters<Store['sms']['update']>[1] & { status: 'sent' | 'failed' }): Promise<void> {
    const row = await this.store.tx(async (q) => {
      await q.sms.update(m.id, patch);
      await q.outbox.enqueue('event', { kind: 'sms', direction: 'out', id: m.id, modem: patch.modem ?? m.modem, to: m.peer, status: patch.status, detail: patch.detail ?? null, alarmId: m.alarmId }, null);
      return q.sms.byId(m.id);
    });
    if (row) this.bus.emit('sms', row);
    this.notify();
  }

  /** A delivery report from a modem (final ones only change the row). */
  async delivered(modem: string, ref: number, ok: boolean, final: boolean, status: number): Promise<void> {
    if (!final) return;
    const m = await this.store.sms.byRef(modem, ref);
    if (!m) return;
    const detail = ok ? null : `not delivered (TP-ST 0x${status.toString(16).padStart(2, '0')})`;
    const row = await this.store.tx(async (q) => {
      await q.sms.update(m.id, ok ? { status: 'delivered', detail } : { status: 'failed', detail });
      await q.outbox.enqueue('event', { kind: 'sms', direction: 'out', id: m.id, modem, to: m.peer, status: ok ? 'delivered' : 'failed', detail, alarmId: m.alarmId }, null);
      return q.sms.byId(m.id);
    });
    if (row) this.bus.emit('sms', row);
    this.notify();
    (ok ? this.log.info.bind(this.log) : this.log.error.bind(this.log))({ sms: m.id, to: m.peer }, `delivery report for the SMS to ${m.peer}: ${ok ? 'delivered' : detail}`);
  }

  /** Alarm texts waiting longer than STUCK_AFTER_MS are a fault (nobody on call knows). */
  async checkStuck(now = Date.now()): Promise<void> {
    const old = (await this.store.sms.queued()).filter((m) => m.alarmId && now - Date.parse(m.createdAt) > STUCK_AFTER_MS);
    const why = [...this.modems.values()].every((m) => !m.ready()) ? 'no modem can send' : 'sending fails';
    await this.faults.set(old.length > 0, {
      key: SMS_STUCK_KEY, source: 'gsm', code: 'sms-stuck',
      detail: `${old.length} alarm SMS waiting for more than ${STUCK_AFTER_MS / 60_000} min (${why}): ${[...new Set(old.map((m) => m.alarmId))].slice(0, 5).join(', ')}`,
    });
  }
}
