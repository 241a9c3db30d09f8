// Audit rows for refusals, bounded under a flood. A refusal is worth a row —
// someone tried something — but 100,000 of them in ten seconds are one fact,
// not 100,000 rows (and not 100,000 disk syncs on the database queue an
// emergency shares). Per kind of refusal and per interval: the first few are
// written as they come (with their own details), the rest are counted, and
// one row at the end of the interval says how many more there were. Kinds are
// bounded too: past MAX_KINDS in an interval, new kinds are counted under one
// "other" row. So an interval writes at most (FIRST + 1) × (MAX_KINDS + 1)
// rows, however hard it is flooded.
import { english, phrase } from '../contracts/phrases/index.js';
import type { Logger } from '../log/logger.js';
import type { NewAuditEntry } from './audit-repo.js';

export interface AuditSummaryOptions {
  intervalMs?: number;
  /** Rows written as they come, per kind and interval. */
  first?: number;
  maxKinds?: number;
}

interface Kind {
  template: NewAuditEntry;
  seen: number;
  firstAt: string;
  /** The catch-all of kinds past maxKinds: only counted, never written one by one. */
  other: boolean;
}

const OTHER = '\0other';

export class AuditSummary {
  private kinds = new Map<string, Kind>();
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly first: number;
  private readonly maxKinds: number;
  /** Rows written by this summariser since start (for tests and health). */
  written = 0;

  constructor(
    private readonly write: (e: NewAuditEntry) => Promise<unknown>,
    private readonly log: Logger,
    o: AuditSummaryOptions = {},
  ) {
    this.intervalMs = o.intervalMs ?? 60_000;
    this.first = o.first ?? 3;
    this.maxKinds = o.maxKinds ?? 32;
  }

  /**
   * One refusal of kind `kind` (`entry` may be a function, called only when a
   * row is written). Returns the write when it is written on its own (the
   * caller may log it too, or wait for it); false when it is only counted.
   */
  note(kind: string, entry: NewAuditEntry | (() => NewAuditEntry)): Promise<unknown> | false {
    const made = () => (typeof entry === 'function' ? entry() : entry);
    let k = this.kinds.get(kind);
    if (!k) {
      if (this.kinds.size >= this.maxKinds) kind = OTHER;
      k = this.kinds.get(kind);
      if (!k) {
        const other = kind === OTHER;
        const e = made();
        k = { template: other ? { ...e, target: null, detail: english(phrase('audit.summary.other')), phrase: phrase('audit.summary.other') } : e, seen: 0, firstAt: new Date().toISOString(), other };
        this.kinds.set(kind, k);
      }
    }
    k.seen++;
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
    // Past the first few, only a count: nothing is built for a message of a flood.
    if (k.seen > this.first || k.other) return false;
    return this.emit(k.seen === 1 ? k.template : made());
  }

  /** Write the summary rows of the interval now (also at stop). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const done = this.kinds;
    this.kinds = new Map();
    const writes: Array<Promise<unknown>> = [];
    for (const k of done.values()) {
      const more = k.other ? k.seen : k.seen - Math.min(k.seen, this.first);
      if (more <= 0) continue;
      const said = phrase('audit.summary.more', { more, since: k.firstAt, count: k.seen, what: k.template.phrase ?? k.template.detail ?? '' });
      const detail = english(said).slice(0, 1000);
      this.log.warn({ action: k.template.action, count: k.seen, since: k.firstAt }, `${k.seen} refusals (${k.template.action}) since ${k.firstAt}: ${k.template.detail ?? ''}`);
      writes.push(this.emit({ ...k.template, ts: undefined, detail, phrase: said }));
    }
    await Promise.all(writes);
  }

  async stop(): Promise<void> {
    await this.flush();
  }

  private emit(e: NewAuditEntry): Promise<unknown> {
    this.written++;
    return this.write(e).catch((err: unknown) => this.log.error({ err }, 'audit write failed'));
  }
}
