// Commands from central already processed, by id, with what the id is bound
// to and the result that was sent: the uplink's idempotency memory (table
// uplink_commands, migrations 3 and 11). Kept for the replay window after
// each command was signed; past a row cap the oldest go first and the
// horizon moves up with them (a command signed before the horizon is refused
// as expired, so a forgotten id can never run again).
import type { Queryable } from './db.js';

export interface StoredResult {
  name: string;
  result: string;
  /** NULL for ids stored before commands were signed. */
  fingerprint: string | null;
  receivedAt: string;
}

export interface NewCommand {
  id: string;
  name: string;
  result: string;
  fingerprint: string;
  keyId: string;
  nonce: string;
  signedAt: string;
}

/** Rows kept at most, whatever the window: central's own commands, so a generous bound. */
export const MAX_ROWS = 200_000;
export const HORIZON_KEY = 'uplink.command-horizon';

export class CommandsRepo {
  constructor(private readonly db: Queryable) {}

  async get(id: string): Promise<StoredResult | undefined> {
    return this.db.get<StoredResult>('SELECT name, result, fingerprint, received_at AS receivedAt FROM uplink_commands WHERE id = ?', [id]);
  }

  /** The id a nonce was used for, with this key. */
  async idOfNonce(keyId: string, nonce: string): Promise<string | undefined> {
    return (await this.db.get<{ id: string }>('SELECT id FROM uplink_commands WHERE key_id = ? AND nonce = ?', [keyId, nonce]))?.id;
  }

  /** First writer wins: a result already stored for this id is kept. */
  async put(c: NewCommand, at = new Date()): Promise<void> {
    await this.db.run('INSERT OR IGNORE INTO uplink_commands(id, name, result, received_at, fingerprint, key_id, nonce, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      c.id, c.name, c.result, at.toISOString(), c.fingerprint, c.keyId, c.nonce, c.signedAt,
    ]);
  }

  /**
   * Forget ids signed before `now - windowMs` (received, for the rows stored
   * before signing), then the oldest past MAX_ROWS. Returns how many went and
   * the horizon: the newest signing time forgotten by the cap (ms), if any.
   */
  async prune(windowMs: number, now = Date.now()): Promise<{ pruned: number; horizonMs: number | undefined }> {
    const cutoff = new Date(now - windowMs).toISOString();
    let pruned = (await this.db.run('DELETE FROM uplink_commands WHERE coalesce(signed_at, received_at) < ?', [cutoff])).changes;
    const over = await this.db.get<{ at: string | null }>('SELECT coalesce(signed_at, received_at) AS at FROM uplink_commands ORDER BY coalesce(signed_at, received_at) DESC LIMIT 1 OFFSET ?', [MAX_ROWS]);
    let horizonMs: number | undefined;
    if (over?.at) {
      pruned += (await this.db.run('DELETE FROM uplink_commands WHERE coalesce(signed_at, received_at) <= ?', [over.at])).changes;
      horizonMs = Date.parse(over.at);
    }
    return { pruned, horizonMs };
  }
}
