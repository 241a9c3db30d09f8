// The accounts runtime API: login, first-run setup, users. It knows nothing of
// HTTP (the routes are thin adapters) and takes an Actor for authorisation and
// audit. Every change is written together with its audit row in one
// transaction, so what was acknowledged was also audited.
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { AuditSummary } from '../store/audit-summary.js';
import { isStoreFailure, storeFailure, type Repos, type Store } from '../store/store.js';
import type { UserRow } from '../store/users-repo.js';
import { type AuditEntry, type AuditOutcome, type Role, type UserRecord } from '../contracts/accounts.js';
import { ROLES, USERNAME_RE } from '../contracts/values.js';
import { english, phrase, phraseList, type Phrase } from '../contracts/phrases/index.js';
import { hasRole, type Actor } from './actor.js';
import { ATTACK_FAILURES, ATTACK_WINDOW_MS, AddressThrottle, FREE_FAILURES, UNDER_ATTACK_FREE, pairLockMs, throttleKey } from './login-throttle.js';
import { PasswordCheckBusy, dummyHash, hashPassword, verifyPassword } from './password-hash.js';
import { passwordProblem } from './password-policy.js';
import { fail, invalid, ok, type Failure, type Result } from './result.js';
import { checkSetupToken, consumeSetupToken } from './setup-token.js';
import type { Sessions } from './sessions.js';

/** A user as the admin's list shows it. */
export type UserView = UserRecord;

export interface LoggedIn {
  user: { username: string; role: Role };
  token: string;
  csrfToken: string;
}

export interface AuditRecord {
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  /** What happened, in any language (contracts/phrases). */
  phrase?: Phrase | null;
  /** In English: the phrase's, unless there is more to say. */
  detail?: string | null;
}

/** `locked`: some address is locked out of this name now (the owner may still log in from another). */
const view = (u: UserRow, locked: Set<string>): UserView => ({
  username: u.username,
  role: u.role,
  createdAt: u.createdAt,
  lastLoginAt: u.lastLoginAt,
  locked: locked.has(throttleKey(u.username)),
});

/** One answer for every throttle (address, name, unknown name): nothing to tell them apart. */
const throttled = (waitMs: number): Failure => ({ ok: false, code: 'throttled', message: 'too many failed attempts; wait before trying again', retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)) });

export interface AccountsOptions {
  throttle?: AddressThrottle;
  /** Where refused logins are audited under a flood (one row per kind and minute); default: a row each. */
  refusals?: AuditSummary;
}

export class Accounts {
  private readonly throttle: AddressThrottle;
  private readonly refusals: AuditSummary | undefined;

  constructor(
    private readonly store: Store,
    private readonly sessions: Sessions,
    private readonly bus: EventBus,
    private readonly log: Logger,
    o: AccountsOptions = {},
  ) {
    this.throttle = o.throttle ?? new AddressThrottle();
    this.refusals = o.refusals;
  }

  /** A refusal before any password was checked (throttled, busy): summarised under a flood when a summary is given. */
  private async auditRefusal(actor: Actor, rec: AuditRecord): Promise<void> {
    if (!this.refusals) {
      await this.audit(actor, rec);
      return;
    }
    // The first ones are written before the answer, like every audit row; the rest are counted.
    const detail = rec.detail ?? (rec.phrase ? english(rec.phrase) : null);
    await this.refusals.note(`${rec.action}|${detail ?? ''}`, { username: actor.username, role: actor.role, ip: actor.ip, action: rec.action, target: rec.target ?? null, outcome: rec.outcome, detail, phrase: rec.phrase ?? null });
  }

  /** Write one audit row (inside `q` when given, so it commits with the change). */
  async audit(actor: Actor, rec: AuditRecord, q?: Repos): Promise<AuditEntry> {
    const entry = await (q ?? this.store).audit.insert({
      username: actor.username,
      role: actor.role,
      ip: actor.ip,
      action: rec.action,
      target: rec.target ?? null,
      outcome: rec.outcome,
      detail: rec.detail ?? (rec.phrase ? english(rec.phrase) : null),
      phrase: rec.phrase ?? null,
    });
    if (!q) this.bus.emit('audit', entry);
    return entry;
  }

  private async change<T>(actor: Actor, rec: AuditRecord, body: (q: Repos) => Promise<T>): Promise<T> {
    const [value, entry] = await this.store.tx(async (q) => {
      const v = await body(q);
      return [v, await this.audit(actor, rec, q)] as const;
    });
    this.bus.emit('audit', entry);
    return value;
  }

  async needsSetup(): Promise<boolean> {
    return (await this.store.users.count()) === 0;
  }

  /** Attempts from one address, and for one account, run one after another. */
  private readonly loginQueues = new Map<string, Promise<unknown>>();

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.loginQueues.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.loginQueues.set(key, tail);
    void tail.then(() => {
      if (this.loginQueues.get(key) === tail) this.loginQueues.delete(key);
    });
    return next;
  }

  /**
   * Log in. Attempts are serialised per address and per account, so the
   * throttle and the lock see every earlier failure: parallel guesses cannot
   * all pass the check before the first one is counted.
   */
  login(ip: string, userAgent: string | null, username: unknown, password: unknown): Promise<Result<LoggedIn>> {
    const account = typeof username === 'string' ? username.toLowerCase().slice(0, 64) : '';
    return this.serial(`ip:${ip}`, () => this.serial(`user:${account}`, () => this.loginOnce(ip, userAgent, username, password).catch((err: unknown) => this.unwritable(err))));
  }

  /**
   * A login needs the database to take a session (and a failure its count):
   * when it cannot (a full disk), the answer says so — the person at the
   * screen learns why, and that alarms still go out — instead of a 500.
   */
  private unwritable(err: unknown): Result<LoggedIn> {
    if (!isStoreFailure(err)) throw err;
    this.log.error({ err }, 'a login failed: the database cannot be written');
    return { ok: false, code: 'unavailable', message: `nobody can log in now: ${storeFailure(err)}. Alarms are still signalled and called. Free space in the data directory (or replace the card) and try again.`, retryAfterS: 30 };
  }

  private async loginOnce(ip: string, userAgent: string | null, username: unknown, password: unknown): Promise<Result<LoggedIn>> {
    const actor: Actor = { username: typeof username === 'string' ? username.slice(0, 64) : null, role: null, ip };
    const wait = this.throttle.waitMs(ip);
    if (wait > 0) {
      await this.auditRefusal(actor, { action: 'login', outcome: 'denied', phrase: phrase('audit.login.throttled') });
      return throttled(wait);
    }
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password || password.length > 1024) {
      return invalid('username and password are required');
    }
    // Everything below treats a name nobody has exactly like a real one: the same
    // counting, the same lock, the same answers, the same cost (a dummy hash).
    const key = throttleKey(username);
    const now = Date.now();
    const pair = await this.store.loginFailures.get(key, ip);
    const user = await this.store.users.byName(username);
    if (pair?.lockedUntil && Date.parse(pair.lockedUntil) > now) {
      this.throttle.failed(ip);
      await this.auditRefusal(actor, { action: 'login', target: user?.username ?? null, outcome: 'denied', phrase: phrase('audit.login.addressLocked') });
      return throttled(Date.parse(pair.lockedUntil) - now);
    }
    let good: boolean;
    try {
      good = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    } catch (e) {
      if (e instanceof PasswordCheckBusy) {
        await this.auditRefusal(actor, { action: 'login', outcome: 'denied', phrase: phrase('audit.login.busy') });
        return { ok: false, code: 'busy', message: e.message, retryAfterS: 2 };
      }
      throw e;
    }
    if (!user || !good) {
      this.throttle.failed(ip);
      // The global slow-down: a name guessed at from many addresses gives each address one try, not five.
      const underAttack = (await this.store.loginFailures.recentFailures(key, new Date(now - ATTACK_WINDOW_MS).toISOString())) >= ATTACK_FAILURES;
      const failures = (pair?.failures ?? 0) + 1;
      const lockMs = pairLockMs(failures, underAttack ? UNDER_ATTACK_FREE : FREE_FAILURES);
      const lockedUntil = lockMs ? new Date(now + lockMs).toISOString() : null;
      const why = phraseList([
        phrase(user ? 'audit.login.wrongPassword' : 'audit.login.unknownUser'),
        ...(lockMs ? [phrase(underAttack ? 'audit.login.addressLockedForUnderAttack' : 'audit.login.addressLockedFor', { seconds: Math.round(lockMs / 1000) })] : []),
      ]);
      await this.change(actor, { action: 'login', target: user?.username ?? null, outcome: 'failed', phrase: why }, (q) => q.loginFailures.failed(key, ip, new Date(now).toISOString(), lockedUntil));
      if (lockMs) this.log.warn({ username: key, ip, lockS: lockMs / 1000, underAttack }, 'an address is locked out of a name after failed logins');
      return fail('unauthorized', 'wrong username or password');
    }
    this.throttle.succeeded(ip);
    const s = await this.sessions.create(user, ip, userAgent);
    await this.change({ ...actor, username: user.username, role: user.role }, { action: 'login', target: user.username, outcome: 'ok' }, async (q) => {
      await q.users.loginSucceeded(user.id);
      await q.loginFailures.succeeded(key, ip);
    });
    return ok({ user: { username: user.username, role: user.role }, ...s });
  }

  /** An administrator lifts every lock on a name (all addresses), in the database and in this process. */
  async unlock(actor: Actor, username: string): Promise<Result<{ addresses: number }>> {
    if (!hasRole(actor, 'admin')) return fail('forbidden', 'only an administrator can unlock an account');
    const user = await this.store.users.byName(username);
    if (!user) return fail('not_found', `no user named ${username}`);
    const key = throttleKey(user.username);
    for (const address of await this.store.loginFailures.addresses(key)) this.throttle.succeeded(address);
    const addresses = await this.change(actor, { action: 'user.unlock', target: user.username, outcome: 'ok' }, (q) => q.loginFailures.clearAccount(key));
    this.log.info({ username: user.username, addresses, by: actor.username }, 'login locks cleared');
    return ok({ addresses });
  }

  /** Forget old failures (called periodically). */
  pruneLoginFailures(): Promise<number> {
    return this.store.loginFailures.prune();
  }

  async setup(ip: string, userAgent: string | null, token: unknown, username: unknown, password: unknown): Promise<Result<LoggedIn>> {
    const actor: Actor = { username: null, role: null, ip };
    const wait = this.throttle.waitMs(ip);
    if (wait > 0) return throttled(wait);
    const state = (await this.needsSetup()) ? await checkSetupToken(this.store.settings, token) : 'invalid';
    if (state !== 'ok') {
      this.throttle.failed(ip);
      await this.audit(actor, { action: 'setup', outcome: 'denied', phrase: state === 'expired' ? phrase('audit.setup.expired') : phrase('audit.setup.invalid') });
      return fail('unauthorized', state === 'expired' ? 'this setup link has expired; restart the daemon for a new one' : 'this setup link is not valid (already used?)');
    }
    if (typeof username !== 'string' || !USERNAME_RE.test(username)) return invalid('the username must be 2–32 letters, digits, ".", "_" or "-"', 'username');
    const problem = await passwordProblem(password as string, username);
    if (problem) return invalid(problem, 'password');
    const hash = await hashPassword(password as string);
    const id = await this.change({ username, role: 'admin', ip }, { action: 'setup', target: username, outcome: 'ok', phrase: phrase('audit.setup.done') }, async (q) => {
      if ((await q.users.count()) > 0) throw new Error('setup raced with another setup');
      const newId = await q.users.create(username, 'admin', hash);
      await consumeSetupToken(q.settings);
      return newId;
    });
    const user = (await this.store.users.byId(id))!;
    const s = await this.sessions.create(user, ip, userAgent);
    this.log.info({ username }, 'first administrator created; setup link used up');
    return ok({ user: { username, role: 'admin' }, ...s });
  }

  async logout(actor: Actor, tokenHash: string): Promise<void> {
    await this.change(actor, { action: 'logout', target: actor.username, outcome: 'ok' }, (q) => q.sessions.remove(tokenHash));
  }

  async changeOwnPassword(actor: Actor, current: unknown, next: unknown): Promise<Result<void>> {
    const user = actor.username ? await this.store.users.byName(actor.username) : undefined;
    if (!user) return fail('unauthorized', 'not logged in');
    if (typeof current !== 'string' || !(await verifyPassword(current, user.passwordHash))) {
      await this.audit(actor, { action: 'password.change', target: user.username, outcome: 'failed', phrase: phrase('audit.password.wrong') });
      return fail('unauthorized', 'the current password is wrong');
    }
    const problem = await passwordProblem(next as string, user.username);
    if (problem) return invalid(problem, 'next');
    const hash = await hashPassword(next as string);
    await this.change(actor, { action: 'password.change', target: user.username, outcome: 'ok', phrase: phrase('audit.password.changed') }, async (q) => {
      await q.users.setPassword(user.id, hash);
      await q.sessions.removeForUser(user.id);
    });
    return ok(undefined);
  }

  async listUsers(actor: Actor): Promise<Result<UserView[]>> {
    if (!hasRole(actor, 'admin')) return fail('forbidden', 'only an administrator can list users');
    const locked = await this.store.loginFailures.lockedAccounts(new Date().toISOString());
    return ok((await this.store.users.list()).map((u) => view(u, locked)));
  }

  async addUser(actor: Actor, username: unknown, password: unknown, role: unknown): Promise<Result<UserView>> {
    if (!hasRole(actor, 'admin')) return fail('forbidden', 'only an administrator can add users');
    if (typeof username !== 'string' || !USERNAME_RE.test(username)) return invalid('the username must be 2–32 letters, digits, ".", "_" or "-"', 'username');
    if (!ROLES.includes(role as Role)) return invalid(`the role must be one of ${ROLES.join(', ')}`, 'role');
    const problem = await passwordProblem(password as string, username);
    if (problem) return invalid(problem, 'password');
    if (await this.store.users.byName(username)) return fail('conflict', `a user named ${username} exists already`);
    const hash = await hashPassword(password as string);
    try {
      const id = await this.change(actor, { action: 'user.add', target: username, outcome: 'ok', phrase: phrase('audit.user.added', { role: role as Role }) }, (q) => q.users.create(username, role as Role, hash));
      return ok(view((await this.store.users.byId(id))!, new Set()));
    } catch (e) {
      if (/UNIQUE/.test((e as Error).message)) return fail('conflict', `a user named ${username} exists already`);
      throw e;
    }
  }

  async updateUser(actor: Actor, username: string, patch: { role?: unknown; password?: unknown }): Promise<Result<UserView>> {
    if (!hasRole(actor, 'admin')) return fail('forbidden', 'only an administrator can change users');
    const user = await this.store.users.byName(username);
    if (!user) return fail('not_found', `no user named ${username}`);
    if (patch.role === undefined && patch.password === undefined) return invalid('nothing to change: give role and/or password');
    if (patch.role !== undefined && !ROLES.includes(patch.role as Role)) return invalid(`the role must be one of ${ROLES.join(', ')}`, 'role');
    const role = patch.role as Role | undefined;
    if (role && role !== 'admin' && user.role === 'admin' && (await this.store.users.countRole('admin')) <= 1) return fail('conflict', 'the last administrator cannot be demoted');
    let hash: string | undefined;
    if (patch.password !== undefined) {
      const problem = await passwordProblem(patch.password as string, user.username);
      if (problem) return invalid(problem, 'password');
      hash = await hashPassword(patch.password as string);
    }
    const said = phraseList([...(role ? [phrase('audit.user.role', { from: user.role, to: role })] : []), ...(hash ? [phrase('audit.user.reset')] : [])]);
    await this.change(actor, { action: 'user.update', target: user.username, outcome: 'ok', phrase: said }, async (q) => {
      if (role) await q.users.setRole(user.id, role);
      if (hash) {
        await q.users.setPassword(user.id, hash);
        await q.sessions.removeForUser(user.id);
      }
    });
    return ok(view((await this.store.users.byId(user.id))!, await this.store.loginFailures.lockedAccounts(new Date().toISOString())));
  }

  async removeUser(actor: Actor, username: string): Promise<Result<void>> {
    if (!hasRole(actor, 'admin')) return fail('forbidden', 'only an administrator can remove users');
    const user = await this.store.users.byName(username);
    if (!user) return fail('not_found', `no user named ${username}`);
    if (user.role === 'admin' && (await this.store.users.countRole('admin')) <= 1) return fail('conflict', 'the last administrator cannot be removed');
    await this.change(actor, { action: 'user.remove', target: user.username, outcome: 'ok' }, (q) => q.users.remove(user.id));
    return ok(undefined);
  }
}
