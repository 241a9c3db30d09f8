import type { Queryable } from './db.js';

export interface SessionRow {
  tokenHash: string;
  userId: number;
  csrfToken: string;
  createdMs: number;
  lastSeenMs: number;
  ip: string | null;
  userAgent: string | null;
}

export class SessionsRepo {
  constructor(private readonly db: Queryable) {}

  async create(s: SessionRow): Promise<void> {
    await this.db.run('INSERT INTO sessions(token_hash, user_id, csrf_token, created_ms, last_seen_ms, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      s.tokenHash, s.userId, s.csrfToken, s.createdMs, s.lastSeenMs, s.ip, s.userAgent,
    ]);
  }

  async get(tokenHash: string): Promise<SessionRow | undefined> {
    const r = await this.db.get<{ token_hash: string; user_id: number; csrf_token: string; created_ms: number; last_seen_ms: number; ip: string | null; user_agent: string | null }>(
      'SELECT * FROM sessions WHERE token_hash = ?',
      [tokenHash],
    );
    return r && { tokenHash: r.token_hash, userId: r.user_id, csrfToken: r.csrf_token, createdMs: r.created_ms, lastSeenMs: r.last_seen_ms, ip: r.ip, userAgent: r.user_agent };
  }

  async touch(tokenHash: string, nowMs: number): Promise<void> {
    await this.db.run('UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?', [nowMs, tokenHash]);
  }

  async remove(tokenHash: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
  }

  async removeForUser(userId: number): Promise<number> {
    return (await this.db.run('DELETE FROM sessions WHERE user_id = ?', [userId])).changes;
  }

  async purge(idleBeforeMs: number, createdBeforeMs: number): Promise<number> {
    return (await this.db.run('DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?', [idleBeforeMs, createdBeforeMs])).changes;
  }
}
