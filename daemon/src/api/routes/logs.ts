// The log viewer: the daemon's recent lines (redacted as the log is), filtered
// by level and namespace, and a stream of new ones while the page is open.
// Technicians and admins: the log names numbers, addresses and devices.
import type { Request } from 'express';
import { LEVEL_RANK, type LogLine } from '../../log/log-ring.js';
import type { ApiDeps, RouteDef } from '../route.js';

const NS_RE = /^[a-z0-9][a-z0-9:_-]{0,63}$/;

/** The filters of a request, or the reason they are refused. */
function filtersOf(req: Request): { level?: string; ns?: string; after?: number; limit?: number } | string {
  const str = (k: string) => (typeof req.query[k] === 'string' && req.query[k] !== '' ? (req.query[k]) : undefined);
  const level = str('level');
  if (level !== undefined && !(level in LEVEL_RANK)) return `level: one of ${Object.keys(LEVEL_RANK).join(', ')}`;
  const ns = str('ns');
  if (ns !== undefined && !NS_RE.test(ns)) return 'ns: a namespace such as pbx or pbx:esl';
  const after = str('after') === undefined ? undefined : Number(str('after'));
  if (after !== undefined && !(Number.isInteger(after) && after >= 0)) return 'after: the seq of a line';
  const limit = str('limit') === undefined ? undefined : Number(str('limit'));
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 2000)) return 'limit: 1 to 2000';
  return { level, ns, after, limit };
}

export function logRoutes(d: ApiDeps): RouteDef[] {
  const ring = d.logs;
  if (!ring) return [];
  return [
    {
      method: 'get',
      path: '/api/logs',
      access: 'technician',
      handler: (req, res) => {
        const f = filtersOf(req);
        if (typeof f === 'string') return void res.status(400).json({ error: f });
        res.json({ lines: ring.query({ ...f, limit: f.limit ?? 500 }), namespaces: ring.namespaces() });
      },
    },
    {
      method: 'get',
      path: '/api/logs/stream',
      access: 'technician',
      handler: (req, res) => {
        const f = filtersOf(req);
        if (typeof f === 'string') return void res.status(400).json({ error: f });
        res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
        res.flushHeaders();
        res.write('retry: 3000\n\n');
        const wanted = (l: LogLine) => (LEVEL_RANK[l.level] ?? 0) >= (LEVEL_RANK[f.level ?? 'trace'] ?? 0) && (!f.ns || l.ns === f.ns || (l.ns ?? '').startsWith(`${f.ns}:`));
        // Lines logged while this answer is written would log again: send on the next turn of the loop.
        const off = ring.onLine((l) => {
          if (wanted(l)) setImmediate(() => res.write(`event: log\ndata: ${JSON.stringify(l)}\n\n`));
        });
        // From a given line on (the last one the page fetched): nothing logged in between is missed.
        if (f.after !== undefined) for (const l of ring.query(f)) res.write(`event: log\ndata: ${JSON.stringify(l)}\n\n`);
        const ping = setInterval(() => res.write(`event: ping\ndata: {}\n\n`), 25_000);
        const close = () => {
          clearInterval(ping);
          off();
        };
        req.on('close', close);
        res.on('close', close);
      },
    },
  ];
}
