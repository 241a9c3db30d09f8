// Bytes from a modem → AT tokens. Pure and incremental: the same byte stream
// gives the same tokens however it is cut into chunks (bytes are handled one at
// a time, so a chunk boundary can never change a decision).
//
// What a modem sends (ITU-T V.250 §5.7.1, 3GPP TS 27.007 §4): with ATV1 every
// response line is framed "<CR><LF>text<CR><LF>"; the echo of a command ends
// in <CR> only (S3); some firmware sends bare <LF>. So any CR or LF ends a
// line and empty lines are dropped. The SMS prompt "> " (27.005 §3.5.1 +CMGS,
// "<CR><LF><greater_than><space>") has no terminator: it is recognised when a
// line so far is exactly "> ".
//
// Noise is normal on a modem UART: 0x00/0xFF at power-up, a half-sent line
// when the module resets, the Ctrl-Z of an echoed SMS body. Control bytes are
// dropped, invalid UTF-8 is dropped too (AT text is 7-bit IRA/GSM or hex;
// only UTF-8 is decoded), and a line that grows past
// `maxLineBytes` without a terminator is cut and reported as garbage; the rest
// of it up to the next CR/LF is discarded, so memory stays bounded.

export type AtToken =
  | { kind: 'line'; text: string }
  /** The "> " prompt after AT+CMGS / AT+CMGW: the modem waits for the body and Ctrl-Z. */
  | { kind: 'prompt' }
  /** A line cut for length: `bytes` were discarded so far, `sample` is its start for logs. */
  | { kind: 'garbage'; bytes: number; sample: string };

export interface LineSplitterOptions {
  /** Longest line kept (bytes); longer ones are cut and reported. Default 4096. */
  maxLineBytes?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const GT = 0x3e;
const SPACE = 0x20;
const DEL = 0x7f;

export class LineSplitter {
  private readonly max: number;
  private buf: Buffer;
  private len = 0;
  /** Inside a line that was cut for length: discard up to the next terminator. */
  private discarding = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** Control bytes dropped so far (for diagnostics). */
  droppedBytes = 0;
  /** Lines cut for length so far. */
  cutLines = 0;

  constructor(opts: LineSplitterOptions = {}) {
    this.max = Math.max(16, opts.maxLineBytes ?? 4096);
    this.buf = Buffer.alloc(this.max);
  }

  /** Bytes currently held for an unfinished line (never more than maxLineBytes). */
  get buffered(): number {
    return this.len;
  }

  /** Forget a partial line (after the port reopened: its start is gone). */
  reset(): void {
    this.len = 0;
    this.discarding = false;
  }

  push(chunk: Uint8Array | string): AtToken[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: AtToken[] = [];
    for (const b of bytes) {
      if (b === CR || b === LF) {
        if (this.discarding) this.discarding = false;
        else this.flush(out);
        continue;
      }
      // Control characters (NUL, Ctrl-Z, ESC, BEL, …) and DEL carry nothing in a response line.
      if (b < SPACE || b === DEL) {
        this.droppedBytes++;
        continue;
      }
      if (this.discarding) continue;
      if (this.len >= this.max) {
        out.push({ kind: 'garbage', bytes: this.len, sample: this.text(0, Math.min(this.len, 40)) });
        this.cutLines++;
        this.len = 0;
        this.discarding = true;
        continue;
      }
      this.buf[this.len++] = b;
      if (this.len === 2 && this.buf[0] === GT && this.buf[1] === SPACE) {
        out.push({ kind: 'prompt' });
        this.len = 0;
      }
    }
    return out;
  }

  private flush(out: AtToken[]): void {
    if (this.len === 0) return;
    // U+FFFD marks bytes that were not UTF-8: noise, dropped so "\xffOK" is still OK.
    const text = this.text(0, this.len).replace(/\ufffd/g, '').trim();
    this.len = 0;
    if (text !== '') out.push({ kind: 'line', text });
  }

  private text(from: number, to: number): string {
    return this.decoder.decode(this.buf.subarray(from, to));
  }
}
