// Call records and live channels for the UI: search with keyset pagination,
// a CSV export that streams page by page, and the live channel table.
import type { Request, Response } from 'express';
import type { CallQuery } from '../../store/calls-repo.js';
import type { CallRecord } from '../../contracts/calls.js';
import { csvTime, streamCsv, type CsvColumns } from '../csv.js';
import type { ApiDeps, RouteDef } from '../route.js';

class BadQuery extends Error {}

function parseQuery(req: Request): CallQuery {
  const q = req.query;
  const str = (k: string): string | undefined => {
    const v = q[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new BadQuery(`${k} must be given once`);
    return v;
  };
  const out: CallQuery = {};
  const number = str('number');
  if (number !== undefined) {
    if (!/^\+?[0-9*#]{1,20}$/.test(number)) throw new BadQuery('number: digits only (optionally a leading +), up to 20');
    out.number = number;
  }
  for (const k of ['from', 'to'] as const) {
    const v = str(k);
    if (v === undefined) continue;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new BadQuery(`${k}: not a date and time (use ISO-8601, e.g. 2026-11-25T08:00:00Z)`);
    out[k] = new Date(t).toISOString();
  }
  const cause = str('cause');
  if (cause !== undefined) {
    if (!/^[A-Z_]{1,40}$/.test(cause)) throw new BadQuery('cause: a FreeSWITCH hangup cause such as NORMAL_CLEARING');
    out.cause = cause;
  }
  const direction = str('direction');
  if (direction !== undefined) {
    if (direction !== 'inbound' && direction !== 'outbound') throw new BadQuery('direction: inbound or outbound');
    out.direction = direction;
  }
  const zone = str('zone');
  if (zone !== undefined) {
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(zone)) throw new BadQuery('zone: a zone id');
    out.zone = zone;
  }
  const route = str('route');
  if (route !== undefined) {
    if (!/^[a-z0-9][a-z0-9_:+-]{0,100}$/.test(route)) throw new BadQuery('route: a rule id (or emergency, extension, inbound:<trunk>)');
    out.route = route;
  }
  const limit = str('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new BadQuery('limit: 1 to 500');
    out.limit = n;
  }
  const before = str('before');
  if (before !== undefined) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(before);
    if (!m) throw new BadQuery('before: the "next" value of a previous page');
    out.before = { createdAt: m[1]!, uuid: m[2]! };
  }
  return out;
}

const cursor = (c: CallRecord) => `${c.createdAt}|${c.uuid}`;

/** The CSV's columns; times in the site's zone with their offset (2026-11-25 09:30:00+08:00). */
const csvColumns = (tz: string): CsvColumns<CallRecord> => [
  ['uuid', (c) => c.uuid], ['direction', (c) => c.direction], ['caller_number', (c) => c.callerNumber], ['caller_name', (c) => c.callerName],
  ['callee_number', (c) => c.calleeNumber], ['callee_name', (c) => c.calleeName], ['zone', (c) => c.zone], ['trunk', (c) => c.trunk],
  ['created_at', (c) => csvTime(c.createdAt, tz)], ['answered_at', (c) => csvTime(c.answeredAt, tz)], ['ended_at', (c) => csvTime(c.endedAt, tz)], ['duration_s', (c) => c.durationS],
  ['billsec_s', (c) => c.billsecS], ['hangup_cause', (c) => c.hangupCause], ['recording', (c) => c.recordingPath], ['alarm_id', (c) => c.alarmId], ['recovered', (c) => c.recovered],
  ['route', (c) => c.route], ['trunk_id', (c) => c.trunkId], ['failover', (c) => (c.failover ? c.failover.map((f) => `${f.trunk} ${f.outcome}: ${f.reason}`).join('; ') : null)],
];

/** The parsed filters, or undefined after answering 400 naming the bad one. */
function queryOrReply(req: Request, res: Response): CallQuery | undefined {
  try {
    return parseQuery(req);
  } catch (e) {
    if (!(e instanceof BadQuery)) throw e;
    res.locals.error = e.message;
    res.status(400).json({ error: e.message });
    return undefined;
  }
}

export function callRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/calls',
      access: 'viewer',
      handler: async (req, res) => {
        const q = queryOrReply(req, res);
        if (!q) return;
        const limit = q.limit ?? 50;
        const calls = await d.store.calls.search({ ...q, limit });
        res.json({ calls, next: calls.length === limit ? cursor(calls[calls.length - 1]!) : null });
      },
    },
    {
      method: 'get',
      path: '/api/calls.csv',
      access: 'technician',
      handler: async (req, res) => {
        const q = queryOrReply(req, res);
        if (!q) return;
        const tz = d.timeZone ?? 'UTC';
        await streamCsv<CallRecord>(res, {
          what: 'calls', site: d.health.snapshot().site, tz, columns: csvColumns(tz), pageSize: 500,
          next: (last) => d.store.calls.search({ ...q, before: last ? { createdAt: last.createdAt, uuid: last.uuid } : q.before, limit: 500 }),
        });
      },
    },
    {
      method: 'get',
      path: '/api/channels',
      access: 'viewer',
      handler: (_req, res) => {
        res.json({ channels: d.pbx?.channels.list() ?? [], connected: d.pbx?.connected ?? false });
      },
    },
  ];
}
