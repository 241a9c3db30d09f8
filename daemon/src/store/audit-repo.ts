// The audit log: who did what, when, from where, with what outcome.
// Append-only from the application's side.
import type { AuditEntry } from '../contracts/accounts.js';
import type { Phrase } from '../contracts/phrase.js';
import type { Queryable } from './db.js';
import { phraseFromColumn, phraseToColumn } from './phrase-column.js';

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'ts' | 'phrase'> & { ts?: string; phrase?: Phrase | null };

type Raw = Omit<AuditEntry, 'phrase'> & { phrase: string | null };
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
    const rows = before === undefined
      ? await this.db.all<Raw>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?', [limit])
      : await this.db.all<Raw>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?', [before, limit]);
    return rows.map(fromRaw);
  }
}
