// Call records: written once per call, searched by the UI and exported as CSV.
import type { CallRecord, Direction, FailoverStep, Trunk } from '../contracts/calls.js';
import type { Params, Queryable } from './db.js';

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

export function whereFor(q: CallQuery): { sql: string; params: Params } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.number) {
    // '!' escapes LIKE's wildcards in what the user typed.
    where.push("(caller_number LIKE ? ESCAPE '!' OR callee_number LIKE ? ESCAPE '!')");
    const like = `${q.number.replace(/[!%_]/g, '!$&')}%`;
    params.push(like, like);
  }
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (q.from) add('created_at >= ?', q.from);
  if (q.to) add('created_at < ?', q.to);
  if (q.cause) add('hangup_cause = ?', q.cause);
  if (q.direction) add('direction = ?', q.direction);
  if (q.zone) add('zone = ?', q.zone);
  if (q.route) add('route = ?', q.route);
  if (q.before) add('(created_at < ? OR (created_at = ? AND uuid < ?))', q.before.createdAt, q.before.createdAt, q.before.uuid);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

export class CallsRepo {
  constructor(private readonly db: Queryable) {}

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

  async search(q: CallQuery): Promise<CallRecord[]> {
    const { sql, params } = whereFor(q);
    const limit = Math.min(500, Math.max(1, q.limit ?? 50));
    return (await this.db.all<Raw>(`SELECT ${COLS} FROM calls ${sql} ORDER BY created_at DESC, uuid DESC LIMIT ${limit}`, params)).map(fromRaw);
  }
}
