// How much HTTP work the daemon takes on. Every request holds memory,
// database reads and event-loop time the emergency path shares; past these
// bounds a request is answered at once (no body read, no session looked up,
// no express, the connection closed), lowest priority first:
//   per client address, requests without a session cookie (login, setup,
//       static files, strangers): ANONYMOUS_PER_S a second (bursts of twice
//       that); with one, SESSION_PER_S — 429;
//   requests without a session cookie at most MAX_ANONYMOUS at once, every
//       request at most MAX_IN_FLIGHT at once — 503.
// The event stream (/api/events) is long-lived and bounded by its own rules
// (routes/events.ts). GET /api/health is answered before this gate: its
// answer is prepared once a second and costs less than a refusal.
// FreeSWITCH's xml_curl requests (/freeswitch/*, loopback only) are not
// rate-limited: one comes with every call.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_IN_FLIGHT = 64;
export const MAX_ANONYMOUS = 16;
export const ANONYMOUS_PER_S = 20;
export const SESSION_PER_S = 100;
/** Client addresses whose rate is tracked; the least recently seen are forgotten past this. */
const MAX_ADDRESSES = 10_000;
/** Open TCP connections at most (node drops the ones past this at accept). */
export const MAX_CONNECTIONS = 512;

export interface GateStats {
  inFlight: number;
  peakInFlight: number;
  /** Refused for the rate of their address (429). */
  limited: number;
  /** Refused because too many were in progress (503). */
  shed: number;
}

export class RequestGate {
  private n = 0;
  private anonymous = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  readonly stats: GateStats = { inFlight: 0, peakInFlight: 0, limited: 0, shed: 0 };

  constructor(
    private readonly cookieName: string,
    /** The security headers every answer carries. */
    private readonly headers: Record<string, string>,
    /** Behind a trusted proxy the client is the first address of X-Forwarded-For (as express takes it). */
    private readonly trustProxy = false,
  ) {}

  /** True when the request may go on; else it has been answered 429 or 503. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url === '/api/events' || req.url?.startsWith('/api/events?')) return true;
    const anon = !(req.headers.cookie ?? '').includes(`${this.cookieName}=`);
    // FreeSWITCH's xml_curl fetches (loopback only, its own secret) come once per call: never rate-limited.
    if (!req.url?.startsWith('/freeswitch/') && !this.withinRate(this.address(req), anon)) {
      this.stats.limited++;
      this.refuse(res, 429, 'too many requests from this address; slow down');
      return false;
    }
    if (this.n >= MAX_IN_FLIGHT || (anon && this.anonymous >= MAX_ANONYMOUS)) {
      this.stats.shed++;
      this.refuse(res, 503, 'busy: too many requests at once; try again in a moment');
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

  private address(req: IncomingMessage): string {
    const forwarded = this.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    return first || req.socket.remoteAddress || 'unknown';
  }

  /** A token bucket per address and kind (with or without a session cookie). */
  private withinRate(address: string, anon: boolean): boolean {
    const key = `${anon ? 'a' : 's'}${address}`;
    const perS = anon ? ANONYMOUS_PER_S : SESSION_PER_S;
    const now = performance.now();
    let b = this.buckets.get(key);
    if (b) this.buckets.delete(key); // re-inserted below: the map's order is least recently seen first
    b ??= { tokens: perS * 2, at: now };
    b.tokens = Math.min(perS * 2, b.tokens + ((now - b.at) / 1000) * perS);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > MAX_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  private refuse(res: ServerResponse, status: number, error: string): void {
    const body = JSON.stringify({ error });
    res.writeHead(status, { ...this.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '1', 'cache-control': 'no-store', connection: 'close' });
    res.end(body);
  }
}
