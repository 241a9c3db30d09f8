// Call records: written once per call, searched by the UI and exported as CSV.
import type { CallRecord, Direction, FailoverStep, Trunk } from '../contracts/calls.js';
import type { Queryable } from './db.js';

export interface CallQuery {
  /** Matches caller or callee number (prefix). */
  number?: string;
  from?: string;
  to?: string;
  cause?: string;
  direction?: Direction;
  zone?: string;
  /** The routing rule (exact). */
  route?: string;
  limit?: number;
  /** Rows older than this created_at/uuid pair (keyset pagination, newest first). */
  before?: { createdAt: string; uuid: string };
}

const COLS = 'uuid, direction, caller_number, caller_name, callee_number, callee_name, zone, trunk, created_at, answered_at, ended_at, duration_s, billsec_s, hangup_cause, recording_path, alarm_id, recovered, route, trunk_id, failover';
const PLACES = `(${COLS.split(', ').map(() => '?').join(', ')})`;

interface Raw {
  uuid: string; direction: 'inbound' | 'outbound'; caller_number: string | null; caller_name: string | null; callee_number: string | null; callee_name: string | null;
  zone: string | null; trunk: Trunk; created_at: string; answered_at: string | null; ended_at: string; duration_s: number; billsec_s: number;
  hangup_cause: string | null; recording_path: string | null; alarm_id: string | null; recovered: number;
  route: string | null; trunk_id: string | null; failover: string | null;
}

export const fromRaw = (r: Raw): CallRecord => ({
  uuid: r.uuid, direction: r.direction, callerNumber: r.caller_number, callerName: r.caller_name, calleeNumber: r.callee_number, calleeName: r.callee_name,
  zone: r.zone, trunk: r.trunk, createdAt: r.created_at, answeredAt: r.answered_at, endedAt: r.ended_at, durationS: r.duration_s, billsecS: r.billsec_s,
  hangupCause: r.hangup_cause, recordingPath: r.recording_path, alarmId: r.alarm_id, recovered: r.recovered === 1,
  route: r.route, trunkId: r.trunk_id, failover: parseFailover(r.failover),
});

function parseFailover(text: string | null): FailoverStep[] | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as FailoverStep[]) : null;
  } catch {
    return null;
  }
}

const values = (c: CallRecord) => [
  c.uuid, c.direction, c.callerNumber, c.callerName, c.calleeNumber, c.calleeName, c.zone, c.trunk, c.createdAt, c.answeredAt, c.endedAt, c.durationS, c.billsecS, c.hangupCause, c.recordingPath, c.alarmId, c.recovered ? 1 : 0,
  c.route, c.trunkId, c.failover ? JSON.stringify(c.failover) : null,
];

/** The search's order: newest first; calls of the same millisecond in the order they were written. */
const ORDER = 'ORDER BY created_at DESC, rowid DESC';

/**
 * How a number search chooses its way (see CallsRepo.search). A number held by
 * `commonNumber` calls or more is common; its search first reads the newest
 * `recentWalk` calls passing the other filters; older matches are gathered
 * and sorted up to `sparseMatches`, walked in time order beyond.
 */
export interface NumberSearchTuning {
  commonNumber: number;
  recentWalk: number;
  sparseMatches: number;
}

export const NUMBER_SEARCH: NumberSearchTuning = { commonNumber: 50_000, recentWalk: 2000, sparseMatches: 20_000 };

/** Numbers that start with `prefix`, as a range of the (BINARY-collated) number indexes: [prefix, prefix with its last character's successor). */
export function prefixRange(prefix: string): [string, string] {
  const last = prefix.codePointAt(prefix.length - 1) ?? 0;
  return [prefix, `${prefix.slice(0, -1)}${String.fromCodePoint(last + 1)}`];
}

/**
 * The index (migration 10) whose equality columns are exactly the filters
 * set, in time order. Named, not left to the planner: without statistics it
 * may take a date range over an equality and walk more calls than it must.
 */
export function timeIndexFor(q: Pick<CallQuery, 'zone' | 'direction' | 'cause'>): string {
  const cols = [q.zone && 'zone', q.direction && 'direction', q.cause && 'cause'].filter(Boolean);
  return cols.length ? `calls_${cols.join('_')}_time` : 'calls_created';
}

/**
 * Every filter but the number, as SQL over the calls table: zone, direction
 * and cause are equalities (each combination has an index in time order,
 * migration 10), the dates and the page's cursor bound created_at. The
 * cursor names a call by uuid; its rowid breaks ties of the same millisecond
 * (a cursor whose call is gone keeps only what is strictly older).
 */
export function whereFor(q: CallQuery): { sql: string; params: unknown[]; index: string } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (q.zone) add('zone = ?', q.zone);
  if (q.direction) add('direction = ?', q.direction);
  if (q.cause) add('hangup_cause = ?', q.cause);
  if (q.from) add('created_at >= ?', q.from);
  if (q.to) add('created_at < ?', q.to);
  if (q.route) add('route = ?', q.route);
  if (q.before) add('(created_at, rowid) < (?, coalesce((SELECT c.rowid FROM calls c WHERE c.uuid = ?), -1))', q.before.createdAt, q.before.uuid);
  return { sql: where.join(' AND '), params, index: timeIndexFor(q) };
}

export class CallsRepo {
  constructor(
    private readonly db: Queryable,
    private readonly tuning: NumberSearchTuning = NUMBER_SEARCH,
  ) {}

  /** Insert once; a second record for the same uuid (after a resync) is ignored. Returns whether it was new. */
  async insert(c: CallRecord): Promise<boolean> {
    const r = await this.db.run(
      `INSERT OR IGNORE INTO calls(${COLS}) VALUES ${PLACES}`,
      values(c),
    );
    return r.changes > 0;
  }

  /**
   * Insert many in one statement per 500 (a burst of hangups is one round trip,
   * not three per call); rows already present are skipped. Returns the uuids inserted.
   */
  async insertMany(list: CallRecord[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500);
      const rows = await this.db.all<{ uuid: string }>(
        `INSERT OR IGNORE INTO calls(${COLS}) VALUES ${chunk.map(() => PLACES).join(', ')} RETURNING uuid`,
        chunk.flatMap(values),
      );
      for (const r of rows) inserted.add(r.uuid);
    }
    return inserted;
  }

  async byUuid(uuid: string): Promise<CallRecord | undefined> {
    const r = await this.db.get<Raw>(`SELECT ${COLS} FROM calls WHERE uuid = ?`, [uuid]);
    return r && fromRaw(r);
  }

  /**
   * One page of calls, newest first. Without a number, the index of exactly
   * the filters set walks the calls in order and stops after the page.
   *
   * A number (a prefix of the caller's or the callee's number) has its own
   * indexes, which also hold every other filter column: matches are found
   * there without reading a table row, sorted as index entries (time, rowid),
   * and only the page's rows are read. That costs an index entry per call of
   * the number, so a number that a large share of the calls have (the
   * dispatch desk, a short prefix) goes the other way: the newest calls
   * passing the other filters are read in time order, where such a number
   * soon fills a page; only when it does not are the older matches gathered
   * through the number indexes — or, past `sparseMatches` of them, the walk
   * goes on.
   */
  async search(q: CallQuery): Promise<CallRecord[]> {
    const limit = Math.min(500, Math.max(1, q.limit ?? 50));
    const rest = whereFor(q);
    const where = (...terms: string[]) => {
      const all = [...terms, ...(rest.sql ? [rest.sql] : [])];
      return all.length ? `WHERE ${all.join(' AND ')}` : '';
    };
    const page = async (sql: string, params: unknown[], n = limit) => (await this.db.all<Raw>(`${sql} ${ORDER} LIMIT ${n}`, params)).map(fromRaw);
    const inOrder = `calls INDEXED BY ${rest.index}`;
    if (!q.number) return page(`SELECT ${COLS} FROM ${inOrder} ${where()}`, rest.params);

    const { commonNumber, recentWalk, sparseMatches } = this.tuning;
    const [lo, hi] = prefixRange(q.number);
    const count = async (sql: string, params: unknown[], bound: number) => (await this.db.get<{ n: number }>(`SELECT count(*) AS n FROM (${sql} LIMIT ${bound})`, params))!.n;
    /** Matches through the number indexes (older than a bound, when given), as index entries. */
    const gather = (older?: { at: string; id: number }) => {
      const extra = older ? ['(created_at, rowid) < (?, ?)'] : [];
      const side = (col: 'caller' | 'callee') => `SELECT rowid AS id, created_at AS at FROM calls INDEXED BY calls_${col}_search ${where(`${col}_number >= ?`, `${col}_number < ?`, ...extra)}`;
      const p = [lo, hi, ...(older ? [older.at, older.id] : []), ...rest.params];
      return { all: `${side('caller')} UNION ALL ${side('callee')}`, distinct: `${side('caller')} UNION ${side('callee')}`, params: [...p, ...p] };
    };
    const sorted = (g: ReturnType<typeof gather>, n: number) => page(`SELECT ${COLS} FROM calls WHERE rowid IN (SELECT id FROM (${g.distinct}) ORDER BY at DESC, id DESC LIMIT ${n})`, g.params, n);
    const walk = (bound: string, bp: unknown[], n: number) =>
      page(`SELECT ${COLS} FROM ${inOrder} ${where('((caller_number >= ? AND caller_number < ?) OR (callee_number >= ? AND callee_number < ?))', bound)}`, [lo, hi, lo, hi, ...bp, ...rest.params], n);

    // How many calls have the number at all, up to a bound: index entries only, no other filter.
    const held = await count('SELECT 1 FROM calls INDEXED BY calls_caller_search WHERE caller_number >= ?1 AND caller_number < ?2 UNION ALL SELECT 1 FROM calls INDEXED BY calls_callee_search WHERE callee_number >= ?1 AND callee_number < ?2', [lo, hi], commonNumber);
    if (held < commonNumber) return sorted(gather(), limit);
    const edge = await this.db.get<{ at: string; id: number }>(`SELECT created_at AS at, rowid AS id FROM ${inOrder} ${where()} ${ORDER} LIMIT 1 OFFSET ${recentWalk - 1}`, rest.params);
    if (!edge) return walk('1', [], limit);
    const recent = await walk('(created_at, rowid) >= (?, ?)', [edge.at, edge.id], limit);
    if (recent.length === limit) return recent;
    const left = limit - recent.length;
    const older = gather(edge);
    const rows = (await count(older.all, older.params, sparseMatches)) < sparseMatches ? await sorted(older, left) : await walk('(created_at, rowid) < (?, ?)', [edge.at, edge.id], left);
    return [...recent, ...rows];
  }
}
