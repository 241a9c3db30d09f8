// The typed event bus. Services publish what happened; the UI stream and
// later the uplink listen. A listener's error is logged and never reaches the
// publisher or the other listeners. Owners remove their listeners on stop().
import type { AuditEntry } from '../store/audit-repo.js';
import type { Health } from '../health/health.js';
import type { Logger } from '../log/logger.js';
import type { CallRecord } from '../store/calls-repo.js';
import type { Alarm } from '../store/alarms-repo.js';
import type { LiveChannel } from '../pbx/live-channels.js';
import type { Fault } from '../store/faults-repo.js';
import type { BoardSnapshot } from '../alarms/board-view.js';
import type { Sms } from '../store/sms-repo.js';
import type { LinesView } from '../lines/view.js';

export interface EventMap {
  health: Health;
  audit: AuditEntry;
  /** A live channel changed; `channel` is null when it is gone. */
  channel: { uuid: string; channel: LiveChannel | null };
  /** A call record was committed. */
  call: CallRecord;
  /** An alarm changed state. */
  alarm: Alarm;
  /** A supervision fault was raised or cleared (`clearedAt` set). */
  fault: Fault;
  /** The board's inputs/outputs changed (a press, a lamp). */
  board: BoardSnapshot;
  /** An SMS was stored or changed state. */
  sms: Sms;
  /** A modem or line card changed state. */
  lines: LinesView;
}

type Listener<K extends keyof EventMap> = (payload: EventMap[K]) => void;

export class EventBus {
  private readonly listeners = new Map<keyof EventMap, Set<Listener<never>>>();

  constructor(private readonly log: Logger) {}

  on<K extends keyof EventMap>(event: K, fn: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit<K extends keyof EventMap>(event: K, payload: EventMap[K]): void {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        (fn as Listener<K>)(payload);
      } catch (err) {
        this.log.error({ err, event }, 'event listener failed');
      }
    }
  }

  listenerCount(event: keyof EventMap): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
