// Outgoing SMS: one queue for every modem. A message is a row before any
// modem sees it; rows are sent one at a time, alarm texts first, by the
// modem they were queued for or — when that one is not ready — by any modem
// that is. A failed send is retried with growing pauses, then given up and
// reported; an alarm text that waited until its alarm was acknowledged or
// cleared is not sent at all ("superseded"); alarm texts waiting too long are
// a fault. A store error is logged and never takes the daemon down, and a
// message the network accepted is never sent again because its row could
// not be updated.
//
// A long message goes as parts (sms_parts): it is delivered when the status
// report of every part says so, and failed when one says it was not. When
// the network refuses a later part, the parts it took stay taken: the retry
// sends only the rest, under the same concatenation reference and from the
// same modem — a recipient's phone groups parts by sender and reference
// (3GPP TS 23.040 §9.2.3.24.1), so it completes the message instead of
// showing an orphan part and then the whole text again. Only when that modem
// cannot send any more does another one send the whole message: from another
// SIM it is another sender, so the parts already out cannot be completed.
import type { FaultBook } from '../alarms/faults.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { SmsPart } from '../store/sms-parts-repo.js';
import type { Sms } from '../contracts/lines.js';
import { phrase, statePhrase, type Phrase } from '../contracts/phrases/index.js';
import type { Store } from '../store/store.js';
import type { SendSmsResult } from '../../../hardware/src/serial/gsm/index.js';

export type QueueResult = { ok: true; id: number } | { ok: false; error: string };

/** Send only these parts of the message, under this concatenation reference: the others went out before. */
export interface Resend {
  concatRef: number;
  parts: number[];
}

export interface SmsModem {
  readonly id: string;
  /** Registered, SIM ready, no fault. */
  ready(): boolean;
  send(to: string, text: string, resend?: Resend): Promise<SendSmsResult>;
}

export interface SmsDispatchOptions {
  /** Pauses before the retries of a failed send; given up after the last. */
  retryMs?: number[];
}

const PHONE = /^\+?[0-9]{3,20}$/;
/** After a failed send, try again after this long; give up after RETRY_MS.length + 1 attempts. */
const RETRY_MS = [10_000, 60_000, 300_000];
/** An alarm text still queued after this long is a fault. */
export const STUCK_AFTER_MS = 5 * 60_000;
export const SMS_STUCK_KEY = 'gsm:sms:stuck';
/** Alarm states in which an "EMERGENCY … reply ACK" text still makes sense. */
const UNANSWERED = new Set(['raised', 'calling', 'connected', 'failed']);
/** A report that came before its part was recorded is kept this long, at most this many. */
const UNMATCHED_MS = 10 * 60_000;
const UNMATCHED_MAX = 64;

interface Report {
  modem: string;
  ref: number;
  ok: boolean;
  status: number;
  at: number;
}

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

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
  private readonly retryMs: number[];
  /** Recording parts and applying reports, one at a time: a report never overtakes its part. */
  private partsChain: Promise<unknown> = Promise.resolve();
  /** Reports for parts not recorded yet (the report beat the bookkeeping of a long send). */
  private unmatched: Report[] = [];

  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly faults: FaultBook;
  private readonly log: Logger;
  private readonly notify: () => void;

  constructor(ctx: SmsDispatchContext, opts: SmsDispatchOptions = {}) {
    ({ store: this.store, bus: this.bus, faults: this.faults, log: this.log, notify: this.notify } = ctx);
    this.retryMs = opts.retryMs ?? RETRY_MS;
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
    if (!PHONE.test(to)) return { ok: false, error: `"${to}" is not a phone number (an optional + and 3–20 digits)` };
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

  /** What is left to send of a message some of whose parts went out from `modem`; undefined: send it whole. */
  private static rest(out: SmsPart[], modem: string): Resend | undefined {
    const first = out[0];
    if (!first || first.concatRef === null || out.some((p) => p.modem !== modem)) return undefined;
    const have = new Set(out.map((p) => p.part));
    return { concatRef: first.concatRef, parts: Array.from({ length: first.parts }, (_, i) => i + 1).filter((n) => !have.has(n)) };
  }

  private async sendOne(m: Sms, modem: SmsModem): Promise<void> {
    // An emergency text that waited (no modem) until the alarm was answered must not go out late.
    if (m.alarmId && m.tag && /(raised|failed)$/.test(m.tag)) {
      const a = await this.store.alarms.byId(m.alarmId);
      if (a && !UNANSWERED.has(a.state)) {
        await this.finish(m, { status: 'failed', detail: `not sent: alarm ${a.id} was already ${a.state} when a modem could send it`, phrase: phrase('sms.late', { alarm: a.id, state: statePhrase(a.state) }) });
        return;
      }
    }
    const out = await this.store.smsParts.of(m.id);
    const resend = SmsDispatch.rest(out, modem.id);
    if (out.length && !resend) this.log.warn({ sms: m.id, from: out[0]?.modem, by: modem.id }, 'parts of this SMS went out from another modem, which cannot send now: sent whole from this one');
    if (resend?.parts.length === 0) {
      // Every part went out; only the row was not marked.
      await this.finish(m, { status: 'sent', refs: out.map((p) => p.mr), modem: modem.id, detail: null });
      return;
    }
    const n = (this.attempts.get(m.id) ?? 0) + 1;
    this.attempts.set(m.id, n);
    const r = await modem.send(m.peer, m.text, resend);
    let refs: number[] = [];
    if (r.parts?.length) {
      try {
        refs = await this.recordParts(m.id, modem.id, r, !resend);
      } catch (err) {
        // The network has these parts; without a record they would go again. Not in this run.
        this.done.add(m.id);
        this.log.error({ err, sms: m.id }, 'cannot record the parts the network took: this SMS is not sent again in this run');
        return;
      }
    }
    if (r.ok) {
      this.done.add(m.id);
      this.log.info({ sms: m.id, to: m.peer, modem: modem.id, parts: r.total, sent: r.parts.length, alarm: m.alarmId }, `SMS sent to ${m.peer}`);
      await this.finish(m, { status: 'sent', refs, modem: modem.id, detail: null });
    } else if (n > this.retryMs.length || /not a phone number|invalid/i.test(r.error)) {
      this.log.error({ sms: m.id, to: m.peer, error: r.error, attempts: n }, `SMS to ${m.peer} failed for good`);
      await this.finish(m, { status: 'failed', detail: r.error, phrase: phrase('sms.failed'), ...(refs.length ? { refs, modem: modem.id } : {}) });
    } else {
      // Congestion, a modem re-registering: keep it queued and try again later (only the parts still missing).
      this.log.warn({ sms: m.id, to: m.peer, error: r.error, attempt: n }, 'SMS not sent; will retry');
      await this.store.sms.update(m.id, { detail: `attempt ${n} failed: ${r.error}`, phrase: phrase('sms.attemptFailed', { n }), ...(refs.length ? { refs, modem: modem.id } : {}) });
      this.waiting.add(m.id);
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.waiting.delete(m.id);
        this.kick();
      }, this.retryMs[n - 1]);
      t.unref();
      this.timers.add(t);
    }
  }

  /** Record the parts a send got out; a whole send replaces those of an earlier attempt. Returns every part's TP-MR, in part order. */
  private recordParts(id: number, modem: string, r: SendSmsResult, whole: boolean): Promise<number[]> {
    return this.serial(async () => {
      const parts = (r.parts ?? []).map((p) => ({ part: p.part, mr: p.ref }));
      const all = await this.store.tx(async (q) => {
        if (whole) await q.smsParts.clear(id);
        await q.smsParts.record(id, modem, r.total ?? parts.length, r.concatRef ?? null, parts);
        return q.smsParts.of(id);
      });
      await this.applyUnmatched(modem, parts.map((p) => p.mr));
      return all.map((p) => p.mr);
    });
  }

  private async finish(m: Sms, patch: Parameters<Store['sms']['update']>[1] & { status: 'sent' | 'failed' }): Promise<void> {
    const row = await this.store.tx(async (q) => {
      // Reports can settle a message before its send is booked (a fast network): "sent" does not undo them.
      const now = await q.sms.byId(m.id);
      if (patch.status === 'sent' && now && now.status !== 'queued') {
        await q.sms.update(m.id, { ...(patch.refs ? { refs: patch.refs } : {}), ...(patch.modem ? { modem: patch.modem } : {}) });
        return undefined;
      }
      await q.sms.update(m.id, patch);
      await q.outbox.enqueue('event', { kind: 'sms', direction: 'out', id: m.id, modem: patch.modem ?? m.modem, to: m.peer, status: patch.status, detail: patch.detail ?? null, alarmId: m.alarmId }, null);
      return q.sms.byId(m.id);
    });
    if (row) this.bus.emit('sms', row);
    this.notify();
  }

  /** A delivery report from a modem: final ones settle their part, and the message with its last part or its first failed one. */
  async delivered(modem: string, ref: number, ok: boolean, final: boolean, status: number): Promise<void> {
    if (!final) return;
    await this.serial(() => this.apply({ modem, ref, ok, status, at: Date.now() }));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.partsChain.then(fn, fn);
    this.partsChain = p.catch(() => undefined);
    return p;
  }

  /** Reports that came for these TP-MRs before their parts were recorded (only those: a stale one must not meet a reused TP-MR). */
  private async applyUnmatched(modem: string, mrs: number[]): Promise<void> {
    const now = Date.now();
    const fresh = this.unmatched.filter((u) => now - u.at < UNMATCHED_MS);
    const mine = fresh.filter((u) => u.modem === modem && mrs.includes(u.ref));
    this.unmatched = fresh.filter((u) => !mine.includes(u));
    for (const u of mine) await this.apply(u);
  }

  private async apply(rep: Report): Promise<void> {
    const part = await this.store.smsParts.byRef(rep.modem, rep.ref);
    if (!part) {
      this.unmatched = [...this.unmatched, rep].slice(-UNMATCHED_MAX);
      this.log.debug({ modem: rep.modem, ref: rep.ref }, 'a delivery report for no part awaiting one (yet)');
      return;
    }
    const of = part.parts > 1 ? `part ${part.part} of ${part.parts} ` : '';
    const failed = `${of}not delivered (TP-ST ${hex2(rep.status)})`;
    const failedPhrase = part.parts > 1 ? phrase('sms.partNotDelivered', { part: part.part, parts: part.parts, status: hex2(rep.status) }) : phrase('sms.notDelivered', { status: hex2(rep.status) });
    const change = await this.store.tx(async (q) => {
      await q.smsParts.settle(part.smsId, part.part, rep.ok ? 'delivered' : 'failed', rep.status);
      const m = await q.sms.byId(part.smsId);
      // Already failed (another part) or somehow settled: the part is noted, the message stays as it is.
      if (!m || m.status === 'failed' || m.status === 'delivered') return undefined;
      const parts = await q.smsParts.of(part.smsId);
      const delivered = parts.filter((p) => p.status === 'delivered').length;
      let status: 'delivered' | 'failed' | undefined;
      let detail: string | null;
      let said: Phrase | null = null;
      if (!rep.ok) [status, detail, said] = ['failed', failed, failedPhrase];
      else if (delivered === part.parts) [status, detail] = ['delivered', null];
      else [detail, said] = [`${delivered} of ${part.parts} parts delivered`, phrase('sms.partsDelivered', { delivered, parts: part.parts })];
      await q.sms.update(m.id, status ? { status, detail, phrase: said } : { detail, phrase: said });
      if (status) await q.outbox.enqueue('event', { kind: 'sms', direction: 'out', id: m.id, modem: rep.modem, to: m.peer, status, detail, alarmId: m.alarmId }, null);
      return { row: await q.sms.byId(m.id), status, peer: m.peer };
    });
    if (!change) return;
    if (change.row) this.bus.emit('sms', change.row);
    if (!change.status) return;
    this.notify();
    if (change.status === 'delivered') this.log.info({ sms: part.smsId, to: change.peer }, `delivery report for the SMS to ${change.peer}: delivered`);
    else this.log.error({ sms: part.smsId, to: change.peer }, `delivery report for the SMS to ${change.peer}: ${failed}`);
  }

  /** Alarm texts waiting longer than STUCK_AFTER_MS are a fault (nobody on call knows). */
  async checkStuck(now = Date.now()): Promise<void> {
    const old = (await this.store.sms.queued()).filter((m) => m.alarmId && now - Date.parse(m.createdAt) > STUCK_AFTER_MS);
    const why = [...this.modems.values()].every((m) => !m.ready()) ? 'no modem can send' : 'sending fails';
    const alarms = [...new Set(old.map((m) => m.alarmId))].slice(0, 5).join(', ');
    await this.faults.set(old.length > 0, {
      key: SMS_STUCK_KEY, source: 'gsm', code: 'sms-stuck',
      phrase: phrase('fault.gsm.sms-stuck', { count: old.length, minutes: STUCK_AFTER_MS / 60_000, alarms }),
      detail: `${old.length} alarm SMS waiting for more than ${STUCK_AFTER_MS / 60_000} min (${why}): ${alarms}`,
    });
  }
}
