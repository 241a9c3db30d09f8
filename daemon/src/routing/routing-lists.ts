// Black/white lists as people manage them: the entries of the configuration
// file (read-only here) and those added at run time (kept in the database),
// with how often each refused or passed a call. Every change is audited with
// who and what, in the transaction that makes it; the router's index of the
// list is rebuilt at once.
import type { Actor } from '../accounts/actor.js';
import type { Config, ListConfig } from '../config/schema.js';
import type { AuditEntry } from '../contracts/accounts.js';
import type { AddListEntryBody, ListEntryView } from '../contracts/routing.js';
import type { Store } from '../store/store.js';
import { entryKey, type ListEntryRow } from '../store/routing-lists-repo.js';
import { entriesFromCsv, entriesToCsv } from './list-csv.js';
import type { IndexEntry } from './number-index.js';
import type { RuntimeListEntry } from './tables.js';

export type ListChange = { ok: true; entry?: ListEntryView; added?: number; skipped?: number; problems?: string[] } | { ok: false; status: 400 | 404 | 409; error: string };

const HIT_FLUSH_MS = 5000;

export class RoutingLists {
  private runtime: ListEntryRow[] = [];
  /** Hits counted since the last flush, by list and entry key. */
  private pending = new Map<string, { list: string; entry: string; count: number; at: string }>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Config,
    private readonly d: { store: Store; audited: (e: AuditEntry) => void; changed: (list: string, entries: readonly RuntimeListEntry[]) => void },
  ) {}

  async load(): Promise<RuntimeListEntry[]> {
    this.runtime = await this.d.store.routingLists.all();
    this.flushTimer = setInterval(() => void this.flush(), HIT_FLUSH_MS);
    this.flushTimer.unref();
    return this.entries();
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flush();
  }

  entries(): RuntimeListEntry[] {
    return this.runtime.map((r) => ({ id: r.id, list: r.list, number: r.number, prefix: r.prefix, reason: r.reason, expires: r.expires }));
  }

  list(id: string): ListConfig | undefined {
    return this.config.lists.find((l) => l.id === id);
  }

  /** A list entry refused or passed a call: counted in memory, written every few seconds. */
  hit(list: string, e: IndexEntry): void {
    const entry = e.kind === 'number' ? `n:${e.value}` : `p:${e.value}`;
    const k = `${list}\u0000${entry}`;
    const at = new Date().toISOString();
    const p = this.pending.get(k);
    if (p) {
      p.count++;
      p.at = at;
    } else this.pending.set(k, { list, entry, count: 1, at });
  }

  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    await this.d.store.tx((r) => r.routingLists.addHits(batch)).catch(() => {
      // Counters are not worth an error loop: put them back for the next flush.
      for (const h of batch) this.pending.set(`${h.list}\u0000${h.entry}`, h);
    });
  }

  /** Every entry of a list, the file's and the added ones, with hit counts. */
  async view(id: string): Promise<ListEntryView[] | null> {
    const l = this.list(id);
    if (!l) return null;
    await this.flush();
    const hits = new Map((await this.d.store.routingLists.hits(id)).map((h) => [h.entry, h]));
    const fromFile: ListEntryView[] = l.entries.map((e) => {
      const h = hits.get(entryKey({ number: e.number ?? null, prefix: e.prefix ?? null }));
      return { id: null, list: id, number: e.number ?? null, prefix: e.prefix ?? null, reason: e.reason ?? null, expires: e.expires ?? null, source: 'config', addedBy: null, addedAt: null, hits: h?.hits ?? 0, lastHitAt: h?.lastHitAt ?? null };
    });
    const added: ListEntryView[] = this.runtime
      .filter((r) => r.list === id)
      .map((r) => {
        const h = hits.get(entryKey(r));
        return { id: r.id, list: id, number: r.number, prefix: r.prefix, reason: r.reason, expires: r.expires, source: 'runtime', addedBy: r.addedBy, addedAt: r.addedAt, hits: h?.hits ?? 0, lastHitAt: h?.lastHitAt ?? null };
      });
    return [...fromFile, ...added];
  }

  async csv(id: string): Promise<string | null> {
    const v = await this.view(id);
    return v ? entriesToCsv(v) : null;
  }

  private inFile(l: ListConfig, e: { number: string | null; prefix: string | null }): boolean {
    return l.entries.some((x) => (x.number ?? null) === e.number && (x.prefix ?? null) === e.prefix);
  }

  async add(id: string, b: AddListEntryBody, actor: Actor): Promise<ListChange> {
    const l = this.list(id);
    if (!l) return { ok: false, status: 404, error: `no list ${id}` };
    const e = { number: b.number ?? null, prefix: b.prefix ?? null };
    if (this.inFile(l, e)) return { ok: false, status: 409, error: `${e.number ?? e.prefix} is already in list ${id} (in the configuration file)` };
    const what = e.number !== null ? `number ${e.number}` : `prefix ${e.prefix}`;
    const r = await this.d.store.tx(async (q) => {
      const row = await q.routingLists.add({ list: id, ...e, reason: b.reason ?? null, expires: b.expires ?? null, addedBy: actor.username ?? 'unknown', addedAt: new Date().toISOString() });
      if (!row) return null;
      const audit = await q.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action: 'routing.list.add', target: id, outcome: 'ok', detail: `${what}${b.reason ? ` (${b.reason})` : ''}${b.expires ? `, until ${b.expires}` : ''}` });
      return { row, audit };
    });
    if (!r) return { ok: false, status: 409, error: `${e.number ?? e.prefix} is already in list ${id}` };
    this.runtime.push(r.row);
    this.d.audited(r.audit);
    this.d.changed(id, this.entries());
    return { ok: true, entry: { id: r.row.id, list: id, number: r.row.number, prefix: r.row.prefix, reason: r.row.reason, expires: r.row.expires, source: 'runtime', addedBy: r.row.addedBy, addedAt: r.row.addedAt, hits: 0, lastHitAt: null } };
  }

  async remove(id: string, entryId: number, actor: Actor): Promise<ListChange> {
    if (!this.list(id)) return { ok: false, status: 404, error: `no list ${id}` };
    const r = await this.d.store.tx(async (q) => {
      const row = await q.routingLists.remove(id, entryId);
      if (!row) return null;
      const audit = await q.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action: 'routing.list.remove', target: id, outcome: 'ok', detail: row.number !== null ? `number ${row.number}` : `prefix ${row.prefix}` });
      return { row, audit };
    });
    if (!r) return { ok: false, status: 404, error: `list ${id} has no added entry ${entryId} (entries of the configuration file are changed there)` };
    this.runtime = this.runtime.filter((x) => x.id !== entryId);
    this.d.audited(r.audit);
    this.d.changed(id, this.entries());
    return { ok: true };
  }

  /** A CSV import: every good row added (duplicates skipped), bad rows named; one audit entry. */
  async importCsv(id: string, text: string, actor: Actor): Promise<ListChange> {
    const l = this.list(id);
    if (!l) return { ok: false, status: 404, error: `no list ${id}` };
    const { entries, problems } = entriesFromCsv(text);
    if (!entries.length && problems.length) return { ok: false, status: 400, error: `nothing imported: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}` };
    const at = new Date().toISOString();
    const r = await this.d.store.tx(async (q) => {
      const rows: ListEntryRow[] = [];
      for (const e of entries) {
        if (this.inFile(l, e)) continue;
        const row = await q.routingLists.add({ list: id, ...e, addedBy: actor.username ?? 'unknown', addedAt: at });
        if (row) rows.push(row);
      }
      const audit = await q.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action: 'routing.list.import', target: id, outcome: 'ok', detail: `CSV: ${rows.length} added, ${entries.length - rows.length} already listed, ${problems.length} rejected` });
      return { rows, audit };
    });
    this.runtime.push(...r.rows);
    this.d.audited(r.audit);
    this.d.changed(id, this.entries());
    return { ok: true, added: r.rows.length, skipped: entries.length - r.rows.length, problems };
  }
}
