// How much HTTP work the daemon takes on at once. Every request in progress
// holds memory, database reads and event-loop time the emergency path shares;
// past these bounds a request is answered 503 at once (no body read, no
// session looked up, the connection closed), lowest priority first:
//   requests without a session cookie (login, setup, static files, strangers)
//       at most MAX_ANONYMOUS at once;
//   every other request at most MAX_IN_FLIGHT at once.
// The event stream (/api/events) is long-lived and bounded by its own rules
// (routes/events.ts). GET /api/health is answered before this gate: its
// answer is prepared once a second and costs less than a refusal.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_IN_FLIGHT = 64;
export const MAX_ANONYMOUS = 16;
/** Open TCP connections at most (node drops the ones past this at accept). */
export const MAX_CONNECTIONS = 512;

export interface GateStats {
  inFlight: number;
  peakInFlight: number;
  shed: number;
}

export class RequestGate {
  private n = 0;
  private anonymous = 0;
  readonly stats: GateStats = { inFlight: 0, peakInFlight: 0, shed: 0 };

  constructor(
    private readonly cookieName: string,
    /** The security headers every answer carries. */
    private readonly headers: Record<string, string>,
  ) {}

  /** True when the request may go on; else it has been answered 503. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url === '/api/events' || req.url?.startsWith('/api/events?')) return true;
    const anon = !(req.headers.cookie ?? '').includes(`${this.cookieName}=`);
    if (this.n >= MAX_IN_FLIGHT || (anon && this.anonymous >= MAX_ANONYMOUS)) {
      this.stats.shed++;
      const body = JSON.stringify({ error: 'busy: too many requests at once; try again in a moment' });
      res.writeHead(503, { ...this.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '1', 'cache-control': 'no-store', connection: 'close' });
      res.end(body);
      return false;
    }
    this.n++;
    if (anon) this.anonymous++;
    this.stats.inFlight = this.n;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.n);
    res.once('close', () => {
      this.n--;
      if (anon) this.anonymous--;
      this.stats.inFlight = this.n;
    });
    return true;
  }
}
