// The request/response matcher ("waitress", STYLE.md 2) for the line-card
// protocol: one request on the wire at a time, each with a sequence tag and a
// timeout. A reply is matched by its tag only, so a late answer to a request
// that already timed out cannot be taken for the answer to the next one.
// Every request ends as a value: the card's message, timeout, or disconnected.
import type { Cancel, Clock } from '../../clock.js';
import { encodeRequest, MAX_SEQ, type Message, type Request } from './protocol.js';

/** A card message that carries our tag: a reply, an ERR, or one we could not make sense of. */
export type Answer = Extract<Message, { kind: 'reply' | 'error' | 'unknown' | 'invalid' }> & { seq: number };

export type Outcome = { kind: 'answer'; msg: Answer } | { kind: 'timeout' } | { kind: 'disconnected' };

interface Pending {
  req: Request;
  timeoutMs: number;
  resolve: (o: Outcome) => void;
}

interface InFlight extends Pending {
  seq: number;
  cancel: Cancel;
}

export class RequestQueue {
  private seq = 0;
  private queue: Pending[] = [];
  private current: InFlight | undefined;

  constructor(
    private readonly write: (line: string) => Promise<void>,
    private readonly clock: Clock,
  ) {}

  /** Nothing queued and nothing on the wire. */
  get idle(): boolean {
    return !this.current && this.queue.length === 0;
  }

  send(req: Request, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      this.queue.push({ req, timeoutMs, resolve });
      this.pump();
    });
  }

  /** Offer a tagged card message; true when it answered the request on the wire. */
  deliver(msg: Answer): boolean {
    const cur = this.current;
    if (!cur || msg.seq !== cur.seq) return false;
    this.finish({ kind: 'answer', msg });
    return true;
  }

  /** The link went away: everything on the wire and queued ends as disconnected. */
  failAll(): void {
    const all = [...(this.current ? [this.current] : []), ...this.queue];
    this.current?.cancel();
    this.current = undefined;
    this.queue = [];
    for (const p of all) p.resolve({ kind: 'disconnected' });
  }

  private finish(o: Outcome): void {
    const cur = this.current;
    if (!cur) return;
    cur.cancel();
    this.current = undefined;
    cur.resolve(o);
    this.pump();
  }

  private pump(): void {
    if (this.current) return;
    const next = this.queue.shift();
    if (!next) return;
    this.seq = this.seq >= MAX_SEQ ? 1 : this.seq + 1;
    const seq = this.seq;
    const cur: InFlight = { ...next, seq, cancel: () => undefined };
    this.current = cur;
    cur.cancel = this.clock.setTimeout(() => {
      if (this.current === cur) this.finish({ kind: 'timeout' });
    }, next.timeoutMs);
    this.write(encodeRequest(seq, next.req)).catch(() => {
      if (this.current === cur) this.finish({ kind: 'disconnected' });
    });
  }
}
