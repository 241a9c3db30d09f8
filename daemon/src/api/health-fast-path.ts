// GET /api/health: the one implementation. Monitors and load balancers poll
// it, often many at once, so it is answered before express (whose middleware
// chain costs ~5x the work of the answer). The body is serialised once per
// change (or per second, for uptimeS) and sent with the same security headers
// as every other response. The route table lists it too (routes/health.ts),
// with the same renderer, for the access rules and for an app without the
// fast path (tests).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthRegistry } from '../health/health.js';

export interface HealthAnswer {
  status: number;
  body: string;
}

/** The answer, cached until health changes or a second passes. */
export function healthRenderer(health: HealthRegistry): () => HealthAnswer {
  let cachedKey = '';
  let answer: HealthAnswer = { status: 200, body: '' };
  return () => {
    const key = `${health.generation}:${Math.floor(health.uptimeMs() / 1000)}`;
    if (key !== cachedKey) {
      // The board's inventory (hostname, kernel, serial) helps an attacker fingerprint the board: it goes to
      // signed-in users (the SSE health event) and to central, not to anyone who reaches the port.
      const { inventory: _private, ...snap } = health.snapshot();
      answer = { status: snap.status === 'down' ? 503 : 200, body: JSON.stringify(snap) };
      cachedKey = key;
    }
    return answer;
  };
}

export function healthFastPath(render: () => HealthAnswer, securityHeaders: Record<string, string>): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' || !(req.url === '/api/health' || req.url?.startsWith('/api/health?'))) return false;
    const { status, body } = render();
    res.writeHead(status, { ...securityHeaders, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };
}
