// The daemon's recent log lines, kept in memory for the admin UI's log viewer:
// a bounded ring (the oldest line goes when it is full) fed with the very
// JSON lines the logger writes — after redaction, so a secret the log never
// shows is not here either. Each line gets a sequence number, so a viewer
// can ask for what came after the last one it has, and listeners get new
// lines as they come.
import { Writable } from 'node:stream';
import type { LogLine } from '../contracts/logs.js';

export type { LogLine } from '../contracts/logs.js';

export const LOG_RING_SIZE = 2000;
/** Fields beside the message, as JSON, cut to this: a viewer line, not a dump. */
const EXTRA_MAX = 2000;

export const LEVEL_RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export class LogRing {
  private readonly lines: LogLine[] = [];
  private seq = 0;
  private readonly listeners = new Set<(l: LogLine) => void>();

  constructor(private readonly size = LOG_RING_SIZE) {}

  /** A stream pino can write its JSON lines to (one write per line). */
  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const text of chunk.toString('utf8').split('\n')) if (text) this.add(text);
        done();
      },
    });
  }

  add(jsonLine: string): void {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(jsonLine) as Record<string, unknown>;
    } catch {
      return;
    }
    const { time, level, ns, msg, ...rest } = o;
    const extra = Object.keys(rest).length ? JSON.stringify(rest) : '';
    const line: LogLine = {
      seq: ++this.seq,
      time: typeof time === 'string' ? time : new Date().toISOString(),
      level: typeof level === 'string' ? level : 'info',
      ns: typeof ns === 'string' ? ns : null,
      msg: typeof msg === 'string' ? msg : '',
      extra: extra.length > EXTRA_MAX ? `${extra.slice(0, EXTRA_MAX)}…` : extra,
    };
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
    for (const fn of this.listeners) fn(line);
  }

  /** Lines after `after` (a seq), at or above `level`, in namespaces starting with `ns`; the newest `limit`. */
  query(f: { after?: number; level?: string; ns?: string; limit?: number } = {}): LogLine[] {
    const min = LEVEL_RANK[f.level ?? 'trace'] ?? 0;
    const out = this.lines.filter((l) => l.seq > (f.after ?? 0) && (LEVEL_RANK[l.level] ?? 0) >= min && (!f.ns || (l.ns ?? '') === f.ns || (l.ns ?? '').startsWith(`${f.ns}:`)));
    return out.slice(-(f.limit ?? this.size));
  }

  /** The namespaces seen, for the viewer's filter. */
  namespaces(): string[] {
    return [...new Set(this.lines.map((l) => l.ns).filter((n): n is string => !!n))].sort();
  }

  onLine(fn: (l: LogLine) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }
}
