// The typed event bus. Services publish what happened; the UI stream and
// later the uplink listen. A listener's error is logged and never reaches the
// publisher or the other listeners. Owners remove their listeners on stop().
import type { StreamEvents } from '../contracts/sse.js';
import type { Logger } from '../log/logger.js';

/** What services publish: the UI's event stream carries the same map (plus its keep-alive). */
export type EventMap = Omit<StreamEvents, 'ping'>;

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
