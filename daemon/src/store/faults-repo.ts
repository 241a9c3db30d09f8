// Supervision faults (table faults, migration 5): at most one open row per key.
import type { Fault } from '../contracts/faults.js';
import type { Queryable } from './db.js';
import { phraseFromColumn, phraseToColumn } from './phrase-column.js';

interface Raw {
  id: number; key: string; source: string; code: string; subject: string | null; detail: string; phrase: string | null; raised_at: string; cleared_at: string | null;
}
const fromRaw = (r: Raw): Fault => ({ id: r.id, key: r.key, source: r.source, code: r.code, subject: r.subject, detail: r.detail, phrase: phraseFromColumn(r.phrase), raisedAt: r.raised_at, clearedAt: r.cleared_at });

export type NewFault = Omit<Fault, 'id' | 'raisedAt' | 'clearedAt'>;

export class FaultsRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Open a fault. When one is already open under this key only its detail is
   * refreshed: `fresh` false, and undefined when nothing changed at all.
   */
  async raise(f: NewFault, at: string): Promise<{ fault: Fault; fresh: boolean } | undefined> {
    const open = await this.openByKey(f.key);
    if (open) {
      if (open.detail === f.detail && phraseToColumn(open.phrase) === phraseToColumn(f.phrase)) return undefined;
      await this.db.run('UPDATE faults SET detail = ?, phrase = ? WHERE id = ?', [f.detail, phraseToColumn(f.phrase), open.id]);
      return { fault: { ...open, detail: f.detail, phrase: f.phrase }, fresh: false };
    }
    const r = await this.db.get<Raw>(
      'INSERT INTO faults(key, source, code, subject, detail, phrase, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
      [f.key, f.source, f.code, f.subject, f.detail, phraseToColumn(f.phrase), at],
    );
    return { fault: fromRaw(r!), fresh: true };
  }

  /** Close the open fault under this key; undefined when none was open. */
  async clear(key: string, at: string): Promise<Fault | undefined> {
    const r = await this.db.get<Raw>('UPDATE faults SET cleared_at = ? WHERE key = ? AND cleared_at IS NULL RETURNING *', [at, key]);
    return r && fromRaw(r);
  }

  async openByKey(key: string): Promise<Fault | undefined> {
    const r = await this.db.get<Raw>('SELECT * FROM faults WHERE key = ? AND cleared_at IS NULL', [key]);
    return r && fromRaw(r);
  }

  async open(): Promise<Fault[]> {
    return (await this.db.all<Raw>('SELECT * FROM faults WHERE cleared_at IS NULL ORDER BY raised_at, id')).map(fromRaw);
  }

  /** The newest faults, open or cleared. */
  async recent(limit: number): Promise<Fault[]> {
    return (await this.db.all<Raw>('SELECT * FROM faults ORDER BY id DESC LIMIT ?', [limit])).map(fromRaw);
  }
}
