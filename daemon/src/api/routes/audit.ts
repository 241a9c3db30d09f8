// The audit log for technicians and admins: newest first, page by page,
// searched by text, user, action, outcome and time; exported as CSV with the
// same filters.
import type { Request, Response } from 'express';
import type { AuditEntry } from '../../contracts/accounts.js';
import { english } from '../../contracts/phrases/index.js';
import { AUDIT_OUTCOMES } from '../../contracts/values.js';
import type { AuditQuery } from '../../store/audit-repo.js';
import { csvTime, streamCsv, type CsvColumns } from '../csv.js';
import type { ApiDeps, RouteDef } from '../route.js';

/** The filters of a request, or undefined after answering 400 naming the bad one. */
function queryOrReply(req: Request, res: Response): (AuditQuery & { limit: number }) | undefined {
  const str = (k: string): string | undefined => (typeof req.query[k] === 'string' && req.query[k] !== '' ? (req.query[k]) : undefined);
  const bad = (why: string) => {
    res.locals.error = why;
    res.status(400).json({ error: why });
    return undefined;
  };
  const limit = Math.min(500, Math.max(1, Number.parseInt(str('limit') ?? '50', 10) || 50));
  const before = str('before') === undefined ? undefined : Number(str('before'));
  if (before !== undefined && !(Number.isInteger(before) && before > 0)) return bad('before must be a positive audit id');
  const text = str('q');
  if (text !== undefined && text.length > 100) return bad('q: at most 100 characters');
  const user = str('user');
  if (user !== undefined && !/^[\w.@:+-]{1,64}$/.test(user)) return bad('user: a user name (or sms:+86…, central, system)');
  const action = str('action');
  if (action !== undefined && !/^[a-z][a-z0-9.-]{0,63}$/.test(action)) return bad('action: an action such as user.add, or a group such as user');
  const outcome = str('outcome');
  if (outcome !== undefined && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome)) return bad(`outcome: one of ${AUDIT_OUTCOMES.join(', ')}`);
  const times: Record<'from' | 'to', string | undefined> = { from: undefined, to: undefined };
  for (const k of ['from', 'to'] as const) {
    const v = str(k);
    if (v === undefined) continue;
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) return bad(`${k}: not a date and time (ISO-8601, e.g. 2026-11-25T08:00:00Z)`);
    times[k] = new Date(ms).toISOString();
  }
  return { limit, before, text, user, action, outcome: outcome as AuditEntry['outcome'] | undefined, ...times };
}

const csvColumns = (tz: string): CsvColumns<AuditEntry> => [
  ['id', (e) => e.id], ['time', (e) => csvTime(e.ts, tz)], ['user', (e) => e.username], ['role', (e) => e.role], ['address', (e) => e.ip],
  ['action', (e) => e.action], ['target', (e) => e.target], ['outcome', (e) => e.outcome], ['detail', (e) => e.detail ?? (e.phrase ? english(e.phrase) : null)],
];

export function auditRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/audit',
      access: 'technician',
      handler: async (req, res) => {
        const q = queryOrReply(req, res);
        if (!q) return;
        const entries = await d.store.audit.search(q, q.limit);
        res.json({ entries, nextBefore: entries.length === q.limit ? entries[entries.length - 1]!.id : null });
      },
    },
    {
      method: 'get',
      path: '/api/audit.csv',
      access: 'technician',
      handler: async (req, res, ctx) => {
        const q = queryOrReply(req, res);
        if (!q) return;
        const tz = d.timeZone ?? 'UTC';
        // Who took a copy of the log is itself in the log.
        await d.accounts.audit(ctx.actor, { action: 'audit.export', outcome: 'ok', detail: JSON.stringify({ ...q, limit: undefined }) });
        await streamCsv<AuditEntry>(res, { what: 'audit', site: d.health.snapshot().site, tz, columns: csvColumns(tz), pageSize: 500, next: (last) => d.store.audit.search({ ...q, before: last?.id ?? q.before }, 500) });
      },
    },
  ];
}
