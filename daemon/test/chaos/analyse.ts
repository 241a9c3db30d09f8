// What the chaos suite checks when the dust has settled: the database the
// daemon left against everything central received.
//
// The database keeps no copy of a message once the broker acknowledged it, but
// every alarm state change is an alarm_log row written in the same
// transaction as its message (AlarmService). Replaying an alarm's log with the
// service's own rule for states gives exactly the messages that were written;
// central must have each of them (at least once, by its unique id), in seq
// order, and nothing else.
import sqlite3 from 'sqlite3';

export interface CentralEnvelope {
  id: string;
  seq: number;
  type: string;
  data: { id?: string; state?: string; test?: boolean } & Record<string, unknown>;
}

export interface Analysis {
  alarms: number;
  cleared: number;
  stateChanges: number;
  messagesAtCentral: number;
  receipts: number;
  duplicates: number;
  lost: number;
  seqGaps: number;
  seqReused: number;
  outOfOrder: number;
  phantom: number;
  openWithoutEscalation: number;
  integrity: string;
  problems: string[];
}

interface AlarmRow {
  id: string;
  state: string;
  test: number;
}
interface LogRow {
  alarm_id: string;
  ts: string;
  kind: string;
}

function all<T>(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
}

export async function openReadOnly(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => (err ? reject(err) : resolve(db)));
  });
}

/** The states an alarm's messages reported, replayed from its log with AlarmService's rules. */
export function statesFromLog(log: Array<{ kind: string }>): string[] {
  const out: string[] = [];
  let state: string | undefined;
  const to = (s: string) => {
    if (s !== state) out.push(s);
    state = s;
  };
  for (const { kind } of log) {
    switch (kind) {
      case 'raised':
        to('raised');
        break;
      case 'calling':
        to(state === 'failed' ? 'failed' : 'calling');
        break;
      case 'connected':
        to('connected');
        break;
      case 'round-failed':
        to('failed');
        break;
      case 'call-ended':
      case 'call-lost':
        if (state === 'connected') to('calling');
        break;
      case 'acknowledged':
        to('acknowledged');
        break;
      case 'cleared':
        to('cleared');
        break;
      default: // pressed-again, call-failed: no state change, no message
    }
  }
  return out;
}

/**
 * received: every envelope central got, duplicates included. startedAt: when
 * the daemon was last started; an open alarm must have been called since.
 */
export async function analyse(dbFile: string, received: CentralEnvelope[], opts: { lastStartIso: string }): Promise<Analysis> {
  const problems: string[] = [];
  const db = await openReadOnly(dbFile);
  try {
    const integrity = (await all<{ integrity_check: string }>(db, 'PRAGMA integrity_check')).map((r) => r.integrity_check).join('; ');
    const [{ value: lastSeq } = { value: 0 }] = await all<{ value: number }>(db, "SELECT value FROM counters WHERE name = 'outbox_seq'");
    const [{ n: pending } = { n: 0 }] = await all<{ n: number }>(db, 'SELECT count(*) AS n FROM outbox');
    if (pending) problems.push(`${pending} messages still in the outbox`);
    const alarms = (await all<AlarmRow>(db, 'SELECT id, state, test FROM alarms')).filter((a) => !a.test);
    const logs = await all<LogRow>(db, 'SELECT alarm_id, ts, kind FROM alarm_log ORDER BY id');
    const logOf = new Map<string, LogRow[]>();
    for (const l of logs) logOf.set(l.alarm_id, [...(logOf.get(l.alarm_id) ?? []), l]);

    const unique = new Map<string, CentralEnvelope>();
    for (const e of received) unique.set(e.id, e);
    const bySeq = new Map<number, Set<string>>();
    for (const e of unique.values()) bySeq.set(e.seq, new Set([...(bySeq.get(e.seq) ?? []), e.id]));
    let seqGaps = 0;
    for (let s = 1; s <= lastSeq; s++) if (!bySeq.has(s)) seqGaps++;
    const seqReused = [...bySeq.values()].filter((ids) => ids.size > 1).length;
    if (seqGaps) problems.push(`${seqGaps} seq values never reached central (of 1..${lastSeq})`);
    if (seqReused) problems.push(`${seqReused} seq values used by two messages`);

    const centralStates = new Map<string, string[]>();
    for (const e of [...unique.values()].sort((a, b) => a.seq - b.seq)) {
      if (e.type !== 'alarm' || !e.data.id || e.data.test) continue;
      centralStates.set(e.data.id, [...(centralStates.get(e.data.id) ?? []), String(e.data.state)]);
    }
    let stateChanges = 0;
    let lost = 0;
    let outOfOrder = 0;
    for (const a of alarms) {
      const want = statesFromLog(logOf.get(a.id) ?? []);
      stateChanges += want.length;
      const got = centralStates.get(a.id) ?? [];
      if (want.at(-1) !== a.state) problems.push(`${a.id}: its log ends in ${want.at(-1)}, the row says ${a.state}`);
      if (got.join() === want.join()) continue;
      // Missing ones are lost; the same ones in another order are out of order.
      const missing = want.length - got.length;
      if (missing > 0) lost += missing;
      else outOfOrder++;
      problems.push(`${a.id}: database ${want.join(' → ')}, central ${got.join(' → ') || 'nothing'}`);
    }
    const known = new Set(alarms.map((a) => a.id));
    const phantom = [...centralStates.keys()].filter((id) => !known.has(id)).length;
    if (phantom) problems.push(`${phantom} alarms at central that the database does not have`);

    // Every alarm still open is being called: a `calling` step since the last start.
    const open = alarms.filter((a) => a.state !== 'acknowledged' && a.state !== 'cleared');
    const idle = open.filter((a) => !(logOf.get(a.id) ?? []).some((l) => l.kind === 'calling' && l.ts >= opts.lastStartIso));
    for (const a of idle) problems.push(`${a.id} is open (${a.state}) and nobody has been called for it since the last start`);
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    return {
      alarms: alarms.length,
      cleared: alarms.filter((a) => a.state === 'cleared').length,
      stateChanges,
      messagesAtCentral: unique.size,
      receipts: received.length,
      duplicates: received.length - unique.size,
      lost,
      seqGaps,
      seqReused,
      outOfOrder,
      phantom,
      openWithoutEscalation: idle.length,
      integrity,
      problems,
    };
  } finally {
    await new Promise<void>((r) => db.close(() => r()));
  }
}
