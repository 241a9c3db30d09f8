// The wire side of the simulated modem: bytes in and out of the attached
// Duplex, echo, the command-line queue, the AT+CMGS prompt, URCs, and the
// quirks a test can inject into the next response.
//
// Wire format (ITU-T V.250 with V1 verbose results, the power-on default): a
// command line ends with CR (S3; a following LF is ignored); a response is
// "\r\n<line>\r\n…\r\n<final>\r\n", the lines of one information response
// separated by a bare CRLF; a URC is "\r\n<urc>\r\n" between responses. Echo
// returns each received byte as it arrives, before the command runs (so the
// echo of "ATE0\r" still comes back). After AT+CMGS the modem sends "\r\n> "
// and reads PDU hex up to Ctrl-Z (0x1A) — echoed too when echo is on, as
// SIM800/EC25 do — and ESC (0x1B) aborts the message.
import type { Duplex } from 'node:stream';
import type { Cancel, Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import type { ModemState, Reply } from './gsm-modem-sim-commands.js';
import { record } from '../bounded-log.js';

/** A whole message the host sent (all its parts arrived). */
export interface SentSms {
  to: string;
  text: string;
  parts: number;
  /** Concatenation reference (multi-part only). */
  ref?: number;
  /** The TP-MR the "network" gave each part, in the order sent. */
  mrs: number[];
  statusReport: boolean;
  pdus: string[];
}

export interface GsmModemSimEvents {
  /** A command line as received (without the CR), e.g. `AT+CPIN="1234"`. */
  command: [line: string];
  /** The host sent a whole SMS. */
  sms: [sms: SentSms];
  /** Memory slots (1-based) were freed by AT+CMGD. */
  deleted: [indexes: number[]];
}

const CR = 0x0d;
const LF = 0x0a;
const CTRL_Z = 0x1a;
const ESC = 0x1b;

export abstract class ModemWire extends Emitter<GsmModemSimEvents> {
  abstract readonly state: ModemState;
  /** Every command line received, in order. */
  readonly commands: string[] = [];
  protected powered = true;
  private port: Duplex | undefined;
  private detachPort: (() => void) | undefined;
  private input = '';
  private pdu: { len: number; hex: string } | undefined;
  private readonly queue: string[] = [];
  private busy = false;
  private silentMode = false;
  private delayMs = 0;
  private readonly timers = new Set<Cancel>();
  private quirk: { urcInside?: string; truncate?: boolean; error?: string } = {};

  constructor(protected readonly clock: Clock) {
    super();
  }

  /** Run one command line ("AT…"); undefined for a line that is not a command (ignored). */
  protected abstract execute(line: string): Reply | undefined;
  /** The PDU of an AT+CMGS=<len> arrived (Ctrl-Z); the subclass answers via respond(). */
  protected abstract submit(len: number, hex: string): void;

  /** Connect to the modem end of the byte pipe (again after the pty came back); the modem state is kept. */
  attach(port: Duplex): void {
    this.detach();
    this.port = port;
    this.input = '';
    this.pdu = undefined;
    const onData = (chunk: Buffer | string): void => this.onBytes(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    const onError = (): void => undefined; // a vanished pty: the owner re-attaches
    const onClose = (): void => {
      if (this.port === port) this.detach();
    };
    port.on('data', onData);
    port.on('error', onError);
    port.on('close', onClose);
    this.detachPort = () => {
      port.off('data', onData);
      port.off('error', onError);
      port.off('close', onClose);
    };
  }

  detach(): void {
    this.detachPort?.();
    this.detachPort = undefined;
    this.port = undefined;
  }

  /** Cancel every pending timer (ring, USSD answer, network delays) and detach. */
  close(): void {
    for (const c of this.timers) c();
    this.timers.clear();
    this.detach();
  }

  /** How many command lines started with `prefix` (case-insensitive), e.g. 'AT+CPIN='. */
  count(prefix: string): number {
    const p = prefix.toUpperCase();
    return this.commands.filter((c) => c.toUpperCase().startsWith(p)).length;
  }

  // ---- quirks -------------------------------------------------------------

  echo(on: boolean): void {
    this.state.echo = on;
  }

  /** Emit `urc` between the lines of the next response that has information lines. */
  urcInsideNextResponse(urc: string): void {
    this.quirk.urcInside = urc;
  }

  /** Answer every command `ms` late (0: back to normal). */
  slow(ms: number): void {
    this.delayMs = ms;
  }

  /** Line noise: binary junk and broken lines, as after a brown-out or a baud-rate mismatch. */
  garbage(): void {
    this.write(Buffer.from([0x00, 0xff, 0xfe, CR, LF, 0x8f, 0x40, 0x23, 0x7e, CR, LF, 0x5e, 0x00, CR, LF]));
    this.raw('\r\n+CSQ:,\x07x\r\n');
  }

  /** Cut the next response short (half of it, no final result code). */
  truncateNext(): void {
    this.quirk.truncate = true;
  }

  /** Answer the next command with this final result instead, e.g. "+CME ERROR: 100" or "ERROR". */
  errorNext(text: string): void {
    this.quirk.error = text;
  }

  /** A hung modem: it stops answering (and echoing) but stays attached. */
  silent(on: boolean): void {
    this.silentMode = on;
  }

  // ---- output -------------------------------------------------------------

  protected respond(reply: { lines: string[]; final: string }): void {
    let text = `${reply.lines.length ? `\r\n${reply.lines.join('\r\n')}\r\n` : ''}\r\n${reply.final}\r\n`;
    const urc = this.quirk.urcInside;
    if (urc !== undefined && reply.lines.length > 0) {
      delete this.quirk.urcInside;
      const [first, ...rest] = reply.lines;
      text = `\r\n${first}\r\n\r\n${urc}\r\n${rest.length ? `\r\n${rest.join('\r\n')}\r\n` : ''}\r\n${reply.final}\r\n`;
    }
    if (this.quirk.truncate) {
      delete this.quirk.truncate;
      text = text.slice(0, Math.max(3, Math.floor(text.length / 2)));
    }
    this.raw(text);
  }

  protected urc(text: string): void {
    if (this.powered) this.raw(`\r\n${text}\r\n`);
  }

  protected raw(text: string): void {
    this.write(Buffer.from(text, 'latin1'));
  }

  protected later(ms: number, fn: () => void): void {
    const cancel = this.clock.setTimeout(() => {
      this.timers.delete(cancel);
      fn();
    }, ms);
    this.timers.add(cancel);
  }

  private write(buf: Buffer): void {
    const port = this.port;
    // A serialport SerialPort that lost its pty is a Duplex that is not open: writing would only raise 'error'.
    if (!port || port.destroyed || (port as { isOpen?: boolean }).isOpen === false) return;
    port.write(buf);
  }

  // ---- input --------------------------------------------------------------

  private onBytes(chunk: Buffer): void {
    if (!this.powered || this.silentMode) return;
    for (const b of chunk) {
      if (this.pdu) {
        this.onPduByte(this.pdu, b);
        continue;
      }
      if (this.state.echo) this.write(Buffer.from([b]));
      if (b === CR) {
        const line = this.input.trim();
        this.input = '';
        if (line) {
          this.queue.push(line);
          void this.drain();
        }
      } else if (b !== LF && b >= 0x20 && b < 0x7f) {
        this.input += String.fromCharCode(b);
      }
    }
  }

  private onPduByte(pdu: { len: number; hex: string }, b: number): void {
    if (b === ESC) {
      this.pdu = undefined;
      this.respond({ lines: [], final: 'OK' });
    } else if (b === CTRL_Z) {
      this.pdu = undefined;
      this.submit(pdu.len, pdu.hex);
    } else {
      if (this.state.echo) this.write(Buffer.from([b]));
      if (b > 0x20 && b < 0x7f) pdu.hex += String.fromCharCode(b);
    }
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let line = this.queue.shift(); line !== undefined; line = this.queue.shift()) {
        record(this.commands, line);
        this.emit('command', line);
        if (this.delayMs > 0) await new Promise<void>((r) => this.later(this.delayMs, r));
        if (!this.powered || this.silentMode) continue;
        let reply: Reply | undefined;
        if (this.quirk.error !== undefined && /^AT/i.test(line)) {
          reply = { lines: [], final: this.quirk.error };
          delete this.quirk.error;
        } else reply = this.execute(line);
        if (reply === undefined) continue;
        if ('prompt' in reply) {
          this.pdu = { len: reply.prompt, hex: '' };
          this.raw('\r\n> ');
        } else this.respond(reply);
      }
    } finally {
      this.busy = false;
    }
  }
}
