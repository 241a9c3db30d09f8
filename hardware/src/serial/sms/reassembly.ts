// Reassembly of concatenated SMS (3GPP TS 23.040 §9.2.3.24.1): parts arrive
// in any order, sometimes twice, sometimes never. A part is identified by
// (originator, reference, part count); the message is whole when every part
// number 1…count has arrived.
//
// Nothing is dropped silently. A group that stays incomplete is handed back
// by expire() once older than the caller's limit, and a group pushed out
// because too many are pending (the oldest goes first) is handed back by the
// next expire() call — both with the text that did arrive, "…" standing in
// for each missing part, so the caller can log it and still deliver it.
//
// A part that arrives again after its message completed (a modem re-reporting
// storage after a restart) opens a new group, which expire() later reports.
// Deliberately: suppressing it by comparing with recently completed messages
// would also swallow a sender that repeats the same long alarm text with a
// fixed reference (some gateways always send ref 0) — a visible duplicate is
// better than a lost alarm.

import type { DeliverPdu, ReceivedSms } from './types.js';

/** Stands for one missing part in the text of an incomplete message. */
export const MISSING_PART_MARK = '…';

export interface PartialSms {
  from: string;
  ref: number;
  parts: number;
  /** How many distinct parts arrived. */
  have: number;
  /** 1-based numbers of the parts that never arrived. */
  missing: number[];
  /** TP-SCTS of the lowest-numbered part that arrived. */
  sentAt: string;
  /** Arrived parts in order, MISSING_PART_MARK for each missing one. */
  text: string;
  reason: 'expired' | 'evicted';
}

export interface ReassemblerOptions {
  /** Incomplete messages kept at once (default 64); beyond it the oldest is evicted. */
  maxPending?: number;
}

interface Group {
  from: string;
  ref: number;
  parts: number;
  firstSeen: number;
  texts: Array<string | undefined>;
  sentAt: Array<string | undefined>;
  have: number;
}

export class Reassembler {
  private readonly maxPending: number;
  private readonly pendingGroups = new Map<string, Group>();
  private evicted: PartialSms[] = [];

  constructor(opts: ReassemblerOptions = {}) {
    this.maxPending = Math.max(1, opts.maxPending ?? 64);
  }

  /** Incomplete messages held now. */
  get pending(): number {
    return this.pendingGroups.size;
  }

  /** Add one received part; returns the whole message when this part completes it (a single SMS at once). */
  add(p: DeliverPdu, now: number): ReceivedSms | undefined {
    const c = p.concat;
    if (!c || c.parts <= 1 || c.part < 1 || c.part > c.parts) {
      return { from: p.from, sentAt: p.sentAt, text: p.text, parts: 1 };
    }
    const key = JSON.stringify([p.from, c.ref, c.parts]);

    let g = this.pendingGroups.get(key);
    if (!g) {
      if (this.pendingGroups.size >= this.maxPending) this.evictOldest();
      g = { from: p.from, ref: c.ref, parts: c.parts, firstSeen: now, texts: Array.from({ length: c.parts }, () => undefined), sentAt: Array.from({ length: c.parts }, () => undefined), have: 0 };
      this.pendingGroups.set(key, g);
    }
    if (g.texts[c.part - 1] !== undefined) return undefined;
    g.texts[c.part - 1] = p.text;
    g.sentAt[c.part - 1] = p.sentAt;
    g.have++;
    if (g.have < g.parts) return undefined;

    this.pendingGroups.delete(key);
    return { from: g.from, sentAt: g.sentAt[0] ?? '', text: g.texts.join(''), parts: g.parts };
  }

  /**
   * Hand back (and forget) every incomplete message first seen at least
   * `maxAgeMs` before `now`, plus any evicted since the last call.
   */
  expire(now: number, maxAgeMs: number): PartialSms[] {
    const out = this.evicted;
    this.evicted = [];
    for (const [key, g] of this.pendingGroups) {
      if (now - g.firstSeen >= maxAgeMs) {
        out.push(partial(g, 'expired'));
        this.pendingGroups.delete(key);
      }
    }
    return out;
  }

  private evictOldest(): void {
    // Map iteration order is insertion order: the first entry was seen first.
    const first = this.pendingGroups.entries().next();
    if (first.done) return;
    const [key, g] = first.value;
    this.pendingGroups.delete(key);
    this.evicted.push(partial(g, 'evicted'));
  }
}

function partial(g: Group, reason: PartialSms['reason']): PartialSms {
  const missing: number[] = [];
  g.texts.forEach((t, i) => {
    if (t === undefined) missing.push(i + 1);
  });
  const text = g.texts.map((t) => t ?? MISSING_PART_MARK).join('');
  return { from: g.from, ref: g.ref, parts: g.parts, have: g.have, missing, sentAt: g.sentAt.find((s) => s !== undefined) ?? '', text, reason };
}
