// The event-socket wire format (mod_event_socket): a frame is a block of
// "Name: value\n" header lines ended by an empty line; when the headers carry
// Content-Length, exactly that many bytes of body follow. The outer headers
// are not URL-encoded; inside a text/event-plain body the event's own headers
// are ("Event-Date-Local: 2026-11-24%2021%3A18%3A27"), and the event may carry
// a body of its own after another Content-Length.
//
// This parser works on bytes (Content-Length counts bytes, not characters),
// keeps partial frames across chunks without re-scanning them, and never
// throws on bad input: a garbled frame is reported and skipped.

export interface Frame {
  /** Outer headers, in order, values as sent. */
  headers: Map<string, string>;
  /** The body as text (UTF-8), '' when there is none. */
  body: string;
}

export class FrameParser {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Where the search for "\n\n" resumes: bytes before it were already searched. */
  private scanFrom = 0;
  private pending: Map<string, string> | undefined;
  private bodyLen = 0;

  constructor(
    private readonly onFrame: (f: Frame) => void,
    private readonly onError: (message: string) => void = () => undefined,
    /** A header block longer than this is garbage, not FreeSWITCH. */
    private readonly maxHeaderBytes = 64 * 1024,
  ) {}

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  push(data: Buffer): void {
    this.chunks.push(data);
    this.buffered += data.length;
    for (;;) {
      if (this.pending) {
        if (this.buffered < this.bodyLen) return;
        const buf = this.flatten();
        const body = buf.toString('utf8', 0, this.bodyLen);
        this.consume(buf, this.bodyLen);
        const headers = this.pending;
        this.pending = undefined;
        this.onFrame({ headers, body });
        continue;
      }
      if (this.buffered < 2) return;
      const buf = this.flatten();
      const end = buf.indexOf('\n\n', Math.max(0, this.scanFrom - 1));
      if (end < 0) {
        this.scanFrom = buf.length;
        if (buf.length > this.maxHeaderBytes) {
          this.onError(`no end of headers within ${this.maxHeaderBytes} bytes; dropping the buffer`);
          this.chunks = [];
          this.buffered = 0;
          this.scanFrom = 0;
        }
        return;
      }
      const head = buf.toString('utf8', 0, end);
      this.consume(buf, end + 2);
      const headers = parseHeaderBlock(head);
      const cl = headers.get('Content-Length');
      if (cl !== undefined) {
        const n = Number(cl);
        if (!/^\d+$/.test(cl) || n > 64 * 1024 * 1024) {
          this.onError(`bad Content-Length ${JSON.stringify(cl)}; frame skipped`);
          continue;
        }
        if (n > 0) {
          this.pending = headers;
          this.bodyLen = n;
          continue;
        }
      }
      // A stray empty line between frames is not a frame.
      if (headers.size === 0) continue;
      this.onFrame({ headers, body: '' });
    }
  }

  private consume(buf: Buffer, n: number): void {
    const rest = buf.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    this.scanFrom = 0;
  }
}

/** "Name: value" lines → map. Lines without ": " keep the whole line as name. */
export function parseHeaderBlock(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const line = text.slice(start, nl);
    start = nl + 1;
    if (!line) continue;
    const colon = line.indexOf(': ');
    if (colon < 0) headers.set(line.endsWith(':') ? line.slice(0, -1) : line, '');
    else headers.set(line.slice(0, colon), line.slice(colon + 2));
  }
  return headers;
}

/** URL-decoding as FreeSWITCH encodes event headers; a malformed escape is kept as is, never thrown. */
export function urlDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

export interface EslEvent {
  /** Event headers, URL-decoded. Repeated names (rare) keep the last. */
  headers: Record<string, string>;
  body: string;
}

/** The event inside a text/event-plain or text/event-json frame. */
export function eventFromFrame(f: Frame): EslEvent | undefined {
  const type = f.headers.get('Content-Type');
  if (type === 'text/event-plain') {
    const end = f.body.indexOf('\n\n');
    const head = end < 0 ? f.body : f.body.slice(0, end);
    const headers: Record<string, string> = {};
    for (const [k, v] of parseHeaderBlock(head)) headers[k] = urlDecode(v);
    let body = '';
    const cl = headers['Content-Length'];
    if (end >= 0 && cl !== undefined) {
      // Content-Length counts bytes of the event body.
      const bytes = Buffer.from(f.body.slice(end + 2), 'utf8');
      body = bytes.toString('utf8', 0, Math.min(bytes.length, Number(cl) || 0));
    }
    return { headers, body };
  }
  if (type === 'text/event-json') {
    try {
      const obj = JSON.parse(f.body) as Record<string, unknown>;
      const headers: Record<string, string> = {};
      let body = '';
      for (const [k, v] of Object.entries(obj)) {
        if (k === '_body') body = String(v);
        else headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      return { headers, body };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
