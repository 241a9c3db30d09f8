// Requests to a line card (hardware/README.md, "Line-card protocol") through
// the one request/response matcher (../../waitress.ts): one request on the
// wire at a time, each with a sequence tag 1–MAX_SEQ and a timeout. A reply is
// matched by its tag only, so a late answer to a request that already timed
// out cannot be taken for the answer to the next one. Every request ends as a
// value: the card's message, timeout, or disconnected.
import type { Clock } from '../../clock.js';
import { Waitress, type Waited } from '../../waitress.js';
import { encodeRequest, MAX_SEQ, type Message, type Request } from './protocol.js';

/** A card message that carries our tag: a reply, an ERR, or one we could not make sense of. */
export type Answer = Extract<Message, { kind: 'reply' | 'error' | 'unknown' | 'invalid' }> & { seq: number };

export type Outcome = { kind: 'answer'; msg: Answer } | { kind: 'timeout' } | { kind: 'disconnected' };

export class RequestQueue {
  private readonly waitress: Waitress<Request, Answer>;

  constructor(write: (line: string) => Promise<void>, clock: Clock) {
    this.waitress = new Waitress<Request, Answer>({ clock, maxTag: MAX_SEQ, send: (t) => write(encodeRequest(t.tag, t.request)) });
  }

  /** Nothing queued and nothing on the wire. */
  get idle(): boolean {
    return this.waitress.idle;
  }

  async send(req: Request, timeoutMs: number): Promise<Outcome> {
    const w: Waited<Answer> = await this.waitress.request(req, timeoutMs);
    return w.kind === 'answer' ? { kind: 'answer', msg: w.value } : w;
  }

  /** Offer a tagged card message; true when it answered the request on the wire. */
  deliver(msg: Answer): boolean {
    return this.waitress.deliver((t) => t.tag === msg.seq, msg);
  }

  /** The link went away: everything on the wire and queued ends as disconnected. */
  failAll(): void {
    this.waitress.failAll();
  }
}
