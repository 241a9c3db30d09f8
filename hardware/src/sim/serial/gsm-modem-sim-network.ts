// The network side of the simulated modem's outgoing SMS: what the network
// took (each part, with the TP-MR it gave), the whole messages a recipient's
// phone puts together, the ones it still holds incomplete, and the
// submissions a test makes the network refuse. A phone groups parts by sender
// and concatenation reference (3GPP TS 23.040 §9.2.3.24.1), and so does this.
import type { DecodedSubmit } from '../../serial/sms/index.js';
import type { SentSms } from './gsm-modem-sim-wire.js';
import { record } from '../bounded-log.js';

export interface SentPart {
  to: string;
  /** Concatenation reference (undefined for a single-part message). */
  ref: number | undefined;
  part: number;
  parts: number;
  /** TP-MR the network gave it. */
  mr: number;
}

/** A message a phone holds with parts missing. */
export interface Incomplete {
  to: string;
  ref: number | undefined;
  parts: number;
  missing: number[];
}

interface Partial {
  to: string;
  ref: number | undefined;
  pdus: string[];
  mrs: number[];
  texts: (string | undefined)[];
  statusReport: boolean;
}

export class SimNetwork {
  /** Whole messages, as recipients read them. */
  readonly sent: SentSms[] = [];
  /** Every part taken, in order. */
  readonly parts: SentPart[] = [];
  private readonly partial = new Map<string, Partial>();
  /** The nth submission from now (counted down) gets this final result instead of +CMGS. */
  private readonly refusals: { after: number; final: string }[] = [];

  refuse(nth: number, final: string): void {
    this.refusals.push({ after: nth, final });
  }

  /** The final result refusing this submission, if one was set for it. */
  takeRefusal(): string | undefined {
    let hit: string | undefined;
    for (const r of this.refusals) if (--r.after === 0) hit = r.final;
    for (let i = this.refusals.length - 1; i >= 0; i--) if ((this.refusals[i]?.after ?? 1) <= 0) this.refusals.splice(i, 1);
    return hit;
  }

  /** Record a part the network took; the whole message when it completes one. */
  record(hex: string, mr: number, d: DecodedSubmit): SentSms | undefined {
    const parts = d.concat?.parts ?? 1;
    const ref = d.concat?.ref;
    record(this.parts, { to: d.to, ref, part: d.concat?.part ?? 1, parts, mr });
    const key = `${d.to}/${ref ?? `single${mr}`}`;
    let p = this.partial.get(key);
    if (!p) {
      p = { to: d.to, ref, pdus: [], mrs: [], texts: new Array<string | undefined>(parts).fill(undefined), statusReport: d.statusReport };
      this.partial.set(key, p);
    }
    p.pdus.push(hex);
    p.mrs.push(mr);
    p.texts[(d.concat?.part ?? 1) - 1] = d.text;
    if (p.texts.some((x) => x === undefined)) return undefined;
    this.partial.delete(key);
    const sms: SentSms = { to: d.to, text: p.texts.join(''), parts, mrs: p.mrs, statusReport: p.statusReport, pdus: p.pdus };
    if (ref !== undefined) sms.ref = ref;
    record(this.sent, sms);
    return sms;
  }

  incomplete(): Incomplete[] {
    return [...this.partial.values()].map((p) => ({ to: p.to, ref: p.ref, parts: p.texts.length, missing: p.texts.flatMap((x, i) => (x === undefined ? [i + 1] : [])) }));
  }

  /** Who the part with this TP-MR went to (the latest: TP-MRs wrap at 256). */
  recipientOf(mr: number): string | undefined {
    for (let i = this.parts.length - 1; i >= 0; i--) if (this.parts[i]?.mr === mr) return this.parts[i]?.to;
    return undefined;
  }
}
