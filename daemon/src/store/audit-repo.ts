// The audit log: who did what, when, from where, with what outcome.
// Append-only from the application's side; kept for a stated age and size
// (log.auditKeepDays, log.auditMaxRows), the oldest rows going first.
import type { AuditEntry } from '../contracts/accounts.js';
import type { Phrase } from '../contracts/phrase.js';
import type { Queryable } from './db.js';
import { phraseFromColumn, phraseToColumn } from './phrase-column.js';

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'ts' | 'phrase'> & { ts?: string; phrase?: Phrase | null };

type Raw = Omit<AuditEntry, 'phrase'> & { phrase: string | null };

export interface AuditQuery {
  text?: string;
  user?: string;
  action?: string;
  outcome?: AuditEntry['outcome'];
  /** ISO-8601 UTC bounds of the time. */
  from?: string;
  to?: string;
  /** Entries older than this id (the next page). */
  before?: number;
}
const fromRaw = (r: Raw): AuditEntry => ({ ...r, phrase: phraseFromColumn(r.phrase) });

export class AuditRepo {
  constructor(private readonly db: Queryable) {}

  async insert(e: NewAuditEntry): Promise<AuditEntry> {
    const ts = e.ts ?? new Date().toISOString();
    const phrase = e.phrase ?? null;
    const r = await this.db.run('INSERT INTO audit_log(ts, username, role, ip, action, target, outcome, detail, phrase) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      ts, e.username, e.role, e.ip, e.action, e.target, e.outcome, e.detail, phraseToColumn(phrase),
    ]);
    return { id: r.lastID, ts, username: e.username, role: e.role, ip: e.ip, action: e.action, target: e.target, outcome: e.outcome, detail: e.detail, phrase };
  }

  /** Newest first; `before` pages back from an id. */
  async list(limit: number, before?: number): Promise<AuditEntry[]> {
    return this.search({ before }, limit);
  }

  /**
   * Newest first, the entries that match every filter given: `text` anywhere
   * in who, what, on what or the detail (case-insensitive); `user`, `action`
   * (that action, or those under it: "user" finds user.add…), `outcome`
   * exactly; `from`/`to` on the time. The audit log is small beside the call
   * records (a person's actions): the id index pages through it.
   */
  async search(f: AuditQuery, limit: number): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    // '!' escapes LIKE's wildcards in what the user typed.
    const escaped = (s: string) => s.replace(/[!%_]/g, '!$&');
    if (f.before !== undefined) add('id < ?', f.before);
    if (f.text) {
      const like = `%${escaped(f.text)}%`;
      add(`(${['username', 'action', 'target', 'detail', 'ip'].map((c) => `${c} LIKE ? ESCAPE '!'`).join(' OR ')})`, like, like, like, like, like);
    }
    if (f.user) add('username = ? COLLATE NOCASE', f.user);
    if (f.action) add("(action = ? OR action LIKE ? ESCAPE '!')", f.action, `${escaped(f.action)}.%`);
    if (f.outcome) add('outcome = ?', f.outcome);
    if (f.from) add('ts >= ?', f.from);
    if (f.to) add('ts < ?', f.to);
    const rows = await this.db.all<Raw>(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, [...params, limit]);
    return rows.map(fromRaw);
  }

  /**
   * Delete rows older than `keepDays` and the oldest beyond `maxRows`, a few
   * thousand per statement: each is its own job on the database queue, so an
   * emergency's write never waits behind one long delete. Returns how many went.
   */
  async prune(keepDays: number, maxRows: number, now = Date.now()): Promise<number> {
    // By age: the part of the log, in the order it was written, older than the cutoff — the rows
    // before the first one that is not. A board without a clock writes rows stamped 1970 until NTP
    // sets it; going by writing order, such rows do not pull newer ones out with them.
    const cutoff = new Date(now - keepDays * 86_400_000).toISOString();
    const firstKept = (await this.db.get<{ id: number | null }>('SELECT min(id) AS id FROM audit_log WHERE ts >= ?', [cutoff]))?.id;
    const byAge = firstKept != null ? firstKept - 1 : ((await this.db.get<{ id: number | null }>('SELECT max(id) AS id FROM audit_log'))?.id ?? 0);
    const bySize = (await this.db.get<{ id: number }>('SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?', [maxRows]))?.id ?? 0;
    const upTo = Math.max(byAge, bySize);
    let total = 0;
    for (;;) {
      const n = (await this.db.run('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE id <= ? ORDER BY id LIMIT 2000)', [upTo])).changes;
      total += n;
      if (n < 2000) return total;
    }
  }

  async count(): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'))?.n ?? 0;
  }
}
