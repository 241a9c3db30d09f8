// Incoming SMS: read from the modem's memory, reassembled, handed to the
// daemon, and only then deleted (3GPP TS 27.005, PDU mode).
//
// The modem's memory is the buffer that survives us: with +CNMI=2,1,… a new
// message is stored and announced as +CMTI: "SM",<index>; we read it with
// AT+CMGR=<index>, give the whole message to the handler (the daemon stores
// it), and delete it with AT+CMGD=<index> only after the handler's promise
// resolved. A handler that fails leaves the message in memory and it is
// offered again after `retryMs`; anything that arrived while we were not
// running is found with AT+CMGL=4 ("ALL") at start-up. Parts of a
// concatenated message stay in memory until the whole message is handed over
// (Reassembler); one that stays incomplete for `partsTimeoutMs` is handed
// over with "…" for the missing parts. A PDU that does not decode is logged
// with its hex, reported, and deleted so it cannot fill the memory.
// Status reports (+CDSI stored, +CDS direct) become delivery reports; +CMT
// (direct delivery, CNMI mt=2, not what we configure) is accepted too, but
// such a message exists nowhere else, so a failed handler keeps it in RAM.
import type { Logger } from 'pino';
import type { Cancel, Clock } from '../../clock.js';
import { decodePdu, PduError, Reassembler, type DeliverPdu, type ReceivedSms, type StatusReportPdu } from '../sms/index.js';
import { describeResult, type SendAt } from './results.js';
import type { BadPdu, DeliveryReport, SmsHandler } from './types.js';

export interface InboxContext {
  send: SendAt;
  log: Logger;
  clock: Clock;
  retryMs: number;
  partsTimeoutMs: number;
  /** A handler that has not settled after this long counts as failed. Default 60 s. */
  handlerTimeoutMs?: number;
  onSms: (sms: ReceivedSms) => void;
  onDelivery: (r: DeliveryReport) => void;
  onBadPdu: (b: BadPdu) => void;
}

interface Held {
  sms: ReceivedSms;
  /** Memory slots holding its parts ([] for +CMT). */
  indexes: number[];
}

const groupKey = (from: string, ref: number, parts: number): string => JSON.stringify([from, ref, parts]);

/** The <length> that ends a +CMGR / +CMGL / +CMT / +CDS header (27.005 §3.4.1, §3.4.2, §3.4.3), if it is a number. */
export function lastNumber(header: string): number | undefined {
  const m = /(\d+)\s*$/.exec(header);
  return m ? Number(m[1]) : undefined;
}

export class SmsInbox {
  private handler: SmsHandler | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly reassembler = new Reassembler();
  /** Slots of incomplete multi-part messages, by group. */
  private readonly groups = new Map<string, number[]>();
  /** Slots being handled or waiting for a retry: not read again. */
  private readonly claimed = new Set<number>();
  /** The PDU read from each slot we hold. */
  private readonly hexOf = new Map<number, string>();
  /** Handed over but AT+CMGD failed: the slot's PDU, so a re-read deletes instead of delivering twice. */
  private readonly delivered = new Map<number, string>();
  private held: Held[] = [];
  private retryTimer: Cancel | undefined;
  private stopped = false;

  constructor(private readonly ctx: InboxContext) {}

  setHandler(h: SmsHandler): void {
    this.handler = h;
  }

  /** Remove `h` if it is still the handler. */
  clearHandler(h: SmsHandler): void {
    if (this.handler === h) this.handler = undefined;
  }

  /** +CMTI / +CDSI: a message or report was stored at `index`. */
  stored(index: number): Promise<void> {
    return this.enqueue(() => this.readSlot(index));
  }

  /** +CMT / +CDS: a PDU delivered without storing; `length` is the <length> of the URC. */
  direct(hex: string, length?: number): Promise<void> {
    return this.enqueue(() => this.handlePdu(hex, undefined, length));
  }

  /** AT+CMGL=4: everything in memory (at start-up and after a reconnect). */
  sweep(): Promise<void> {
    return this.enqueue(() => this.list());
  }

  /** Hand over multi-part messages whose missing parts are overdue. */
  expire(): Promise<void> {
    return this.enqueue(async () => {
      for (const p of this.reassembler.expire(this.ctx.clock.now(), this.ctx.partsTimeoutMs)) {
        const key = groupKey(p.from, p.ref, p.parts);
        const indexes = this.groups.get(key) ?? [];
        this.groups.delete(key);
        this.ctx.log.warn({ from: p.from, missing: p.missing, reason: p.reason }, 'multi-part SMS incomplete: handed over with the parts that arrived');
        await this.handOver({ sms: { from: p.from, sentAt: p.sentAt, text: p.text, parts: p.parts }, indexes });
      }
    });
  }

  /** Resolves when every queued job has finished (tests, orderly stop). */
  idle(): Promise<void> {
    return this.chain;
  }

  stop(): void {
    this.stopped = true;
    this.retryTimer?.();
    this.retryTimer = undefined;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        await job();
      } catch (err) {
        this.ctx.log.error({ err }, 'SMS inbox job failed');
      }
    };
    this.chain = this.chain.then(run);
    return this.chain;
  }

  private async readSlot(index: number): Promise<void> {
    if (this.claimed.has(index)) return;
    const r = await this.ctx.send(`AT+CMGR=${index}`, { prefix: '+CMGR:' });
    if (r.kind !== 'ok') {
      this.ctx.log.warn({ index, reason: describeResult(r) }, 'could not read a stored SMS');
      return;
    }
    // 27.005 §3.4.3 PDU mode: "+CMGR: <stat>,[<alpha>],<length>" then the PDU line; nothing for an empty slot.
    const at = r.lines.findIndex((l) => /^\+CMGR:/i.test(l));
    const hex = at >= 0 ? r.lines[at + 1] : undefined;
    if (hex !== undefined) await this.handlePdu(hex.trim(), index, lastNumber(r.lines[at] ?? ''));
  }

  private async list(): Promise<void> {
    const r = await this.ctx.send('AT+CMGL=4', { prefix: '+CMGL:', timeoutMs: 20_000 });
    if (r.kind !== 'ok') {
      this.ctx.log.warn({ reason: describeResult(r) }, 'could not list the stored SMS');
      return;
    }
    // "+CMGL: <index>,<stat>,[<alpha>],<length>" then the PDU line, per message.
    for (let i = 0; i < r.lines.length; i++) {
      const m = /^\+CMGL:\s*(\d+)/i.exec(r.lines[i] ?? '');
      const hex = r.lines[i + 1];
      if (!m || hex === undefined) continue;
      i++;
      const index = Number(m[1]);
      if (!this.claimed.has(index)) await this.handlePdu(hex.trim(), index, lastNumber(r.lines[i - 1] ?? ''));
    }
  }

  private async handlePdu(hex: string, index: number | undefined, length?: number): Promise<void> {
    if (index !== undefined) {
      if (this.delivered.get(index) === hex.toUpperCase()) {
        await this.remove([index]); // handed over before; only the delete had failed
        return;
      }
      this.hexOf.set(index, hex.toUpperCase());
    }
    let pdu: DeliverPdu | StatusReportPdu;
    try {
      pdu = decodePdu(hex, length === undefined ? {} : { tpduLength: length });
    } catch (err) {
      const error = err instanceof PduError ? err.message : String(err);
      this.ctx.log.error({ index, hex, error }, 'received SMS PDU does not decode: deleted');
      this.ctx.onBadPdu(index === undefined ? { hex, error } : { index, hex, error });
      if (index !== undefined) await this.remove([index]);
      return;
    }
    if (pdu.type === 'status-report') {
      this.ctx.onDelivery({ ref: pdu.messageRef, delivered: pdu.delivered, status: pdu.status, final: pdu.final, recipient: pdu.recipient });
      if (index !== undefined) await this.remove([index]);
      return;
    }
    if (!this.handler && index !== undefined) return; // stays in memory until someone takes it
    const whole = this.reassembler.add(pdu, this.ctx.clock.now());
    const c = pdu.concat;
    if (c && c.parts > 1) {
      const key = groupKey(pdu.from, c.ref, c.parts);
      const slots = this.groups.get(key) ?? [];
      if (index !== undefined && !slots.includes(index)) slots.push(index);
      if (!whole) {
        // Incomplete, or a duplicate of a part already handed over.
        if (slots.length) this.groups.set(key, slots);
        for (const s of slots) this.claimed.add(s);
        return;
      }
      this.groups.delete(key);
      await this.handOver({ sms: whole, indexes: slots });
      return;
    }
    if (whole) await this.handOver({ sms: whole, indexes: index === undefined ? [] : [index] });
  }

  private async handOver(h: Held): Promise<void> {
    for (const i of h.indexes) this.claimed.add(i);
    const handler = this.handler;
    const failed = (why: string): void => {
      this.ctx.log.warn({ from: h.sms.from, reason: why, retryInMs: this.ctx.retryMs }, 'SMS handler failed: kept in modem memory, offered again later');
      this.held.push(h);
      this.scheduleRetry();
    };
    if (!handler) return failed('no handler registered');
    try {
      await this.withTimeout(handler(h.sms));
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err));
    }
    this.ctx.onSms(h.sms);
    await this.remove(h.indexes);
  }

  private withTimeout(p: Promise<void>): Promise<void> {
    const ms = this.ctx.handlerTimeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const cancel = this.ctx.clock.setTimeout(() => reject(new Error(`the handler did not finish within ${ms / 1000} s`)), ms);
      p.then(
        () => {
          cancel();
          resolve();
        },
        (err: unknown) => {
          cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private async remove(indexes: number[]): Promise<void> {
    for (const index of indexes) {
      const r = await this.ctx.send(`AT+CMGD=${index}`);
      if (r.kind === 'ok') {
        this.claimed.delete(index);
        this.delivered.delete(index);
        this.hexOf.delete(index);
        continue;
      }
      this.ctx.log.warn({ index, reason: describeResult(r) }, 'could not delete an SMS from modem memory');
      const hex = this.hexOf.get(index);
      if (hex !== undefined) this.delivered.set(index, hex);
      this.claimed.delete(index);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = this.ctx.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.enqueue(async () => {
        const again = this.held;
        this.held = [];
        for (const h of again) await this.handOver(h);
      });
    }, this.ctx.retryMs);
  }
}
