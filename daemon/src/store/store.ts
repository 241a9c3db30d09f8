// The store: one database in the data directory, migrated at open, with one
// repository per table. `tx` gives the repositories bound to one transaction.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Db, StoreError, type Queryable } from './db.js';
import { migrate } from './migrate.js';
import { AlarmsRepo } from './alarms-repo.js';
import { AuditRepo } from './audit-repo.js';
import { CallsRepo } from './calls-repo.js';
import { CommandsRepo } from './commands-repo.js';
import { ConfigVersionsRepo } from './config-versions-repo.js';
import { DeskRepo } from './desk-repo.js';
import { FaultsRepo } from './faults-repo.js';
import { LoginFailuresRepo } from './login-failures-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { RoutingListsRepo } from './routing-lists-repo.js';
import { SessionsRepo } from './sessions-repo.js';
import { SettingsRepo } from './settings-repo.js';
import { SimPinsRepo } from './sim-pins-repo.js';
import { SmsPartsRepo } from './sms-parts-repo.js';
import { SmsRepo } from './sms-repo.js';
import { UsersRepo } from './users-repo.js';
import { WalkTestsRepo } from './walk-tests-repo.js';

export const DB_FILE = 'callpoint.db';
/** Settings key: the site and node whose database this is (recorded at each start; restore compares a backup's). */
export const IDENTITY_KEY = 'system.identity';

export interface Repos {
  settings: SettingsRepo;
  users: UsersRepo;
  sessions: SessionsRepo;
  audit: AuditRepo;
  outbox: OutboxRepo;
  calls: CallsRepo;
  alarms: AlarmsRepo;
  commands: CommandsRepo;
  faults: FaultsRepo;
  sms: SmsRepo;
  smsParts: SmsPartsRepo;
  simPins: SimPinsRepo;
  loginFailures: LoginFailuresRepo;
  configVersions: ConfigVersionsRepo;
  walkTests: WalkTestsRepo;
  routingLists: RoutingListsRepo;
  desk: DeskRepo;
}

export interface Origin {
  site: string;
  node: string;
}

function reposOver(q: Queryable, origin: Origin): Repos {
  return { settings: new SettingsRepo(q), users: new UsersRepo(q), sessions: new SessionsRepo(q), audit: new AuditRepo(q), outbox: new OutboxRepo(q, origin), calls: new CallsRepo(q), alarms: new AlarmsRepo(q), commands: new CommandsRepo(q), faults: new FaultsRepo(q), sms: new SmsRepo(q), smsParts: new SmsPartsRepo(q), simPins: new SimPinsRepo(q), loginFailures: new LoginFailuresRepo(q), configVersions: new ConfigVersionsRepo(q), walkTests: new WalkTestsRepo(q), routingLists: new RoutingListsRepo(q), desk: new DeskRepo(q) };
}

export class Store implements Repos {
  readonly settings: SettingsRepo;
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly audit: AuditRepo;
  readonly outbox: OutboxRepo;
  readonly calls: CallsRepo;
  readonly alarms: AlarmsRepo;
  readonly commands: CommandsRepo;
  readonly faults: FaultsRepo;
  readonly sms: SmsRepo;
  readonly smsParts: SmsPartsRepo;
  readonly simPins: SimPinsRepo;
  readonly loginFailures: LoginFailuresRepo;
  readonly configVersions: ConfigVersionsRepo;
  readonly walkTests: WalkTestsRepo;
  readonly routingLists: RoutingListsRepo;
  readonly desk: DeskRepo;

  private constructor(
    readonly db: Db,
    private readonly origin: Origin,
    readonly migrationsApplied: number,
  ) {
    const r = reposOver(db, origin);
    this.settings = r.settings;
    this.users = r.users;
    this.sessions = r.sessions;
    this.audit = r.audit;
    this.outbox = r.outbox;
    this.calls = r.calls;
    this.alarms = r.alarms;
    this.commands = r.commands;
    this.faults = r.faults;
    this.sms = r.sms;
    this.smsParts = r.smsParts;
    this.simPins = r.simPins;
    this.loginFailures = r.loginFailures;
    this.configVersions = r.configVersions;
    this.walkTests = r.walkTests;
    this.routingLists = r.routingLists;
    this.desk = r.desk;
  }

  static async open(dataDir: string, origin: Origin): Promise<Store> {
    await mkdir(dataDir, { recursive: true, mode: 0o750 });
    const db = await Db.open(join(dataDir, DB_FILE));
    try {
      await db.configure();
      const applied = await migrate(db);
      return new Store(db, origin, applied.length);
    } catch (e) {
      await db.close().catch(() => undefined);
      throw e;
    }
  }

  /** Everything in `body` commits together, durably, or not at all. `urgent`: ahead of waiting ordinary work (an emergency). */
  tx<T>(body: (repos: Repos) => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
    return this.db.tx((q) => body(reposOver(q, this.origin)), opts);
  }

  /** The repositories with their statements queued as urgent (reads on an emergency's path). */
  get urgent(): Repos {
    return reposOver(this.db.urgent, this.origin);
  }

  /** A cheap liveness probe for the watchdog and health: the connection answers. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.db.get<{ one: number }>('SELECT 1 AS one').then((r) => r?.one === 1),
        new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Can the database be written? A small write, committed (the health probe;
   * reads keep working on a full disk, so `ping` alone would say all is well).
   */
  async probeWrite(timeoutMs = 2000): Promise<{ ok: true } | { ok: false; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const at = new Date().toISOString();
    try {
      await Promise.race([
        this.db.run("INSERT INTO settings(key, value, updated_at, updated_by) VALUES ('store.probe', ?, ?, 'probe') ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", [JSON.stringify(at), at]),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new StoreError(`no answer within ${timeoutMs} ms`, 'TIMEOUT')), timeoutMs); }),
      ]);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: storeFailure(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Is this error the database refusing to store (as opposed to a bug in a statement)? */
export function isStoreFailure(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return /^SQLITE_(FULL|IOERR|READONLY|CORRUPT|NOTADB|CANTOPEN|BUSY|LOCKED|PROTOCOL|NOMEM)/.test(code) || code === 'TIMEOUT' || code === 'ENOSPC' || code === 'EIO';
}

/** What a technician reads when the database cannot be written (SQLite's result codes, https://sqlite.org/rescode.html). */
export function storeFailure(err: unknown): string {
  const e = (err ?? {}) as { code?: string; message?: string };
  switch (e.code?.replace(/_.*$/, '') === 'SQLITE' ? e.code.split('_').slice(0, 2).join('_') : e.code) {
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return 'the data disk is full: the database cannot be written';
    case 'SQLITE_IOERR':
    case 'EIO':
      return 'the database cannot be written: I/O error (a failing SD card or disk?)';
    case 'SQLITE_READONLY':
      return 'the database cannot be written: read-only (file system remounted read-only?)';
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return 'the database file is damaged';
    case 'SQLITE_CANTOPEN':
      return 'the database file cannot be opened';
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'the database is locked by another process';
    case 'TIMEOUT':
      return `the database does not answer (${e.message ?? 'timeout'})`;
    default:
      return `the database cannot be written: ${e.message ?? String(err)}`;
  }
}
