// GET /api/health without express. Monitors and load balancers poll it, often
// many at once; express's middleware chain costs ~5x the work of the answer.
// The body is serialised once per change (or per second, for uptimeS) and
// sent with the same security headers as every other response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthRegistry } from '../health/health.js';

export function healthFastPath(health: HealthRegistry, securityHeaders: Record<string, string>): (req: IncomingMessage, res: ServerResponse) => boolean {
  let cachedKey = '';
  let body = '';
  let status = 200;
  return (req, res) => {
    if (req.method !== 'GET' || !(req.url === '/api/health' || req.url?.startsWith('/api/health?'))) return false;
    const key = `${health.generation}:${Math.floor(health.uptimeMs() / 1000)}`;
    if (key !== cachedKey) {
      const snap = health.snapshot();
      body = JSON.stringify(snap);
      status = snap.status === 'down' ? 503 : 200;
      cachedKey = key;
    }
    res.writeHead(status, { ...securityHeaders, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };
}
