// Commands from central already processed, by id, with the result that was
// sent: the uplink's idempotency memory (table uplink_commands, migration 3).
import type { Queryable } from './db.js';

export interface StoredResult {
  name: string;
  result: string;
}

export const KEEP_ROWS = 1000;
export const KEEP_MS = 7 * 24 * 3_600_000;

export class CommandsRepo {
  constructor(private readonly db: Queryable) {}

  async get(id: string): Promise<StoredResult | undefined> {
    return this.db.get<StoredResult>('SELECT name, result FROM uplink_commands WHERE id = ?', [id]);
  }

  /** First writer wins: a result already stored for this id is kept. */
  async put(id: string, name: string, result: string, at = new Date()): Promise<void> {
    await this.db.run('INSERT OR IGNORE INTO uplink_commands(id, name, result, received_at) VALUES (?, ?, ?, ?)', [id, name, result, at.toISOString()]);
  }

  /** Keep the newest KEEP_ROWS of the last KEEP_MS. */
  async prune(now = Date.now()): Promise<number> {
    const cutoff = new Date(now - KEEP_MS).toISOString();
    const r = await this.db.run(
      'DELETE FROM uplink_commands WHERE received_at < ? OR id NOT IN (SELECT id FROM uplink_commands ORDER BY received_at DESC LIMIT ?)',
      [cutoff, KEEP_ROWS],
    );
    return r.changes;
  }
}
