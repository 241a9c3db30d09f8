// Supervision faults for the whole app: the header count and the Faults page
// read them. Loaded from GET /api/faults, kept current by the `fault` stream
// event (a raise, or the same fault with clearedAt set), reloaded after each
// stream (re)connect.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import * as api from './api';
import type { Fault, Subscribe } from './types';

/** As many as the server sends in `recent`. */
export const FAULTS_MAX = 100;

export const isOpenFault = (f: Fault) => !f.clearedAt;

function looksLikeFault(v: unknown): v is Fault {
  const f = v as Fault;
  return typeof v === 'object' && v !== null && typeof f.id === 'number' && typeof f.raisedAt === 'string' && typeof f.code === 'string';
}

/** A cleared fault stays cleared: an event and an answer can cross. */
function upsert(table: Map<number, Fault>, f: Fault): boolean {
  const have = table.get(f.id);
  if (have?.clearedAt && !f.clearedAt) return false;
  table.set(f.id, f);
  return true;
}

/** Newest first (ids grow with each raise). */
export const newestFirst = (a: Fault, b: Fault) => b.id - a.id;

export interface FaultStore {
  /** Open ones, oldest first (the longest broken first). */
  open: Fault[];
  /** Open and cleared, newest first. */
  recent: Fault[];
  settled: boolean;
  error: api.ApiErr | null;
}

export function useFaultStore(active: boolean, subscribe: Subscribe, streamEpoch: number): FaultStore {
  const [table, setTable] = useState<Map<number, Fault>>(new Map());
  const [settled, setSettled] = useState(false);
  const [error, setError] = useState<api.ApiErr | null>(null);
  /** Events that arrive while the list is being fetched, applied on top of it. */
  const pending = useRef<Fault[] | null>(null);

  const apply = useCallback((f: Fault) => {
    if (!looksLikeFault(f)) return;
    pending.current?.push(f);
    setTable((prev) => {
      const next = new Map(prev);
      return upsert(next, f) ? next : prev;
    });
  }, []);

  const load = useCallback(async () => {
    const mine: Fault[] = [];
    pending.current = mine;
    const r = await api.listFaults();
    if (pending.current !== mine) return; // a newer load started, or signed out
    pending.current = null;
    setSettled(true);
    if (!r.ok) return setError(r);
    setError(null);
    const next = new Map<number, Fault>();
    for (const f of [...(r.data.recent ?? []), ...(r.data.open ?? [])]) if (looksLikeFault(f)) upsert(next, f);
    for (const f of mine) upsert(next, f);
    setTable(next);
  }, []);

  useEffect(() => {
    if (active) {
      void load();
      return;
    }
    pending.current = null;
    setTable(new Map());
    setSettled(false);
    setError(null);
  }, [active, streamEpoch, load]);

  useEffect(() => subscribe('fault', apply), [subscribe, apply]);

  const all = [...table.values()];
  return {
    open: all.filter(isOpenFault).sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : a.id - b.id)),
    recent: all.sort(newestFirst).slice(0, FAULTS_MAX),
    settled,
    error,
  };
}
