// A serial link: the byte pipe a line-card or modem driver talks through.
// The real one is a `serialport` SerialPort that reopens itself with backoff
// when the device vanishes (an unplugged USB modem gives ENOENT/EIO); tests
// and simulation use the same class on a socat pseudo-terminal.
import type { Emitter } from '../emitter.js';

export interface SerialLinkEvents {
  /** Bytes as they arrived; a line may be split across any number of these. */
  data: [chunk: Buffer];
  /** The port is open (first time or after a reopen): drivers re-initialise the device. */
  open: [];
  /** The port closed or failed; the link retries by itself until stop(). */
  close: [reason: string];
}

export interface SerialLink extends Pick<Emitter<SerialLinkEvents>, 'on'> {
  /** The device path, e.g. /dev/ttyUSB2, for logs and health. */
  readonly path: string;
  readonly isOpen: boolean;
  /** Start opening (and keep reopening) the port. */
  start(): void;
  /** Write bytes; resolves when handed to the OS, rejects when the port is not open. */
  write(data: string | Buffer): Promise<void>;
  /** Close for good; no reopen after this. */
  stop(): Promise<void>;
}
