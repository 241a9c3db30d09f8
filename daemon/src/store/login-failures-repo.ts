// Failed logins per (account, address): the login throttle's memory
// (table login_failures, migration 10). The account is the name as typed
// (lower case), whether or not such a user exists — an unknown name is
// throttled exactly like a real one, so the answers cannot tell them apart.
// Kept in the database, so a restart does not hand an attacker fresh
// attempts and `callpoint user unlock` works beside a running daemon.
import type { Queryable } from './db.js';

export interface LoginFailure {
  failures: number;
  lastAt: string;
  lockedUntil: string | null;
}

/** Rows without a failure for this long are forgotten. */
export const FORGET_MS = 24 * 3_600_000;
/** At most this many rows (one per attacking address and name tried): the oldest go first. */
export const MAX_ROWS = 50_000;

export class LoginFailuresRepo {
  constructor(private readonly db: Queryable) {}

  async get(account: string, address: string): Promise<LoginFailure | undefined> {
    return this.db.get<LoginFailure>('SELECT failures, last_at AS lastAt, locked_until AS lockedUntil FROM login_failures WHERE account = ? AND address = ?', [account, address]);
  }

  /** One more failure; `lockedUntil` set when this failure locks the pair. */
  async failed(account: string, address: string, at: string, lockedUntil: string | null): Promise<void> {
    await this.db.run(
      `INSERT INTO login_failures(account, address, failures, last_at, locked_until) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT(account, address) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at, locked_until = excluded.locked_until`,
      [account, address, at, lockedUntil],
    );
  }

  /** A correct password from this address: its count starts again (other addresses keep theirs). */
  async succeeded(account: string, address: string): Promise<void> {
    await this.db.run('DELETE FROM login_failures WHERE account = ? AND address = ?', [account, address]);
  }

  /** Failures on an account from every address since `since`. */
  async recentFailures(account: string, since: string): Promise<number> {
    return (await this.db.get<{ n: number | null }>('SELECT sum(failures) AS n FROM login_failures WHERE account = ? AND last_at >= ?', [account, since]))?.n ?? 0;
  }

  /** Accounts with at least one address locked out now. */
  async lockedAccounts(now: string): Promise<Set<string>> {
    return new Set((await this.db.all<{ account: string }>('SELECT DISTINCT account FROM login_failures WHERE locked_until > ?', [now])).map((r) => r.account));
  }

  /** The addresses that failed on an account (for clearing the daemon's per-address throttle too). */
  async addresses(account: string): Promise<string[]> {
    return (await this.db.all<{ address: string }>('SELECT address FROM login_failures WHERE account = ?', [account])).map((r) => r.address);
  }

  /** An administrator clears every lock and count of an account; returns how many addresses were held. */
  async clearAccount(account: string): Promise<number> {
    return (await this.db.run('DELETE FROM login_failures WHERE account = ?', [account])).changes;
  }

  async prune(now = Date.now()): Promise<number> {
    const iso = new Date(now).toISOString();
    const old = await this.db.run('DELETE FROM login_failures WHERE last_at < ? AND (locked_until IS NULL OR locked_until < ?)', [new Date(now - FORGET_MS).toISOString(), iso]);
    const over = await this.db.run('DELETE FROM login_failures WHERE rowid IN (SELECT rowid FROM login_failures ORDER BY last_at DESC LIMIT -1 OFFSET ?)', [MAX_ROWS]);
    return old.changes + over.changes;
  }
}
