// Commissioning walk tests and the presses recorded as tests (tables
// walk_tests, walk_test_presses).
import type { WalkTestSession } from '../contracts/walk-test.js';
import type { Queryable } from './db.js';

interface SessionRow {
  id: number;
  started_at: string;
  started_by: string;
  zones: string | null;
  ends_at: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

export interface TestPress {
  walkTest: number;
  pointId: string;
  input: string;
  zone: string;
  label: string;
  at: string;
}

const session = (r: SessionRow): WalkTestSession => ({
  id: r.id, startedAt: r.started_at, startedBy: r.started_by, zones: r.zones === null ? null : (JSON.parse(r.zones) as string[]),
  endsAt: r.ends_at, endedAt: r.ended_at, endedBy: r.ended_by, endReason: r.end_reason,
});

export class WalkTestsRepo {
  constructor(private readonly db: Queryable) {}

  async start(s: { startedAt: string; startedBy: string; zones: string[] | null; endsAt: string }): Promise<WalkTestSession> {
    const r = await this.db.run('INSERT INTO walk_tests(started_at, started_by, zones, ends_at) VALUES (?, ?, ?, ?)', [s.startedAt, s.startedBy, s.zones === null ? null : JSON.stringify(s.zones), s.endsAt]);
    return { id: r.lastID, ...s, endedAt: null, endedBy: null, endReason: null };
  }

  async end(id: number, at: string, by: string, reason: string): Promise<void> {
    await this.db.run('UPDATE walk_tests SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL', [at, by, reason, id]);
  }

  async get(id: number): Promise<WalkTestSession | undefined> {
    const r = await this.db.get<SessionRow>('SELECT * FROM walk_tests WHERE id = ?', [id]);
    return r ? session(r) : undefined;
  }

  /** Not ended (at most one). */
  async active(): Promise<WalkTestSession | undefined> {
    const r = await this.db.get<SessionRow>('SELECT * FROM walk_tests WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1');
    return r ? session(r) : undefined;
  }

  async list(limit = 20): Promise<WalkTestSession[]> {
    return (await this.db.all<SessionRow>('SELECT * FROM walk_tests ORDER BY id DESC LIMIT ?', [limit])).map(session);
  }

  async recordPress(p: TestPress): Promise<void> {
    await this.db.run('INSERT INTO walk_test_presses(walk_test, point_id, input, zone, label, at) VALUES (?, ?, ?, ?, ?, ?)', [p.walkTest, p.pointId, p.input, p.zone, p.label, p.at]);
  }

  /** The first test press of each point in a walk test. */
  async pressesOf(walkTest: number): Promise<Map<string, string>> {
    const rows = await this.db.all<{ point_id: string; at: string }>('SELECT point_id, min(at) AS at FROM walk_test_presses WHERE walk_test = ? GROUP BY point_id', [walkTest]);
    return new Map(rows.map((r) => [r.point_id, r.at]));
  }

  /** The last test press of each point, in any walk test. */
  async lastPerPoint(): Promise<Map<string, string>> {
    const rows = await this.db.all<{ point_id: string; at: string }>('SELECT point_id, max(at) AS at FROM walk_test_presses GROUP BY point_id');
    return new Map(rows.map((r) => [r.point_id, r.at]));
  }
}
