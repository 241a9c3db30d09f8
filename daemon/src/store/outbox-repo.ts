// The transactional outbox for central. A service writes its state change and
// the message that reports it in one transaction (enqueue takes the same
// Queryable); the uplink publishes in seq order and deletes a row only after
// the broker's PUBACK. seq comes from a counter row, so it is strictly
// increasing and never reused even when rows are deleted or the daemon restarts.
import { randomUUID } from 'node:crypto';
import { ENVELOPE_VERSION, type MqttPayloads, type OutboxEnvelope, type OutboxType } from '../contracts/mqtt.js';
import type { Queryable } from './db.js';

export interface OutboxRow {
  seq: number;
  type: OutboxType;
  orderKey: string | null;
  envelope: OutboxEnvelope;
}

export interface OutboxStats {
  count: number;
  oldestTs: string | null;
}

export class OutboxRepo {
  constructor(
    private readonly db: Queryable,
    private readonly origin: { site: string; node: string },
  ) {}

  /** Call inside the transaction that makes the change being reported. */
  async enqueue<K extends OutboxType>(type: K, data: MqttPayloads[K], orderKey: string | null = null): Promise<OutboxEnvelope<MqttPayloads[K]>> {
    const counter = await this.db.get<{ value: number }>("UPDATE counters SET value = value + 1 WHERE name = 'outbox_seq' RETURNING value");
    if (!counter) throw new Error('outbox counter missing: database not migrated');
    const env: OutboxEnvelope<MqttPayloads[K]> = { v: ENVELOPE_VERSION, id: randomUUID(), seq: counter.value, ts: new Date().toISOString(), site: this.origin.site, node: this.origin.node, type, data };
    await this.db.run('INSERT INTO outbox(seq, msg_id, type, order_key, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      env.seq, env.id, type, orderKey, JSON.stringify(env), env.ts,
    ]);
    return env;
  }

  /** Several messages in one round trip each for the seq range and the rows; seq order follows the list. */
  async enqueueMany<K extends OutboxType>(items: Array<{ type: K; data: MqttPayloads[K]; orderKey: string | null }>): Promise<Array<OutboxEnvelope<MqttPayloads[K]>>> {
    if (!items.length) return [];
    const counter = await this.db.get<{ value: number }>("UPDATE counters SET value = value + ? WHERE name = 'outbox_seq' RETURNING value", [items.length]);
    if (!counter) throw new Error('outbox counter missing: database not migrated');
    const first = counter.value - items.length + 1;
    const ts = new Date().toISOString();
    const envs = items.map((it, i): OutboxEnvelope<MqttPayloads[K]> => ({ v: ENVELOPE_VERSION, id: randomUUID(), seq: first + i, ts, site: this.origin.site, node: this.origin.node, type: it.type, data: it.data }));
    for (let i = 0; i < envs.length; i += 500) {
      const chunk = envs.slice(i, i + 500);
      await this.db.run(
        `INSERT INTO outbox(seq, msg_id, type, order_key, envelope, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((e, j) => [e.seq, e.id, e.type, items[i + j]!.orderKey, JSON.stringify(e), ts]),
      );
    }
    return envs;
  }

  async peek(limit: number, afterSeq = 0): Promise<OutboxRow[]> {
    const rows = await this.db.all<{ seq: number; type: OutboxType; order_key: string | null; envelope: string }>(
      'SELECT seq, type, order_key, envelope FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
      [afterSeq, limit],
    );
    return rows.map((r) => ({ seq: r.seq, type: r.type, orderKey: r.order_key, envelope: JSON.parse(r.envelope) as OutboxEnvelope }));
  }

  /** After PUBACK. */
  async acknowledge(seq: number): Promise<void> {
    await this.db.run('DELETE FROM outbox WHERE seq = ?', [seq]);
  }

  /** After several PUBACKs: one statement for many rows (one fsync instead of one per message). */
  async acknowledgeMany(seqs: readonly number[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < seqs.length; i += 500) {
      const chunk = seqs.slice(i, i + 500);
      n += (await this.db.run(`DELETE FROM outbox WHERE seq IN (${chunk.map(() => '?').join(', ')})`, chunk)).changes;
    }
    return n;
  }

  /** Retention: delete the `limit` oldest rows of one type, except those with order key `keep`. Returns how many went. */
  async deleteOldestOfType(type: OutboxType, limit: number, keep: string | null = null): Promise<number> {
    if (limit <= 0) return 0;
    return (
      await this.db.run('DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE type = ? AND order_key IS NOT ? ORDER BY seq LIMIT ?)', [type, keep, limit])
    ).changes;
  }

  /** Still waiting for the broker's PUBACK? */
  async has(seq: number): Promise<boolean> {
    return !!(await this.db.get<{ one: number }>('SELECT 1 AS one FROM outbox WHERE seq = ?', [seq]));
  }

  async stats(): Promise<OutboxStats> {
    const r = await this.db.get<{ n: number; oldest: string | null }>('SELECT count(*) AS n, min(created_at) AS oldest FROM outbox');
    return { count: r?.n ?? 0, oldestTs: r?.oldest ?? null };
  }

  async lastSeq(): Promise<number> {
    return (await this.db.get<{ value: number }>("SELECT value FROM counters WHERE name = 'outbox_seq'"))?.value ?? 0;
  }
}
