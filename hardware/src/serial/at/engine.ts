// The AT command engine: one command in flight per port, a FIFO queue behind
// it, a timeout on every command, URCs separated from responses (STYLE.md 1–3).
//
// Layers: LineSplitter (bytes → lines and the "> " prompt), classifyUrc (is a
// line unsolicited?), this engine (collects the lines of the command in
// flight until a final result code, ITU-T V.250 §5.7 / 3GPP TS 27.007 §9.2 /
// 27.005 §3.2.5), the Waitress (one in flight, a timeout each, every command
// ends as a value) and a SerialLink underneath. Failures are values: ok / error /
// timeout / disconnected; send() never rejects.
//
// After a timeout the modem may still answer the timed-out command. Lines
// are then not attributed to anything: the engine waits until the port has
// been quiet for `resyncQuietMs` (at most `resyncMaxMs`) before it sends the
// next command, and drops every non-URC line meanwhile. This works with echo
// on or off. Its limit: a modem that answers later than that quiet period,
// after the next command went out, cannot be told apart without echo; drivers
// that care pass `prefix` and check the response's shape.
//
// Not supported: ATV0 numeric result codes, data-mode CONNECT.
import type { Logger } from 'pino';
import { systemClock, type Cancel, type Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import type { SerialLink } from '../link.js';
import { Waitress, type Ticket, type Waited } from '../../waitress.js';
import { parseErrorLine } from './errors.js';
import { LineSplitter, type AtToken } from './line-splitter.js';
import type { AtCommandOptions, AtResult, Urc } from './types.js';
import { classifyUrc, type InFlight } from './urc.js';

export interface AtEngineEvents {
  urc: [urc: Urc];
}

export interface AtEngineContext {
  log: Logger;
  /** Per-command timeout when AtCommandOptions.timeoutMs is not given. Default 5000 ms. */
  defaultTimeoutMs?: number;
  clock?: Clock;
  /** After a timeout: silence needed before the next command is sent. Default 300 ms. */
  resyncQuietMs?: number;
  /** After a timeout: the longest wait for that silence (a chatty modem). Default 3000 ms. */
  resyncMaxMs?: number;
  /** How long a +CMT/+CDS/+CBM header waits for its body line. Default 1000 ms. */
  urcBodyTimeoutMs?: number;
  /** Information lines kept per command; more are dropped (and logged). Default 1000. */
  maxLines?: number;
  /** LineSplitter limit. Default 4096 bytes. */
  maxLineBytes?: number;
}

interface Pending {
  command: string;
  opts: AtCommandOptions;
  lines: string[];
  /** Information lines beyond maxLines, dropped. */
  dropped: number;
  /** queued → sent (waiting for a result, or the prompt when opts.body) → body (body written). */
  phase: 'queued' | 'sent' | 'body';
}

const CTRL_Z = '\x1a';
const ESC = '\x1b';
/** Longest command line accepted (SIM800: 556 characters incl. "AT"). */
const MAX_COMMAND = 1024;

/** Why a command or body must not be sent, or undefined when it is fine. */
export function refuseReason(command: string, body?: string): string | undefined {
  if (command.trim() === '') return 'refused: empty command';
  if (command.length > MAX_COMMAND) return `refused: command longer than ${MAX_COMMAND} characters`;
  // CR ends the command line (V.250 S3) and LF/Ctrl-Z/ESC are active too: a value from config
  // containing one could smuggle in a second command, so any control character is refused.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(command)) return 'refused: the command contains a control character (CR, LF, Ctrl-Z, …)';
  // Ctrl-Z would end the body early and ESC abort it; other control bytes have no place in a PDU or text.
  // eslint-disable-next-line no-control-regex
  if (body !== undefined && /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/.test(body)) return 'refused: the body contains a control character (Ctrl-Z, ESC, …)';
  return undefined;
}

const CALL_RESULT_TEXT: Record<string, string> = {
  'NO CARRIER': 'no carrier (the call failed or ended)',
  BUSY: 'busy',
  'NO ANSWER': 'no answer',
  'NO DIALTONE': 'no dial tone',
};

/** A final result code (V.250 §5.7.1, 27.007 §9.2, 27.005 §3.2.5), or undefined for an information line. */
function finalResult(line: string, lines: string[]): AtResult | undefined {
  const upper = line.toUpperCase();
  if (upper === 'OK') return { kind: 'ok', lines };
  if (upper === 'ERROR') return { kind: 'error', code: 'ERROR', message: 'ERROR (no details: enable AT+CMEE=1)', lines };
  const err = parseErrorLine(line);
  if (err) return { kind: 'error', ...err, lines };
  const call = CALL_RESULT_TEXT[upper];
  if (call) return { kind: 'error', code: upper as 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE', message: call, lines };
  return undefined;
}

/**
 * Secrets never reach the log: the arguments of the PIN commands (AT+CPIN,
 * AT+CLCK, AT+CPWD — also when the modem echoes them back) are masked.
 */
export function redact(line: string): string {
  return line.replace(/^(\s*AT\+(?:CPIN|CLCK|CPWD)\s*=)[^\r\n]*/i, '$1<redacted>');
}

export class AtEngine extends Emitter<AtEngineEvents> {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly defaultTimeoutMs: number;
  private readonly resyncQuietMs: number;
  private readonly resyncMaxMs: number;
  private readonly urcBodyTimeoutMs: number;
  private readonly maxLines: number;
  private readonly splitter: LineSplitter;
  private readonly waitress: Waitress<Pending, AtResult>;
  private started = false;
  private offLink: (() => void)[] = [];
  /** Set after a timeout until the port is quiet: `stale` is the timed-out command, for classifying its late lines. */
  private resync: { stale: InFlight; cancelQuiet: Cancel; cancelMax: Cancel } | undefined;
  /** A +CMT/+CDS/+CBM header waiting for its body line (27.005 §3.4.1). */
  private awaitingBody: { urc: Urc; cancel: Cancel } | undefined;
  private inData = false;

  constructor(
    private readonly link: SerialLink,
    ctx: AtEngineContext,
  ) {
    super((err) => ctx.log.error({ err }, 'AT URC listener failed'));
    this.log = ctx.log;
    this.clock = ctx.clock ?? systemClock;
    this.defaultTimeoutMs = ctx.defaultTimeoutMs ?? 5000;
    this.resyncQuietMs = ctx.resyncQuietMs ?? 300;
    this.resyncMaxMs = ctx.resyncMaxMs ?? 3000;
    this.urcBodyTimeoutMs = ctx.urcBodyTimeoutMs ?? 1000;
    this.maxLines = ctx.maxLines ?? 1000;
    this.splitter = new LineSplitter(ctx.maxLineBytes === undefined ? {} : { maxLineBytes: ctx.maxLineBytes });
    this.waitress = new Waitress<Pending, AtResult>({
      clock: this.clock,
      // V.250 §5.2.1: a command line ends with S3 (CR).
      send: (t) => {
        t.request.phase = 'sent';
        return this.write(`${t.request.command}\r`);
      },
      // Lines after a final result in the same chunk were sent before the next command existed:
      // the next command goes only once the chunk is fully handled, so they cannot be taken for
      // its answer; and not while the port resynchronises after a timeout.
      ready: () => !this.inData && !this.resync,
      onTimeout: (t) => this.onTimeout(t),
    });
  }

  /** The command on the wire. */
  private get current(): Pending | undefined {
    return this.waitress.current?.request;
  }

  /** Listen to the link. The link's owner starts and stops the link itself. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.offLink = [
      this.link.on('data', (chunk) => this.onData(chunk)),
      this.link.on('open', () => this.splitter.reset()),
      this.link.on('close', (reason) => this.onClose(reason)),
    ];
  }

  /** Stop listening; the command in flight and the queue resolve `disconnected`. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const off of this.offLink) off();
    this.offLink = [];
    this.onClose('AT engine stopped');
  }

  /** Commands waiting, including the one in flight. */
  get pending(): number {
    return this.waitress.pending;
  }

  /** Queue a command line (without CR). Resolves when it ends; never rejects. */
  send(command: string, opts: AtCommandOptions = {}): Promise<AtResult> {
    const refused = refuseReason(command, opts.body);
    if (refused) {
      this.log.warn({ command: JSON.stringify(redact(command)) }, refused);
      return Promise.resolve({ kind: 'error', code: 'ERROR', message: refused, lines: [] });
    }
    if (!this.started || !this.link.isOpen) return Promise.resolve({ kind: 'disconnected' });
    const p: Pending = { command: command.trim(), opts, lines: [], dropped: 0, phase: 'queued' };
    return this.waitress.request(p, opts.timeoutMs ?? this.defaultTimeoutMs).then((w) => this.outcome(p, w));
  }

  private outcome(p: Pending, w: Waited<AtResult>): AtResult {
    const result: AtResult = w.kind === 'answer' ? w.value : w.kind === 'timeout' ? { kind: 'timeout', lines: p.lines } : { kind: 'disconnected' };
    if (result.kind !== 'ok') this.log.debug({ command: redact(p.command), result }, 'AT command did not succeed');
    return result;
  }

  /** Write to the port; a failed write rejects (the waitress then ends the command as disconnected). */
  private write(data: string): Promise<void> {
    if (this.log.isLevelEnabled('trace')) this.log.trace({ tx: redact(String(data)) }, 'AT tx');
    return this.link.write(data).catch((err: unknown) => {
      this.log.debug({ err }, 'AT write failed');
      throw err;
    });
  }

  /** The command in flight ended: its promise resolves with this result. */
  private finish(result: AtResult): void {
    const t = this.waitress.current;
    if (t) this.waitress.answer(t, result);
  }

  private onTimeout(t: Ticket<Pending>): void {
    const p = t.request;
    this.log.warn({ command: redact(p.command), phase: p.phase, lines: p.lines.length }, 'AT command timed out');
    // 27.005 §3.5.1: ESC aborts the message entry, so the modem does not take the next command as body.
    if (p.opts.body !== undefined && p.phase === 'sent') void this.write(ESC).catch(() => undefined);
    this.startResync({ command: p.command, prefix: p.opts.prefix });
  }

  private startResync(stale: InFlight): void {
    this.resync = {
      stale,
      cancelQuiet: this.clock.setTimeout(() => this.endResync(true), this.resyncQuietMs),
      cancelMax: this.clock.setTimeout(() => this.endResync(false), this.resyncMaxMs),
    };
  }

  private endResync(quiet: boolean): void {
    if (!this.resync) return;
    // A partial line that has seen no byte for the whole quiet period is the cut-off tail of the
    // timed-out answer (nothing pauses mid-line that long): forget it, or it would prefix the next answer.
    if (quiet && this.splitter.buffered > 0) {
      this.log.debug({ bytes: this.splitter.buffered }, 'unterminated line of a timed-out command dropped');
      this.splitter.reset();
    }
    this.resync.cancelQuiet();
    this.resync.cancelMax();
    this.resync = undefined;
    this.waitress.pump();
  }

  private onData(chunk: Buffer): void {
    if (this.resync) {
      // Every byte restarts the quiet period.
      this.resync.cancelQuiet();
      this.resync.cancelQuiet = this.clock.setTimeout(() => this.endResync(true), this.resyncQuietMs);
    }
    this.inData = true;
    try {
      for (const token of this.splitter.push(chunk)) this.onToken(token);
    } finally {
      this.inData = false;
    }
    this.waitress.pump();
  }

  private onToken(token: AtToken): void {
    const trace = this.log.isLevelEnabled('trace');
    switch (token.kind) {
      case 'garbage':
        this.log.debug({ bytes: token.bytes, sample: token.sample }, 'overlong line from the modem discarded');
        return;
      case 'prompt': {
        if (trace) this.log.trace({ rx: '> ' }, 'AT rx');
        const p = this.current;
        if (p && p.opts.body !== undefined && p.phase === 'sent') {
          p.phase = 'body';
          void this.write(p.opts.body + CTRL_Z).catch(() => this.finish({ kind: 'disconnected' }));
        } else if (p && p.opts.body !== undefined && p.phase === 'body') {
          // Text mode (AT+CMGF=1): the modem prompts again after each CR inside the body.
          this.log.debug('"> " continuation prompt during the SMS body');
        } else {
          // A prompt nobody asked for (a late one after a timeout): the modem would take the next command as text.
          this.log.warn('unexpected "> " prompt from the modem: cancelled with ESC');
          void this.write(ESC).catch(() => undefined);
        }
        return;
      }
      case 'line':
        if (trace) this.log.trace({ rx: redact(token.text) }, 'AT rx');
        this.onLine(token.text);
        return;
    }
  }

  private inFlight(): InFlight | undefined {
    if (this.resync) return this.resync.stale;
    return this.current ? { command: this.current.command, prefix: this.current.opts.prefix } : undefined;
  }

  private onLine(line: string): void {
    const ctx = this.inFlight();
    if (this.awaitingBody) {
      const waiting = this.awaitingBody;
      this.awaitingBody = undefined;
      waiting.cancel();
      // The body should follow at once; a result code or URC instead means it never came
      // (a text-mode body that reads like a URC would be mistaken: Callpoint uses PDU mode).
      if (finalResult(line, []) || classifyUrc(line, ctx)) this.emitUrc(waiting.urc);
      else {
        this.emitUrc({ ...waiting.urc, pdu: line });
        return;
      }
    }
    const urc = classifyUrc(line, ctx);
    if (urc) {
      const u: Urc = { name: urc.name, args: urc.args, line };
      if (urc.bodyFollows) {
        this.awaitingBody = { urc: u, cancel: this.clock.setTimeout(() => this.bodyTimedOut(), this.urcBodyTimeoutMs) };
      } else this.emitUrc(u);
      return;
    }
    const p = this.current;
    if (this.resync || !p) {
      this.log.debug({ line: redact(line) }, this.resync ? 'late line of a timed-out command dropped' : 'line outside any command dropped');
      return;
    }
    if (line.toUpperCase() === p.command.toUpperCase()) return; // echo (ATE1)
    if (p.phase === 'body' && p.opts.body?.split(/[\r\n]+/).includes(line)) return; // echo of the SMS body
    const final = finalResult(line, p.lines);
    if (final) {
      this.finish(final);
      return;
    }
    if (p.lines.length < this.maxLines) p.lines.push(line);
    else if (p.dropped++ === 0) this.log.warn({ command: redact(p.command) }, `more than ${this.maxLines} response lines: the rest dropped`);
  }

  private bodyTimedOut(): void {
    const waiting = this.awaitingBody;
    if (!waiting) return;
    this.awaitingBody = undefined;
    this.log.warn({ urc: waiting.urc.line }, 'URC body line never came');
    this.emitUrc(waiting.urc);
  }

  private emitUrc(urc: Urc): void {
    this.log.debug({ urc: urc.line, pdu: urc.pdu }, 'URC');
    this.emit('urc', urc);
  }

  private onClose(reason: string): void {
    this.splitter.reset();
    if (this.awaitingBody) this.bodyTimedOut();
    this.resync?.cancelQuiet();
    this.resync?.cancelMax();
    this.resync = undefined;
    if (this.waitress.pending) this.log.debug({ reason, commands: this.waitress.pending }, 'link closed: pending AT commands end as disconnected');
    this.waitress.failAll();
  }
}
