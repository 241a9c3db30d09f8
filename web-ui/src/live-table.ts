// A table the server sends as a snapshot and then keeps current with stream
// events (alarms, faults). The snapshot is fetched once the event stream is
// connected — so no change can fall between the two — and again after each
// reconnect (`dataEpoch` counts them; 0: not yet, nothing is fetched). Events
// that arrive while it is being fetched are applied on top of it. Emptied on
// sign-out.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type * as api from './api';

export interface LiveTableSpec<K, T, D> {
  /** Put the row in the table unless what is there is newer; true when the table changed. */
  merge: (table: Map<K, T>, row: T) => boolean;
  fetch: () => Promise<api.ApiResult<D>>;
  /** The rows in an answer. */
  rows: (data: D) => T[];
}

export interface LiveTable<K, T, D> {
  table: Map<K, T>;
  /** The first load has answered (well or not). */
  settled: boolean;
  error: api.ApiErr | null;
  /** The last answer, for what else it carries (points, the last self-test…); null before one and after sign-out. */
  last: D | null;
  apply: (row: T) => void;
  load: () => Promise<void>;
}

/** `spec` must not change between renders (define it at module level). */
export function useLiveTable<K, T, D>(spec: LiveTableSpec<K, T, D>, active: boolean, dataEpoch: number): LiveTable<K, T, D> {
  const [table, setTable] = useState<Map<K, T>>(new Map());
  const [settled, setSettled] = useState(false);
  const [error, setError] = useState<api.ApiErr | null>(null);
  const [last, setLast] = useState<D | null>(null);
  /** Events that arrive while the table is being fetched, applied on top of it. */
  const pending = useRef<T[] | null>(null);

  const apply = useCallback((row: T) => {
    pending.current?.push(row);
    setTable((prev) => {
      const next = new Map(prev);
      return spec.merge(next, row) ? next : prev;
    });
  }, [spec]);

  const load = useCallback(async () => {
    const mine: T[] = [];
    pending.current = mine;
    const r = await spec.fetch();
    if (pending.current !== mine) return; // a newer load started, or signed out
    pending.current = null;
    setSettled(true);
    if (!r.ok) return setError(r);
    setError(null);
    const next = new Map<K, T>();
    for (const row of spec.rows(r.data)) spec.merge(next, row);
    for (const row of mine) spec.merge(next, row);
    setTable(next);
    setLast(r.data);
  }, [spec]);

  useEffect(() => {
    if (active) {
      if (dataEpoch > 0) void load();
      return;
    }
    pending.current = null;
    setTable(new Map());
    setSettled(false);
    setError(null);
    setLast(null);
  }, [active, dataEpoch, load, spec]);

  return { table, settled, error, last, apply, load };
}
