// Supervision faults for the whole app: the header count and the Faults page
// read them. Loaded from GET /api/faults, kept current by the `fault` stream
// event (a raise, or the same fault with clearedAt set), reloaded after each
// stream (re)connect.
import { useEffect } from 'preact/hooks';
import { useLiveTable, type LiveTableSpec } from './live-table';
import * as api from './api';
import type { Fault, FaultList, Subscribe } from './types';

/** As many as the server sends in `recent`. */
export const FAULTS_MAX = 100;

export const isOpenFault = (f: Fault) => !f.clearedAt;

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

const FAULTS: LiveTableSpec<number, Fault, FaultList> = {
  merge: upsert,
  fetch: api.listFaults,
  rows: (d) => [...(d.recent ?? []), ...(d.open ?? [])],
};

export function useFaultStore(active: boolean, subscribe: Subscribe, dataEpoch: number): FaultStore {
  const { table, settled, error, apply } = useLiveTable(FAULTS, active, dataEpoch);
  useEffect(() => subscribe('fault', apply), [subscribe, apply]);

  const all = [...table.values()];
  return {
    open: all.filter(isOpenFault).sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : a.id - b.id)),
    recent: all.sort(newestFirst).slice(0, FAULTS_MAX),
    settled,
    error,
  };
}
