// Bytes → lines for the line-card protocol. Lines end in LF (the card sends
// CR LF; a trailing CR is dropped). Bytes are decoded as latin1 so every byte
// stays one character and the parser can name a bad one.
//
// Resynchronisation: '$' and '!' only ever start a frame, so when noise or a
// truncated frame runs into the next frame without a line break, the frame
// starts at the LAST start character of the line and everything before it is
// counted as noise. The checksum then decides whether the rest is a message.
//
// A line longer than MAX_LINE is returned once, cut to MAX_LINE + 1 characters
// (the parser reports "line too long"), and the rest of it up to the next LF
// is discarded: a babbling port cannot grow the buffer without bound.
import { MAX_LINE } from './protocol.js';

export class LineSplitter {
  private buf = '';
  private discarding = false;
  /** Bytes skipped before a start character. */
  noiseBytes = 0;
  /** Lines cut because they passed MAX_LINE. */
  overlong = 0;

  /** Feed a chunk; returns the complete lines it finished (possibly none). */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    const out: string[] = [];
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      const piece = text.slice(from, nl < 0 ? text.length : nl);
      if (this.discarding) {
        if (nl >= 0) this.discarding = false;
      } else {
        this.buf += piece;
        if (this.buf.length > MAX_LINE) {
          out.push(this.buf.slice(0, MAX_LINE + 1));
          this.overlong++;
          this.buf = '';
          this.discarding = nl < 0;
        } else if (nl >= 0) {
          const line = this.take();
          if (line !== undefined) out.push(line);
        }
      }
      if (nl < 0) break;
      from = nl + 1;
    }
    return out;
  }

  /** Forget a partial line (the port closed: its tail will never come). */
  reset(): void {
    this.buf = '';
    this.discarding = false;
  }

  private take(): string | undefined {
    let line = this.buf;
    this.buf = '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') return undefined;
    const start = Math.max(line.lastIndexOf('$'), line.lastIndexOf('!'));
    if (start > 0) {
      this.noiseBytes += start;
      line = line.slice(start);
    }
    return line;
  }
}
