// Login sessions: a random 256-bit token in the cookie; only its sha256 is
// stored, so a copy of the database does not hold usable sessions. Ended by
// idle timeout, absolute timeout, logout, and any password change.
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repo.js';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export interface ActiveSession {
  tokenHash: string;
  csrfToken: string;
  user: UserRow;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Touch last-seen at most this often, not on every request. */
const TOUCH_EVERY_MS = 30_000;

export class Sessions {
  constructor(
    private readonly store: Store,
    /** Read per request: a change of the timeouts in the configuration holds at once. */
    private readonly policyOf: SessionPolicy | (() => SessionPolicy),
    private readonly now: () => number = Date.now,
  ) {}

  private get policy(): SessionPolicy {
    return typeof this.policyOf === 'function' ? this.policyOf() : this.policyOf;
  }

  async create(user: UserRow, ip: string | null, userAgent: string | null): Promise<{ token: string; csrfToken: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const t = this.now();
    await this.store.sessions.create({ tokenHash: hashToken(token), userId: user.id, csrfToken, createdMs: t, lastSeenMs: t, ip, userAgent: userAgent?.slice(0, 200) ?? null });
    return { token, csrfToken };
  }

  /** The live session for a cookie token, or null (expired ones are removed). */
  async resolve(token: string | undefined): Promise<ActiveSession | null> {
    if (!token || token.length > 200) return null;
    const tokenHash = hashToken(token);
    const s = await this.store.sessions.get(tokenHash);
    if (!s) return null;
    const t = this.now();
    if (t - s.lastSeenMs > this.policy.idleMs || t - s.createdMs > this.policy.maxMs) {
      // Best effort: an expired session is refused whether or not the row can be deleted now.
      await this.store.sessions.remove(tokenHash).catch(() => undefined);
      return null;
    }
    const user = await this.store.users.byId(s.userId);
    if (!user) return null;
    // Best effort too: with the disk full, a logged-in technician keeps working (alarms, health).
    if (t - s.lastSeenMs > TOUCH_EVERY_MS) await this.store.sessions.touch(tokenHash, t).catch(() => undefined);
    return { tokenHash, csrfToken: s.csrfToken, user };
  }

  end(tokenHash: string): Promise<void> {
    return this.store.sessions.remove(tokenHash);
  }

  purgeExpired(): Promise<number> {
    const t = this.now();
    return this.store.sessions.purge(t - this.policy.idleMs, t - this.policy.maxMs);
  }
}
