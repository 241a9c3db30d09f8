// A scripted far end for AT engine tests: an in-process "modem" on the other
// end of a duplex pair. It records every byte the engine writes (for exact
// assertions), splits them into command lines at CR (V.250 S3), and answers
// through a handler the test sets.
import type { Duplex } from 'node:stream';
import { Emitter } from '../src/emitter.js';
import { AtEngine, type AtEngineContext } from '../src/serial/at/engine.js';
import type { SerialLink, SerialLinkEvents } from '../src/serial/link.js';
import type { Urc } from '../src/serial/at/types.js';
import { StreamLink } from '../src/serial/stream-link.js';
import { duplexPair } from '../src/sim/serial/duplex-pair.js';
import { quietLog } from './helpers.js';

/** What the far end does with a command line: bytes to send back (or nothing). */
export type Answer = (command: string) => string | undefined;

export class FakeModem {
  readonly received: Buffer[] = [];
  /** Command lines (up to CR), in order. */
  readonly commands: string[] = [];
  /** SMS bodies (text after a prompt, up to Ctrl-Z), in order. */
  readonly bodies: string[] = [];
  echo = false;
  /** Delay before answering (ms); 0 answers on the next tick. */
  delayMs = 0;
  answer: Answer = () => '\r\nOK\r\n';
  /** What the far end does with an SMS body (27.005 §3.5.1: ended by Ctrl-Z). */
  answerBody: Answer = () => undefined;
  private partial = '';

  constructor(readonly stream: Duplex) {
    stream.on('data', (b: Buffer) => this.onData(b));
  }

  /** Every byte the engine wrote, as one string (latin1, so control bytes stay visible). */
  get bytes(): string {
    return Buffer.concat(this.received).toString('latin1');
  }

  send(s: string | Buffer): void {
    if (!this.stream.destroyed) this.stream.write(s);
  }

  private onData(b: Buffer): void {
    this.received.push(b);
    this.partial += b.toString('latin1');
    // eslint-disable-next-line no-control-regex -- CR ends a command, Ctrl-Z a body, ESC aborts one
    for (let m; (m = /[\r\x1a\x1b]/.exec(this.partial)); ) {
      const text = this.partial.slice(0, m.index);
      this.partial = this.partial.slice(m.index + 1);
      let reply: string | undefined;
      if (m[0] === '\x1b') continue; // ESC: message entry aborted, nothing to answer
      if (m[0] === '\x1a') {
        this.bodies.push(text);
        reply = (this.echo ? text : '') + (this.answerBody(text) ?? '');
      } else {
        this.commands.push(text);
        reply = (this.echo ? `${text}\r` : '') + (this.answer(text) ?? '');
      }
      if (reply) setTimeout(() => this.send(reply), this.delayMs);
    }
  }
}

export function engineOverPair(ctx: Partial<AtEngineContext> = {}) {
  const [near, far] = duplexPair();
  const link = new StreamLink(near, 'pair');
  const engine = new AtEngine(link, { log: quietLog, defaultTimeoutMs: 1000, resyncQuietMs: 40, ...ctx });
  const urcs: Urc[] = [];
  engine.on('urc', (u) => urcs.push(u));
  const modem = new FakeModem(far);
  engine.start();
  link.start();
  return { engine, link, modem, urcs, far, near };
}

export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: a small seeded PRNG so a failing fuzz run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A synchronous in-memory link: `feed()` delivers bytes at once, writes go to `onWrite`. For fuzzing on a ManualClock. */
export class MemLink extends Emitter<SerialLinkEvents> implements SerialLink {
  readonly path = 'mem';
  isOpen = false;
  onWrite: (data: string) => void = () => undefined;

  start(): void {
    this.isOpen = true;
    this.emit('open');
  }

  write(data: string | Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('mem link is not open'));
    this.onWrite(typeof data === 'string' ? data : data.toString('latin1'));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.close('stopped');
  }

  feed(bytes: Buffer | string): void {
    this.emit('data', typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  close(reason: string): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.emit('close', reason);
  }
}
