// The audit log: who did what, when, from where, with what outcome.
// Append-only from the application's side; kept for a stated age and size
// (log.auditKeepDays, log.auditMaxRows), the oldest rows going first.
import type { AuditEntry } from '../contracts/accounts.js';
import type { Queryable } from './db.js';

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'ts'> & { ts?: string };

export class AuditRepo {
  constructor(private readonly db: Queryable) {}

  async insert(e: NewAuditEntry): Promise<AuditEntry> {
    const ts = e.ts ?? new Date().toISOString();
    const r = await this.db.run('INSERT INTO audit_log(ts, username, role, ip, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      ts, e.username, e.role, e.ip, e.action, e.target, e.outcome, e.detail,
    ]);
    return { id: r.lastID, ts, username: e.username, role: e.role, ip: e.ip, action: e.action, target: e.target, outcome: e.outcome, detail: e.detail };
  }

  /** Newest first; `before` pages back from an id. */
  async list(limit: number, before?: number): Promise<AuditEntry[]> {
    return before === undefined
      ? this.db.all<AuditEntry>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?', [limit])
      : this.db.all<AuditEntry>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?', [before, limit]);
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
