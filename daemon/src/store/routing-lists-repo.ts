// Black/white list entries added at run time (the UI, a CSV import, the API)
// and the hit counters of every entry (table routing_list_entries,
// routing_list_hits; migration 10). The lists themselves are in the
// configuration file.
import type { Queryable } from './db.js';

export interface ListEntryRow {
  id: number;
  list: string;
  number: string | null;
  prefix: string | null;
  reason: string | null;
  expires: string | null;
  addedBy: string;
  addedAt: string;
}

export interface ListHit {
  list: string;
  /** 'n:<number>' or 'p:<prefix>'. */
  entry: string;
  hits: number;
  lastHitAt: string;
}

interface Raw {
  id: number; list: string; number: string | null; prefix: string | null; reason: string | null; expires: string | null; added_by: string; added_at: string;
}
const fromRaw = (r: Raw): ListEntryRow => ({ id: r.id, list: r.list, number: r.number, prefix: r.prefix, reason: r.reason, expires: r.expires, addedBy: r.added_by, addedAt: r.added_at });

export const entryKey = (e: { number: string | null; prefix: string | null }) => (e.number !== null ? `n:${e.number}` : `p:${e.prefix ?? ''}`);

export class RoutingListsRepo {
  constructor(private readonly db: Queryable) {}

  async all(): Promise<ListEntryRow[]> {
    return (await this.db.all<Raw>('SELECT * FROM routing_list_entries ORDER BY list, id')).map(fromRaw);
  }

  async of(list: string): Promise<ListEntryRow[]> {
    return (await this.db.all<Raw>('SELECT * FROM routing_list_entries WHERE list = ? ORDER BY id', [list])).map(fromRaw);
  }

  /** Insert, or return null when the list already holds this number or prefix. */
  async add(e: Omit<ListEntryRow, 'id'>): Promise<ListEntryRow | null> {
    const r = await this.db.get<Raw>(
      'INSERT INTO routing_list_entries(list, number, prefix, reason, expires, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *',
      [e.list, e.number, e.prefix, e.reason, e.expires, e.addedBy, e.addedAt],
    );
    return r ? fromRaw(r) : null;
  }

  async remove(list: string, id: number): Promise<ListEntryRow | null> {
    const r = await this.db.get<Raw>('DELETE FROM routing_list_entries WHERE list = ? AND id = ? RETURNING *', [list, id]);
    return r ? fromRaw(r) : null;
  }

  async hits(list?: string): Promise<ListHit[]> {
    const rows = await this.db.all<{ list: string; entry: string; hits: number; last_hit_at: string }>(
      list === undefined ? 'SELECT * FROM routing_list_hits' : 'SELECT * FROM routing_list_hits WHERE list = ?',
      list === undefined ? [] : [list],
    );
    return rows.map((r) => ({ list: r.list, entry: r.entry, hits: r.hits, lastHitAt: r.last_hit_at }));
  }

  /** Add counted hits (batched by the caller). */
  async addHits(hits: Array<{ list: string; entry: string; count: number; at: string }>): Promise<void> {
    for (const h of hits)
      await this.db.run(
        'INSERT INTO routing_list_hits(list, entry, hits, last_hit_at) VALUES (?, ?, ?, ?) ON CONFLICT(list, entry) DO UPDATE SET hits = hits + excluded.hits, last_hit_at = max(last_hit_at, excluded.last_hit_at)',
        [h.list, h.entry, h.count, h.at],
      );
  }
}
