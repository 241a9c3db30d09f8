// Emergency alarms and their log.
import { type AckSource, type Alarm, type AlarmState, type ClearSource } from '../contracts/alarms.js';
import { OPEN_ALARM_STATES } from '../contracts/values.js';
import type { Queryable } from './db.js';

interface Raw {
  id: string; point_id: string; zone: string; state: AlarmState; test: number; raised_at: string; updated_at: string; presses: number; attempts: number;
  target: string | null; call_uuid: string | null; connected_at: string | null; acknowledged_at: string | null; acknowledged_by: string | null;
  ack_source: AckSource | null; cleared_at: string | null; cleared_by: string | null; clear_source: ClearSource | null;
}

/** The open states as an SQL list (constants of the contract, not input). */
const OPEN_SQL = OPEN_ALARM_STATES.map((st) => `'${st}'`).join(', ');

const fromRaw = (r: Raw): Alarm => ({
  id: r.id, pointId: r.point_id, zone: r.zone, state: r.state, test: r.test === 1, raisedAt: r.raised_at, updatedAt: r.updated_at, presses: r.presses,
  attempts: r.attempts, target: r.target, callUuid: r.call_uuid, connectedAt: r.connected_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by,
  ackSource: r.ack_source, clearedAt: r.cleared_at, clearedBy: r.cleared_by, clearSource: r.clear_source,
});

const COLUMN: Record<keyof Omit<Alarm, 'id'>, string> = {
  pointId: 'point_id', zone: 'zone', state: 'state', test: 'test', raisedAt: 'raised_at', updatedAt: 'updated_at', presses: 'presses', attempts: 'attempts',
  target: 'target', callUuid: 'call_uuid', connectedAt: 'connected_at', acknowledgedAt: 'acknowledged_at', acknowledgedBy: 'acknowledged_by',
  ackSource: 'ack_source', clearedAt: 'cleared_at', clearedBy: 'cleared_by', clearSource: 'clear_source',
};

export class AlarmsRepo {
  constructor(private readonly db: Queryable) {}

  /** A new id, A-<yyyymmdd>-<n>: n counts alarms of the day (UTC) and is never reused. */
  async nextId(now: Date): Promise<string> {
    const day = Number(now.toISOString().slice(0, 10).replaceAll('-', ''));
    const r = await this.db.get<{ value: number }>(
      "UPDATE counters SET value = CASE WHEN value / 100000 = ? THEN value + 1 ELSE ? * 100000 + 1 END WHERE name = 'alarm_day' RETURNING value",
      [day, day],
    );
    return `A-${day}-${(r!.value % 100000)}`;
  }

  async insert(a: Alarm): Promise<void> {
    await this.db.run(
      'INSERT INTO alarms(id, point_id, zone, state, test, raised_at, updated_at, presses, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [a.id, a.pointId, a.zone, a.state, a.test ? 1 : 0, a.raisedAt, a.updatedAt, a.presses, a.attempts],
    );
  }

  async update(id: string, patch: Partial<Omit<Alarm, 'id'>>): Promise<void> {
    const keys = Object.keys(patch) as Array<keyof typeof COLUMN>;
    if (!keys.length) return;
    const values = keys.map((k) => (k === 'test' ? (patch.test ? 1 : 0) : (patch[k] as unknown)));
    await this.db.run(`UPDATE alarms SET ${keys.map((k) => `${COLUMN[k]} = ?`).join(', ')} WHERE id = ?`, [...values, id]);
  }

  async byId(id: string): Promise<Alarm | undefined> {
    const r = await this.db.get<Raw>('SELECT * FROM alarms WHERE id = ?', [id]);
    return r && fromRaw(r);
  }

  /** The newest alarm of a point that is not cleared. */
  async openForPoint(pointId: string): Promise<Alarm | undefined> {
    const r = await this.db.get<Raw>(`SELECT * FROM alarms WHERE point_id = ? AND state IN (${OPEN_SQL}) AND test = 0 ORDER BY raised_at DESC, rowid DESC LIMIT 1`, [pointId]);
    return r && fromRaw(r);
  }

  /** Every alarm id of a day (yyyymmdd), for choosing one that is free. */
  async idsOfDay(day: string): Promise<string[]> {
    return (await this.db.all<{ id: string }>('SELECT id FROM alarms WHERE id LIKE ?', [`A-${day}-%`])).map((r) => r.id);
  }

  async open(): Promise<Alarm[]> {
    return (await this.db.all<Raw>(`SELECT * FROM alarms WHERE state IN (${OPEN_SQL}) ORDER BY raised_at`)).map(fromRaw);
  }

  async recent(limit: number): Promise<Alarm[]> {
    return (await this.db.all<Raw>('SELECT * FROM alarms ORDER BY raised_at DESC, rowid DESC LIMIT ?', [limit])).map(fromRaw);
  }

  async log(alarmId: string, kind: string, detail: string | null = null, ts = new Date().toISOString()): Promise<void> {
    await this.db.run('INSERT INTO alarm_log(alarm_id, ts, kind, detail) VALUES (?, ?, ?, ?)', [alarmId, ts, kind, detail]);
  }

  async history(alarmId: string): Promise<Array<{ ts: string; kind: string; detail: string | null }>> {
    return this.db.all('SELECT ts, kind, detail FROM alarm_log WHERE alarm_id = ? ORDER BY id', [alarmId]);
  }
}
