// The backlog cap. A board that cannot reach central for weeks must not fill
// its disk: past `maxBacklog` messages the oldest call records go first, then
// events. Alarms are never dropped — if only alarms are left, the backlog
// grows past the cap and health says so. Every trim is counted (settings key
// below, cumulative) and reported to central as an event of its own.
import type { Store } from '../store/store.js';

export const DROPPED_KEY = 'uplink.dropped';
/** The order key of the trim notices: they are never trimmed themselves (no trim-notice-trim loop). */
export const NOTICE_KEY = 'uplink:backlog-trimmed';

export interface Dropped {
  call: number;
  event: number;
}

/** Types dropped when over the cap, in this order. */
const DROPPABLE = ['call', 'event'] as const;

/** Trim to the cap in one transaction. Returns what this trim dropped, or undefined when nothing was over. */
export async function enforceRetention(store: Store, maxBacklog: number): Promise<{ dropped: Dropped; total: Dropped; stillOver: boolean } | undefined> {
  return store.tx(async (r) => {
    const { count } = await r.outbox.stats();
    if (count <= maxBacklog) return undefined;
    // One more than the excess: room for the notice that reports the trim.
    let excess = count - maxBacklog + 1;
    const dropped: Dropped = { call: 0, event: 0 };
    for (const type of DROPPABLE) {
      if (excess <= 0) break;
      const n = await r.outbox.deleteOldestOfType(type, excess, NOTICE_KEY);
      dropped[type] = n;
      excess -= n;
    }
    if (!dropped.call && !dropped.event) return { dropped, total: (await r.settings.get<Dropped>(DROPPED_KEY)) ?? { call: 0, event: 0 }, stillOver: true };
    const before = (await r.settings.get<Dropped>(DROPPED_KEY)) ?? { call: 0, event: 0 };
    const total: Dropped = { call: before.call + dropped.call, event: before.event + dropped.event };
    await r.settings.set(DROPPED_KEY, total, 'uplink');
    await r.outbox.enqueue('event', { kind: 'backlog-trimmed', dropped, total, maxBacklog }, NOTICE_KEY);
    return { dropped, total, stillOver: excess > 0 };
  });
}

export async function droppedSoFar(store: Store): Promise<Dropped> {
  return (await store.settings.get<Dropped>(DROPPED_KEY)) ?? { call: 0, event: 0 };
}
