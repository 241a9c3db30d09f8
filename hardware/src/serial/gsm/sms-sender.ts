// Outgoing SMS in PDU mode (3GPP TS 27.005 §3.5.1 +CMGS, TS 23.040 SMS-SUBMIT).
//
// One AT+CMGS=<TPDU length> per part; after the "> " prompt the engine writes
// the PDU hex and Ctrl-Z; the modem answers "+CMGS: <mr>" once the network
// took the part, which can take many seconds on a weak network, hence 60 s
// per part. Messages are queued so the parts of two messages never
// interleave; each multi-part message gets a fresh concatenation reference
// (the recipient's phone groups parts by sender and reference). The TP-MRs
// from +CMGS are the refs delivery reports (+CDSI/+CDS) name.
//
// When the network refuses a later part, the parts it took are in the
// result: the caller sends only the rest, with `concatRef` and `parts`, from
// the same modem (the same sender). The text splits the same way every time
// (encodeSubmit is deterministic), so part 2 of the resend is part 2 of the
// first attempt and the recipient's phone completes the message — where a
// resend of everything under a new reference would leave it an orphan part
// and a duplicate.
import type { Logger } from 'pino';
import { encodeSubmit, isPhoneNumber, PduError, type SubmitPdu } from '../sms/index.js';
import { describeResult, lineWith, type SendAt } from './results.js';
import type { SendSmsResult, SentPart } from './types.js';

export const SMS_PART_TIMEOUT_MS = 60_000;

export interface SendSmsOptions {
  /** Ask the network for a delivery report (TP-SRR); it arrives as a `delivery` event. */
  statusReport?: boolean;
  /** Resending parts of a message sent before: the concatenation reference its result named. */
  concatRef?: number;
  /** Only these parts (1-based): the ones an earlier attempt did not get through. */
  parts?: number[];
}

export class SmsSender {
  private chain: Promise<unknown> = Promise.resolve();
  private nextRef: number;

  constructor(
    private readonly send: SendAt,
    private readonly log: Logger,
    /** Why sending is impossible right now (no SIM, port closed…), or undefined. Awaited in queue order. */
    private readonly blocked: () => Promise<string | undefined>,
    random: () => number = Math.random,
  ) {
    this.nextRef = Math.floor(random() * 256) & 0xff;
  }

  sendSms(to: string, text: string, opts: SendSmsOptions = {}): Promise<SendSmsResult> {
    const run = (): Promise<SendSmsResult> => this.sendNow(to, text, opts);
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async sendNow(to: string, text: string, opts: SendSmsOptions): Promise<SendSmsResult> {
    // Spaces, dashes, dots and brackets are how people write numbers; the PDU wants digits.
    const number = to.replace(/[\s\-.()]/g, '');
    if (!isPhoneNumber(number)) {
      return { ok: false, error: `invalid phone number ${JSON.stringify(to)}: expected an optional "+" and 1–20 digits` };
    }
    if (text === '') return { ok: false, error: `empty message to ${to}: not sent` };
    const resend = opts.concatRef !== undefined;
    const ref = opts.concatRef ?? this.nextRef;
    let parts: SubmitPdu[];
    try {
      parts = encodeSubmit(number, text, { ref, statusReport: opts.statusReport === true });
    } catch (err) {
      const why = err instanceof PduError ? err.message : String(err);
      return { ok: false, error: `SMS to ${to} cannot be encoded: ${why}` };
    }
    const total = parts.length;
    if (opts.parts) {
      const bad = opts.parts.find((n) => !Number.isInteger(n) || n < 1 || n > total);
      if (bad !== undefined) return { ok: false, error: `SMS to ${to} has ${total} part(s): there is no part ${bad}` };
      parts = parts.filter((p) => opts.parts?.includes(p.part));
    }
    if (total > 1 && !resend) this.nextRef = (this.nextRef + 1) & 0xff;
    const blocked = await this.blocked();
    if (blocked !== undefined) return { ok: false, error: `SMS to ${to} not sent: ${blocked}` };

    const sent: SentPart[] = [];
    const concat = total > 1 ? { concatRef: ref } : {};
    for (const p of parts) {
      const r = await this.send(`AT+CMGS=${p.tpduLength}`, { body: p.hex, timeoutMs: SMS_PART_TIMEOUT_MS, prefix: '+CMGS:' });
      const which = total > 1 ? ` (part ${p.part} of ${total}${sent.length ? `; ${sent.length} sent` : ''})` : '';
      if (r.kind !== 'ok') {
        const error = `SMS to ${to} not sent${which}: ${describeResult(r, SMS_PART_TIMEOUT_MS)}`;
        this.log.warn({ to, part: p.part, parts: total }, error);
        return sent.length ? { ok: false, error, parts: sent, total, ...concat } : { ok: false, error };
      }
      const mr = /^\+CMGS:\s*(\d+)/i.exec(lineWith(r, '+CMGS:') ?? '');
      if (!mr) this.log.warn({ to, part: p.part }, 'the modem accepted an SMS part without a +CMGS reference');
      sent.push({ part: p.part, ref: mr ? Number(mr[1]) : -1 });
    }
    const refs = sent.map((s) => s.ref);
    this.log.info({ to, parts: total, sent: sent.length, refs }, 'SMS sent');
    return { ok: true, refs, parts: sent, total, ...concat };
  }
}
