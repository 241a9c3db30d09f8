// The audit log: who did what, when, from where, with what outcome.
// Append-only from the application's side.
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
}
