// The one request/response matcher ("waitress", STYLE.md 2) of every wire
// protocol we speak: AT commands to a modem, requests to a line card, api and
// bgapi commands to FreeSWITCH's event socket. It queues requests, puts at
// most `window` of them on the wire at once, gives each a tag and a timeout,
// and ends every one of them as a value — its answer, `timeout` or
// `disconnected` — exactly once. What makes a frame an answer (a final result
// code, a sequence tag, a Job-UUID) is the protocol's business: it finds the
// ticket and calls answer().
import { systemClock, type Cancel, type Clock } from './clock.js';

export type Waited<T> = { kind: 'answer'; value: T } | { kind: 'timeout' } | { kind: 'disconnected' };

/** A request on the wire. */
export interface Ticket<R> {
  readonly request: R;
  /** The tag it went out with: 1, 2, … maxTag, then 1 again. */
  readonly tag: number;
}

export interface WaitressOptions<R> {
  /** Put a request on the wire. A rejected promise (a failed write) ends it as disconnected. */
  send(ticket: Ticket<R>): void | Promise<void>;
  clock?: Clock;
  /** How many requests may be on the wire at once: 1 for a serial line (the default). */
  window?: number;
  /** Tags run 1..maxTag and wrap. */
  maxTag?: number;
  /** May the next request go now? Asked before each send; call pump() when the answer may have changed. */
  ready?: () => boolean;
  /** A request timed out; called before its promise resolves (a protocol may need to resynchronise). */
  onTimeout?: (ticket: Ticket<R>) => void;
}

interface Entry<R, T> extends Ticket<R> {
  timeoutMs: number;
  resolve: (w: Waited<T>) => void;
  cancel: Cancel;
  done: boolean;
}

export class Waitress<R, T> {
  private readonly queue: Array<Entry<R, T>> = [];
  private readonly wire: Array<Entry<R, T>> = [];
  private lastTag = 0;
  private readonly clock: Clock;
  private readonly window: number;
  private readonly maxTag: number;

  constructor(private readonly o: WaitressOptions<R>) {
    this.clock = o.clock ?? systemClock;
    this.window = o.window ?? 1;
    this.maxTag = o.maxTag ?? 2 ** 31 - 1;
  }

  /** Queue a request; resolves with its answer, `timeout` (counted from when it is sent) or `disconnected`. Never rejects. */
  request(request: R, timeoutMs: number): Promise<Waited<T>> {
    return new Promise((resolve) => {
      this.queue.push({ request, tag: 0, timeoutMs, resolve, cancel: () => undefined, done: false });
      this.pump();
    });
  }

  /** Requests on the wire, oldest first. */
  get inFlight(): ReadonlyArray<Ticket<R>> {
    return this.wire;
  }

  /** The oldest request on the wire. */
  get current(): Ticket<R> | undefined {
    return this.wire[0];
  }

  /** Queued and on the wire. */
  get pending(): number {
    return this.queue.length + this.wire.length;
  }

  get idle(): boolean {
    return this.pending === 0;
  }

  /** This request is answered. False when it had already ended (a late answer after its timeout). */
  answer(ticket: Ticket<R>, value: T): boolean {
    const e = this.wire.find((x) => x === ticket);
    if (!e) return false;
    this.end(e, { kind: 'answer', value });
    return true;
  }

  /** The first request on the wire that `match` accepts is answered; false when none does. */
  deliver(match: (t: Ticket<R>) => boolean, value: T): boolean {
    const e = this.wire.find((x) => match(x));
    if (!e) return false;
    this.end(e, { kind: 'answer', value });
    return true;
  }

  /** The link went away: everything on the wire and queued ends as disconnected. */
  failAll(): void {
    for (const e of [...this.wire, ...this.queue.splice(0)]) this.end(e, { kind: 'disconnected' }, false);
    this.wire.length = 0;
  }

  /** Send what the window and ready() allow. */
  pump(): void {
    while (this.wire.length < this.window && this.queue.length && (this.o.ready?.() ?? true)) {
      const e = this.queue.shift()!;
      this.lastTag = this.lastTag >= this.maxTag ? 1 : this.lastTag + 1;
      (e as { tag: number }).tag = this.lastTag;
      this.wire.push(e);
      e.cancel = this.clock.setTimeout(() => {
        if (e.done) return;
        this.o.onTimeout?.(e);
        this.end(e, { kind: 'timeout' });
      }, e.timeoutMs);
      let sent: void | Promise<void>;
      try {
        sent = this.o.send(e);
      } catch {
        this.end(e, { kind: 'disconnected' });
        continue;
      }
      if (sent) sent.catch(() => this.end(e, { kind: 'disconnected' }));
    }
  }

  private end(e: Entry<R, T>, w: Waited<T>, pumpAfter = true): void {
    if (e.done) return;
    e.done = true;
    e.cancel();
    const i = this.wire.indexOf(e);
    if (i >= 0) this.wire.splice(i, 1);
    e.resolve(w);
    if (pumpAfter) this.pump();
  }
}
