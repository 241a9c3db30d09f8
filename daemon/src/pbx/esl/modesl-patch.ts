// modesl, corrected. modesl (1.2.1) gives us the connection logic (auth
// handshake, api/bgapi reply queues, event subscription, Job-UUID routing),
// but its frame parser has faults that matter on an appliance:
//  1. Buffer.concat of the whole backlog on every chunk and a byte-by-byte
//     scan for "\n\n" from the start each time: quadratic in a burst (200
//     calls hanging up at once), ~0.43x a plain parser.
//  2. decodeURIComponent on every outer header throws URIError on a stray
//     '%' (e.g. in a Reply-Text), and the exception escapes the socket's data
//     handler: one odd byte kills the daemon.
//  3. _parseHeaders/_parseBody recurse once per buffered frame: a large
//     coalesced burst can exhaust the stack.
//  4. text/event-plain bodies: a character index is used as a byte index when
//     cutting the event body (wrong with any non-ASCII text), and an event
//     without an inner blank line loses all its headers.
//  5. send() writes command and header values as given: a value holding
//     "\n\n" becomes a second command (e.g. `api system …`).
// Rather than fork, we replace the two methods involved: the connection uses
// our FrameParser (byte-exact, iterative, never throws) and hands events to
// the typed layer directly (modesl still sees every reply and BACKGROUND_JOB),
// and send() refuses any command or header value containing CR or LF.
// Everything else of modesl is kept. The tests feed every real capture through the patched connection
// split at every byte boundary.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { eventFromFrame, FrameParser, type EslEvent, type Frame } from './frame-parser.js';

export interface ModeslEvent {
  getHeader(name: string): string | null | undefined;
  getBody(): string;
  headers: Array<{ name: string; value: string }>;
  body: string;
  type: string;
}

export interface ModeslConnection {
  socket: Socket | null;
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  once(event: string, fn: (...args: unknown[]) => void): unknown;
  off(event: string, fn: (...args: unknown[]) => void): unknown;
  removeAllListeners(event?: string): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  api(command: string, cb: (e: ModeslEvent) => void): void;
  bgapi(command: string, args: string, jobId: string, cb: (e: ModeslEvent) => void): void;
  events(type: 'plain' | 'json', events: string[] | string, cb?: (e: ModeslEvent) => void): void;
  sendRecv(command: string, cb: (e: ModeslEvent) => void): void;
  send(command: string, args?: Record<string, string>): void;
  disconnect(): void;
  authed: boolean;
}

interface ModeslModule {
  Connection: new (host: string, port: number, password: string, ready?: () => void) => ModeslConnection;
  Event: new (headers: Record<string, string>, body?: string) => ModeslEvent;
}

type ConnectionProto = {
  _onConnect(this: ModeslConnection & { parser?: unknown; connecting: boolean; _onEvent(e: ModeslEvent, h: Record<string, string>, b?: string): void; auth(): void; _onError(e: Error): void }): void;
  send(this: ModeslConnection, command: string, args?: Record<string, string>): void;
};

const require = createRequire(import.meta.url);
// modesl loads xml2js for `event xml` and `show … as xml`, which Callpoint never
// uses (json everywhere). Putting a stub in its place keeps ~7 MB out of an
// idle daemon on a small board; any use of XML fails loudly instead.
const modeslRequire = createRequire(require.resolve('modesl'));
const xml2jsPath = modeslRequire.resolve('xml2js');
require.cache[xml2jsPath] ??= {
  id: xml2jsPath,
  filename: xml2jsPath,
  loaded: true,
  exports: {
    Parser: class {
      constructor() {
        throw new Error('XML from FreeSWITCH is not supported by Callpoint (it subscribes in json)');
      }
    },
  },
} as unknown as NodeJS.Module;
const modesl = require('modesl') as ModeslModule;
let patched = false;

/** Thrown (as an 'error' event) when a command would carry a line break. */
export class EslInjectionError extends Error {}

export function patchedModesl(): ModeslModule {
  if (patched) return modesl;
  patched = true;
  const proto = modesl.Connection.prototype as unknown as ConnectionProto;
  const EventCtor = modesl.Event;

  proto._onConnect = function () {
    const socket = this.socket!;
    const toEvent = (f: Frame) => {
      const outer: Record<string, string> = {};
      for (const [k, v] of f.headers) outer[k] = v;
      const inner = eventFromFrame(f);
      // Our typed layer takes events straight from here. modesl itself needs
      // only BACKGROUND_JOB (bgapi results) among events; building its Event
      // objects and running EventEmitter2's wildcard matching for every
      // channel event would cost more than parsing them (see make bench).
      const hook = (this as unknown as { callpointOnEvent?: (e: EslEvent) => void }).callpointOnEvent;
      if (inner && hook) {
        hook(inner);
        if (inner.headers['Event-Name'] !== 'BACKGROUND_JOB') return;
      }
      const event = inner ? new EventCtor({ ...inner.headers, _body: inner.body }) : new EventCtor(outer, f.body);
      // modesl's own Reply-Text massaging, kept so its auth() and callers behave as before.
      const reply = event.getHeader('Reply-Text');
      if (reply?.startsWith('-ERR')) (event as unknown as { addHeader(n: string, v: string): void }).addHeader('Modesl-Reply-ERR', reply.slice(5));
      else if (reply?.startsWith('+OK')) (event as unknown as { addHeader(n: string, v: string): void }).addHeader('Modesl-Reply-OK', reply.slice(4));
      this._onEvent(event, outer, f.body);
    };
    // An emergency originate must not wait for Nagle: modesl wrote each command
    // in pieces, and the last piece sat in the kernel until the peer's delayed
    // ACK (up to 40 ms). Commands are one write now (send below), and go at once.
    (socket as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const parser = new FrameParser(toEvent, (message) => this.emit('esl::parse-error', message));
    this.parser = parser;
    // libuv reads a busy socket many times in one loop turn; during a burst
    // (200 calls hanging up together) that starves the database callbacks
    // that commit call records. Pausing after each chunk until the next turn
    // lets them in between: records are committed while the burst is parsed.
    socket.on('data', (d: Buffer) => {
      parser.push(d);
      if (socket.isPaused?.() === false) {
        socket.pause();
        setImmediate(() => socket.resume());
      }
    });
    this.emit('esl::connect');
    this.connecting = false;
    this.on('esl::event::auth::request', this.auth.bind(this));
  };

  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(this)
  const originalSend = proto.send;
  proto.send = function (command, args) {
    const bad = /[\r\n]/;
    if (bad.test(command) || Object.entries(args ?? {}).some(([k, v]) => bad.test(k) || bad.test(String(v)))) {
      this.emit('error', new EslInjectionError('refused to send a command containing a line break'));
      return;
    }
    // One write per command (modesl's own send wrote the command, each header and
    // the blank line separately): one segment on the wire, no partial command waiting.
    const socket = (this as unknown as { socket?: { write(s: string): boolean } }).socket;
    if (!socket) return originalSend.call(this, command, args);
    try {
      socket.write(`${command}\n${Object.entries(args ?? {}).map(([k, v]) => `${k}: ${String(v)}\n`).join('')}\n`);
    } catch (e) {
      this.emit('error', e);
    }
  };
  return modesl;
}
