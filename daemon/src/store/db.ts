// The only place that runs SQL: a promise wrapper over one sqlite3 connection.
//
// Durability: WAL with synchronous=FULL, so a transaction that has returned is
// on disk when the call returns — an alarm or an audit row that was
// acknowledged survives a power cut. Every statement outside a transaction
// goes through one queue with the transactions: on the one shared connection
// a read running beside an open transaction would see its uncommitted rows
// (and could publish an outbox message that is then rolled back).
import sqlite3 from 'sqlite3';

/** 'CPNT' — marks a file as a Callpoint database (PRAGMA application_id). */
export const APPLICATION_ID = 0x43504e54;

export interface RunResult {
  lastID: number;
  changes: number;
}

export type Params = unknown[] | Record<string, unknown>;

/** What a transaction body may do. */
export interface Queryable {
  run(sql: string, params?: Params): Promise<RunResult>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  all<T>(sql: string, params?: Params): Promise<T[]>;
}

export class StoreError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'StoreError';
  }
}

interface Job {
  fn: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  urgent: boolean;
}

export class Db implements Queryable {
  /**
   * Every statement outside a transaction, and every transaction, runs one at
   * a time through this queue (so no read sees uncommitted rows). Urgent jobs
   * — an emergency press — go ahead of the waiting ordinary ones (call-record
   * batches, outbox reads), never ahead of the one already running.
   */
  private readonly jobs: Job[] = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  /** The most jobs that waited at once since start (get-status: the queue stays bounded under a flood). */
  private peakQueued = 0;

  private constructor(
    private readonly conn: sqlite3.Database,
    readonly file: string,
  ) {}

  static open(file: string, opts: { readonly?: boolean } = {}): Promise<Db> {
    return new Promise((resolve, reject) => {
      const mode = opts.readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
      const conn = new sqlite3.Database(file, mode, (err) => {
        if (err) reject(new StoreError(`cannot open database ${file}: ${err.message}`, (err as NodeJS.ErrnoException).code));
        else resolve(new Db(conn, file));
      });
    });
  }

  /** Pragmas for the appliance: WAL, FULL sync, foreign keys, a busy timeout for the CLI beside the daemon. */
  async configure(): Promise<void> {
    await this.exec('PRAGMA busy_timeout = 5000');
    const mode = await this.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
    if (mode?.journal_mode !== 'wal') throw new StoreError(`cannot switch ${this.file} to WAL (got ${mode?.journal_mode})`);
    await this.exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON');
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.conn.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  private rawRun(sql: string, params: Params = []): Promise<RunResult> {
    return new Promise((resolve, reject) =>
      this.conn.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  }

  private rawGet<T>(sql: string, params: Params = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => this.conn.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as T | undefined))));
  }

  private rawAll<T>(sql: string, params: Params = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.conn.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  }

  /** A read outside any transaction: it sees only committed rows. Do not call from inside a tx body (use its Queryable). */
  get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    return this.enqueue(() => this.rawGet<T>(sql, params));
  }

  all<T>(sql: string, params: Params = []): Promise<T[]> {
    return this.enqueue(() => this.rawAll<T>(sql, params));
  }

  /** The same statements, queued as urgent. */
  readonly urgent: Queryable = {
    run: (sql, params = []) => this.enqueue(() => this.rawRun(sql, params), true),
    get: <T>(sql: string, params: Params = []) => this.enqueue(() => this.rawGet<T>(sql, params), true),
    all: <T>(sql: string, params: Params = []) => this.enqueue(() => this.rawAll<T>(sql, params), true),
  };

  private enqueue<T>(fn: () => Promise<T>, urgent = false): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { fn, resolve: resolve as (v: unknown) => void, reject, urgent };
      const at = urgent ? this.jobs.findIndex((j) => !j.urgent) : -1;
      if (at < 0) this.jobs.push(job);
      else this.jobs.splice(at, 0, job);
      if (this.jobs.length > this.peakQueued) this.peakQueued = this.jobs.length;
      this.pump();
    });
  }

  private pump(): void {
    if (this.running) return;
    const job = this.jobs.shift();
    if (!job) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    this.running = true;
    void job
      .fn()
      .then(job.resolve, job.reject)
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }

  /** Jobs waiting now, and the most that ever waited. */
  queueStats(): { queued: number; peakQueued: number } {
    return { queued: this.jobs.length, peakQueued: this.peakQueued };
  }

  /** A single write statement, in its own implicit transaction. */
  run(sql: string, params: Params = []): Promise<RunResult> {
    return this.enqueue(() => this.rawRun(sql, params));
  }

  /**
   * Run `body` in one IMMEDIATE transaction: all of it is committed (and
   * synced) before the promise resolves, or none of it.
   */
  tx<T>(body: (q: Queryable) => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
    return this.enqueue(async () => {
      await this.exec('BEGIN IMMEDIATE');
      const q: Queryable = { run: (s, p) => this.rawRun(s, p), get: (s, p) => this.rawGet(s, p), all: (s, p) => this.rawAll(s, p) };
      try {
        const out = await body(q);
        await this.exec('COMMIT');
        return out;
      } catch (e) {
        await this.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }, opts.urgent);
  }

  /** Wait for queued writes, then close. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.running || this.jobs.length) await new Promise<void>((r) => this.idleWaiters.push(r));
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.conn.close((err) => (err ? reject(err) : resolve())));
  }
}
