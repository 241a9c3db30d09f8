// The only code that touches a serial device: a thin shim over the
// `serialport` package (STYLE.md 5). Everything above it (AT engine, modem
// and line-card drivers) is tested over StreamLink or a socat pty.
//
// A USB modem comes and goes: unplugged, it vanishes (open gives ENOENT, an
// open port reads EIO and serialport reports a DisconnectedError); a modem
// reset re-enumerates it; ModemManager may hold it (EBUSY / lock). So the link
// never gives up: every failure becomes a `close` event with a technician's
// reason, and the port is reopened with capped exponential backoff and jitter
// until stop(). Logging is per state change: the first failure at warn,
// identical repeats at debug, recovery at info.
import { read as fsRead } from 'node:fs';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { SerialPort as SerialPortType } from 'serialport';
import { systemClock, type Cancel, type Clock } from '../clock.js';
import { Emitter } from '../emitter.js';
import type { SerialLink, SerialLinkEvents } from './link.js';

export { StreamLink } from './stream-link.js';

export interface SerialPortLinkOptions {
  path: string;
  baudRate: number;
  log: Logger;
  /** First retry delay; doubles per failure. Default 500 ms. */
  minBackoffMs?: number;
  /** Retry delay cap. Default 30 s. */
  maxBackoffMs?: number;
  clock?: Clock;
  /** For tests: jitter source in [0, 1). */
  random?: () => number;
}

type State = 'idle' | 'opening' | 'open' | 'waiting' | 'stopped';

/** A readable reason for a failed open or a lost port. serialport's errors often carry no `code`, only a message. */
export function describeSerialError(path: string, err: unknown): string {
  const e = err as (Error & { code?: string; disconnected?: boolean }) | undefined;
  const msg = e?.message ?? String(err);
  const has = (code: string, text: RegExp) => e?.code === code || text.test(msg);
  if (has('ENOENT', /no such file/i)) return `${path} does not exist (modem unplugged, not yet enumerated, or wrong path)`;
  if (has('EACCES', /permission denied/i)) return `permission denied on ${path} (the service user needs the dialout group)`;
  if (has('EBUSY', /busy|cannot lock|temporarily unavailable/i)) return `${path} is in use by another process (ModemManager? check with fuser ${path})`;
  if (has('EIO', /input\/output error/i)) return `I/O error on ${path} (device disconnected or reset)`;
  if (/hung up/i.test(msg)) return `${path} disconnected (the device hung up: unplugged or reset)`;
  if (e?.disconnected) return `${path} disconnected (${msg})`;
  return `${path}: ${msg}`;
}

const readAsync = promisify(fsRead);

/** What @serialport/bindings-cpp 13's Linux/macOS port object holds (not public API; checked before use). */
interface UnixBindingPort {
  fd: number | null;
  poller?: { once(event: 'readable', cb: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }>;
}

/**
 * bindings-cpp's unixRead retries a read that returns 0 bytes, but on a
 * non-blocking tty 0 means end of file: the tty was hung up (USB modem
 * unplugged, pty master gone). It then spins at full CPU and never reports the
 * disconnect (serialport/bindings-cpp#162, fix proposed in #164, not released
 * in 13.0.0). This replaces the port's read with the same loop, except that 0
 * bytes is a disconnect, which the stream turns into close(DisconnectedError).
 */
export function treatEofAsHangup(port: SerialPortType): void {
  const bp = (port as unknown as { port?: Partial<UnixBindingPort> }).port;
  if (!bp || typeof bp.fd !== 'number' || typeof bp.poller?.once !== 'function' || typeof bp.read !== 'function') return;
  const unix = bp as UnixBindingPort;
  unix.read = async (buffer, offset, length) => {
    for (;;) {
      // BindingsError-like: `canceled` tells the stream this is a close, not a failure.
      if (unix.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
      try {
        const { bytesRead } = await readAsync(unix.fd, buffer, offset, length, null);
        if (bytesRead === 0) throw Object.assign(new Error('the device hung up (read returned end of file)'), { disconnect: true });
        return { bytesRead, buffer };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
        // Closed while the read was pending: its poller is destroyed, and polling it
        // crashes the native binding (SIGSEGV in Poller::poll). serialport's own read checks this too.
        if (unix.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
        await new Promise<void>((resolve, reject) => unix.poller!.once('readable', (e) => (e ? reject(e) : resolve())));
      }
    }
  };
}

export class SerialPortLink extends Emitter<SerialLinkEvents> implements SerialLink {
  readonly path: string;
  private readonly baudRate: number;
  private readonly log: Logger;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private state: State = 'idle';
  private port: SerialPortType | undefined;
  private retry: Cancel | undefined;
  private failures = 0;
  /** The last reason reported, so a repeat is logged at debug and not re-emitted. */
  private lastReason: string | undefined;
  private detachPort: (() => void) | undefined;

  constructor(opts: SerialPortLinkOptions) {
    super((err) => opts.log.error({ err }, 'serial link listener failed'));
    this.path = opts.path;
    this.baudRate = opts.baudRate;
    this.log = opts.log;
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  start(): void {
    if (this.state !== 'idle') return;
    void this.open();
  }

  write(data: string | Buffer): Promise<void> {
    const port = this.port;
    if (this.state !== 'open' || !port) return Promise.reject(new Error(`serial port ${this.path} is not open`));
    return new Promise((resolve, reject) => {
      port.write(data, (err) => {
        if (err) reject(new Error(`write to ${this.path} failed: ${err.message}`));
      });
      // serialport's drain waits for the queued writes and tcdrain(): the bytes have left the UART.
      port.drain((err) => (err ? reject(new Error(`write to ${this.path} failed: ${err.message}`)) : resolve()));
    });
  }

  async stop(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'stopped';
    this.retry?.();
    this.retry = undefined;
    const port = this.port;
    this.port = undefined;
    this.detachPort?.();
    this.detachPort = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    if (wasOpen) {
      this.log.info({ path: this.path }, 'serial port closed');
      this.emit('close', 'stopped');
    }
  }

  private async open(): Promise<void> {
    this.state = 'opening';
    let SerialPort: typeof SerialPortType;
    try {
      // Loaded lazily: the native binding must not take the daemon down where it cannot load.
      ({ SerialPort } = await import('serialport'));
    } catch (err) {
      this.failed(`the serialport module does not load: ${(err as Error).message}`);
      return;
    }
    if (this.isStopped()) return;
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    port.open((err) => {
      if (this.isStopped()) {
        if (!err) port.close();
        return;
      }
      if (err) {
        this.failed(describeSerialError(this.path, err));
        return;
      }
      treatEofAsHangup(port);
      this.port = port;
      this.state = 'open';
      this.failures = 0;
      if (this.lastReason !== undefined) this.log.info({ path: this.path }, 'serial port open again');
      else this.log.info({ path: this.path, baudRate: this.baudRate }, 'serial port open');
      this.lastReason = undefined;
      const onData = (chunk: Buffer) => this.emit('data', chunk);
      // A read/write failure on an open port ends in 'close' with a DisconnectedError; 'error' alone
      // (e.g. a failed ioctl) is logged and the port closed so the reopen path handles it.
      const onClose = (e: unknown) => this.lost(port, e ? describeSerialError(this.path, e) : `${this.path} closed`);
      let closing = false;
      const onError = (e: Error) => {
        this.log.debug({ path: this.path, err: e }, 'serial port error');
        if (port.isOpen && !closing) {
          closing = true;
          port.close();
        } else this.lost(port, describeSerialError(this.path, e));
      };
      port.on('data', onData).on('close', onClose).on('error', onError);
      this.detachPort = () => {
        port.off('data', onData).off('close', onClose).off('error', onError);
        // Late errors from a port we let go of must not become unhandled 'error' events.
        port.on('error', () => undefined);
      };
      this.emit('open');
    });
  }

  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  /** The open port went away. */
  private lost(port: SerialPortType, reason: string): void {
    if (port !== this.port || this.state !== 'open') return;
    this.detachPort?.();
    this.detachPort = undefined;
    this.port = undefined;
    // After an 'error' on an open port it is still open: close it so the fd is released before the reopen.
    if (port.isOpen) port.close();
    this.failed(reason);
  }

  /** Report (once per distinct reason) and schedule the next attempt. */
  private failed(reason: string): void {
    if (this.isStopped()) return;
    const wasOpen = this.state === 'open';
    this.state = 'waiting';
    const delay = this.backoff();
    this.failures++;
    if (reason !== this.lastReason) {
      this.log.warn({ path: this.path, retryInMs: delay }, `serial port unavailable: ${reason}`);
      this.lastReason = reason;
      this.emit('close', reason);
    } else {
      this.log.debug({ path: this.path, retryInMs: delay, failures: this.failures }, `serial port still unavailable: ${reason}`);
      if (wasOpen) this.emit('close', reason);
    }
    this.retry = this.clock.setTimeout(() => {
      this.retry = undefined;
      if (!this.isStopped()) void this.open();
    }, delay);
  }

  /** min·2^failures, capped, with ±25 % jitter so several links (or appliances) do not retry in step. */
  private backoff(): number {
    const base = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(this.failures, 30));
    return Math.round(Math.min(this.maxBackoffMs, base * (0.75 + 0.5 * this.random())));
  }
}
