// Alarm state for the whole app: the header banner, the landing page and the
// Alarms page all read it. Loaded from GET /api/alarms, kept current by the
// `alarm` stream event, reloaded after each stream (re)connect. It also holds
// the last self-test, reloaded when a test alarm ends.
import { useCallback, useEffect } from 'preact/hooks';
import { useLiveTable, type LiveTableSpec } from './live-table';
import * as api from './api';
import { isOpenAlarm, type Alarm, type AlarmList, type AlarmState, type CallPoint, type SelfTestResult, type Subscribe } from './types';

/** As many recent alarms as the server sends. */
export const RECENT_MAX = 50;

export const isOpen = (a: Alarm) => isOpenAlarm(a);

/** Counts for the banner and the landing page (test alarms don't, as for the beacons). */
export const isRealOpen = (a: Alarm) => isOpen(a) && !a.test && a.state !== 'test';

/** Lower is worse: nobody reached first, then ringing, talking, acknowledged. */
const RANK: Record<AlarmState, number> = {
  failed: 0,
  raised: 1,
  calling: 2,
  connected: 3,
  acknowledged: 4,
  test: 5,
  cleared: 6,
};

const rank = (a: Alarm) => (RANK[a.state] ?? 5) + (a.test ? 10 : 0);

/** Open alarms, worst first; the longest waiting first within a state. */
export function openAlarms(all: Iterable<Alarm>): Alarm[] {
  return [...all]
    .filter(isOpen)
    .sort((a, b) => rank(a) - rank(b) || (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : 0));
}

/** Cleared alarms, newest raised first (the open ones are shown as cards). */
export function recentAlarms(all: Iterable<Alarm>): Alarm[] {
  return [...all]
    .filter((a) => !isOpen(a))
    .sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : a.id < b.id ? 1 : -1))
    .slice(0, RECENT_MAX);
}

/** Put `a` in the table unless what we have is newer (events and answers can cross). */
export function upsert(table: Map<string, Alarm>, a: Alarm): boolean {
  const have = table.get(a.id);
  if (have && (have.updatedAt > a.updatedAt || (have.state === 'cleared' && a.state !== 'cleared'))) return false;
  table.set(a.id, a);
  return true;
}

export interface AlarmStore {
  /** Every alarm known (open ones and the recent ones). */
  alarms: Alarm[];
  points: CallPoint[];
  /** The last self-test, as the last load saw it. */
  selfTest: SelfTestResult | null;
  /** Simulation mode: the simulated dispatch desk and the key that acknowledges; null on a real installation or before the list answered. */
  simulation: AlarmList['simulation'];
  /** The first load has answered (well or not). */
  settled: boolean;
  error: api.ApiErr | null;
  /** Apply an alarm as returned by ack/clear (the stream event follows). */
  apply: (a: Alarm) => void;
  reload: () => void;
}

const ALARMS: LiveTableSpec<string, Alarm, AlarmList> = {
  merge: upsert,
  fetch: api.listAlarms,
  rows: (d) => [...d.recent, ...d.open],
};

/** `dataEpoch`: see useLiveTable (the list is fetched once per connection of the event stream). */
export function useAlarmStore(active: boolean, subscribe: Subscribe, dataEpoch: number): AlarmStore {
  const { table, settled, error, last, apply, load } = useLiveTable(ALARMS, active, dataEpoch);

  useEffect(
    () =>
      subscribe('alarm', (a) => {
        apply(a);
        // A test alarm is cleared when its self-test has an outcome: fetch it.
        if (a.test && a.state === 'cleared') void load();
      }),
    [subscribe, apply, load],
  );

  // The call points follow the configuration: a point added or renamed there is listed at once.
  useEffect(() => subscribe('config', () => void load()), [subscribe, load]);

  const reload = useCallback(() => void load(), [load]);
  const st = last?.selfTest;
  return {
    alarms: [...table.values()],
    points: last?.points ?? [],
    selfTest: st ?? null,
    simulation: last?.simulation ?? null,
    settled,
    error,
    apply,
    reload,
  };
}
