// A thin typed layer over (patched) modesl: connect and authenticate, run
// api/bgapi commands with a timeout each, subscribe to events. Failures come
// back as values — timeout | rejected | disconnected — never as a hang or an
// exception (STYLE.md). Only SafeCommand text, built by the grammar-checked
// builders, can be sent. modesl pairs each reply with its command (api and
// command replies in order, bgapi results by Job-UUID); the one request
// matcher of our wire protocols (hardware/src/waitress.ts) gives every
// command its timeout and ends them all as disconnected when the socket goes.
import { randomUUID } from 'node:crypto';
import type { SafeCommand } from '../commands/builders.js';
import type { EslEvent } from './frame-parser.js';
import { Waitress } from '../../../../hardware/src/waitress.js';
import { patchedModesl, type ModeslConnection, type ModeslEvent } from './modesl-patch.js';

export type EslOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'rejected' | 'disconnected'; message: string };

export type ConnectOutcome = { ok: true; client: EslClient } | { ok: false; reason: 'auth' | 'unreachable' | 'timeout'; message: string };

export interface ConnectOptions {
  host: string;
  port: number;
  password: string;
  timeoutMs?: number;
}

/** A command to send; it calls `reply` with the outcome when FreeSWITCH answers. */
type EslRequest = (reply: (v: EslOutcome<unknown>) => void) => void;

export class EslClient {
  private closed = false;
  private closedWhy = 'not connected to FreeSWITCH';
  /** Every command on the wire at once (the event socket answers each in turn). */
  private readonly waitress = new Waitress<EslRequest, EslOutcome<unknown>>({
    window: Number.POSITIVE_INFINITY,
    send: (t) => t.request((v) => this.waitress.answer(t, v)),
  });
  private eventListener: ((e: EslEvent) => void) | undefined;
  private closeListener: ((why: string) => void) | undefined;

  private constructor(private readonly conn: ModeslConnection) {
    (conn as unknown as { callpointOnEvent: (e: EslEvent) => void }).callpointOnEvent = (e) => this.eventListener?.(e);
    const end = (why: string) => this.shutdown(why);
    conn.on('esl::end', () => end('the event socket closed'));
    conn.on('esl::event::disconnect::notice', () => end('FreeSWITCH said goodbye (disconnect-notice)'));
    conn.socket?.on('close', () => end('the event socket closed'));
    conn.on('error', (err) => end(`socket error: ${(err as Error).message}`));
  }

  static connect(o: ConnectOptions): Promise<ConnectOutcome> {
    const { Connection } = patchedModesl();
    return new Promise((resolve) => {
      let settled = false;
      const conn = new Connection(o.host, o.port, o.password);
      const done = (r: ConnectOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!r.ok) {
          conn.removeAllListeners();
          conn.on('error', () => undefined);
          conn.socket?.destroy();
        }
        resolve(r);
      };
      const timer = setTimeout(() => done({ ok: false, reason: 'timeout', message: `no answer from ${o.host}:${o.port} within ${o.timeoutMs ?? 5000} ms` }), o.timeoutMs ?? 5000);
      conn.on('error', (err) => {
        const e = err as NodeJS.ErrnoException;
        done({ ok: false, reason: 'unreachable', message: e.code === 'ECONNREFUSED' ? `nothing listens on ${o.host}:${o.port}` : `cannot reach ${o.host}:${o.port}: ${e.message}` });
      });
      conn.on('esl::event::auth::fail', () => done({ ok: false, reason: 'auth', message: 'event socket refused the password' }));
      conn.on('esl::end', () => done({ ok: false, reason: 'unreachable', message: 'the event socket closed during login' }));
      conn.on('esl::ready', () => {
        if (settled) return;
        const client = new EslClient(conn);
        done({ ok: true, client });
      });
    });
  }

  get connected(): boolean {
    return !this.closed;
  }

  onEvent(fn: (e: EslEvent) => void): void {
    this.eventListener = fn;
  }

  onClose(fn: (why: string) => void): void {
    this.closeListener = fn;
  }

  private async request<T>(timeoutMs: number, what: string, send: (reply: (v: EslOutcome<T>) => void) => void): Promise<EslOutcome<T>> {
    if (this.closed) return { ok: false, reason: 'disconnected', message: this.closedWhy };
    const w = await this.waitress.request(send, timeoutMs);
    if (w.kind === 'answer') return w.value as EslOutcome<T>;
    if (w.kind === 'timeout') return { ok: false, reason: 'timeout', message: `${what}: no answer within ${timeoutMs} ms` };
    return { ok: false, reason: 'disconnected', message: this.closedWhy };
  }

  /** `api` — the reply body; a body starting with -ERR is a rejection with FreeSWITCH's words. */
  api(command: SafeCommand, timeoutMs = 5000): Promise<EslOutcome<string>> {
    // modesl pairs replies to requests in order; a late reply after our timeout still pops its slot.
    return this.request(timeoutMs, command.split(' ')[0]!, (reply) => this.conn.api(command, (e: ModeslEvent) => reply(bodyOutcome(e.getBody()))));
  }

  /** `bgapi` — FreeSWITCH runs it in the background; the result comes as a BACKGROUND_JOB event with our Job-UUID. */
  bgapi(command: SafeCommand, timeoutMs = 30_000): Promise<EslOutcome<string>> {
    const [cmd, ...rest] = command.split(' ');
    return this.request(timeoutMs, cmd!, (reply) => this.conn.bgapi(cmd!, rest.join(' '), randomUUID(), (e: ModeslEvent) => reply(bodyOutcome(e.getBody()))));
  }

  /** Subscribe (json) to these event names, replacing the previous list. */
  subscribe(names: string[]): Promise<EslOutcome<void>> {
    if (!names.every((n) => /^[A-Z_:a-z]+$/.test(n))) return Promise.resolve({ ok: false, reason: 'rejected', message: 'bad event name' });
    return this.request(5000, 'event', (reply) =>
      this.conn.events('json', names, (e: ModeslEvent) => {
        const text = e.getHeader('Reply-Text') ?? '';
        reply(text.startsWith('+OK') ? { ok: true, value: undefined } : { ok: false, reason: 'rejected', message: text });
      }),
    );
  }

  private shutdown(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedWhy = why;
    // An error need not close the socket: make sure no event of this connection arrives after it.
    this.conn.socket?.destroy();
    this.waitress.failAll();
    this.closeListener?.(why);
  }

  close(): void {
    if (this.closed) return;
    try {
      this.conn.disconnect();
    } catch {
      /* already gone */
    }
    this.conn.socket?.destroy();
    this.shutdown('closed by Callpoint');
  }
}

function bodyOutcome(body: string): EslOutcome<string> {
  const text = body ?? '';
  if (text.startsWith('-ERR')) return { ok: false, reason: 'rejected', message: text.slice(4).trim() || 'FreeSWITCH refused' };
  if (text.startsWith('-USAGE')) return { ok: false, reason: 'rejected', message: text.trim() };
  return { ok: true, value: text };
}
