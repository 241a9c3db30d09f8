// The live picture of the desk for the wallboard: a `desk` event per queue
// whose waiting calls or agents changed. The engine says "something moved"
// after each turn of its decision (many a second while callers pour in);
// this looks at most once every DESK_EVENT_MS, compares each queue with
// what was last sent, and sends only the queues that differ. So 200 callers
// arriving together are a few events, not 200, and the first change after
// a quiet spell goes out at once (the wallboard lags by a decision, not by
// a timer). The wait times are left out of the comparison: they tick on
// the page from arrivedAt, and a queue that only waited longer is not news.
import type { AgentView, DeskView, QueueView } from '../contracts/desk.js';
import type { EventBus } from '../events/bus.js';

export const DESK_EVENT_MS = 100;

/** The reason that only says how long a call has waited: it changes every second by itself. */
const WAIT_REASON = /^waiting \d+ s$/;

function fingerprint(q: QueueView, agents: AgentView[]): string {
  return JSON.stringify([q.name, q.agents, q.waiting.map((w) => ({ ...w, reasons: w.reasons.filter((r) => !WAIT_REASON.test(r)) })), agents]);
}

export class DeskFeed {
  private readonly sent = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private lastLook = 0;

  constructor(private readonly c: { bus: EventBus; view: () => DeskView; everyMs?: number }) {}

  /** Something in the engine moved: look soon (at once, unless a look was made within the interval). */
  changed(): void {
    if (this.timer) return;
    const every = this.c.everyMs ?? DESK_EVENT_MS;
    this.timer = setTimeout(() => this.look(), Math.max(0, this.lastLook + every - Date.now()));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private look(): void {
    this.timer = undefined;
    this.lastLook = Date.now();
    // Nobody listens (no UI open): nothing to build.
    if (!this.c.bus.listenerCount('desk')) return this.sent.clear();
    const view = this.c.view();
    const at = new Date(this.lastLook).toISOString();
    for (const queue of view.queues) {
      const agents = view.agents.filter((a) => a.queues.includes(queue.id));
      const print = fingerprint(queue, agents);
      if (this.sent.get(queue.id) === print) continue;
      this.sent.set(queue.id, print);
      this.c.bus.emit('desk', { queue, agents, at });
    }
  }
}
