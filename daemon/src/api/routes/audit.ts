import type { ApiDeps, RouteDef } from '../route.js';

export function auditRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/audit',
      access: 'technician',
      handler: async (req, res) => {
        const q = (v: unknown) => (typeof v === 'string' ? v : undefined);
        const limit = Math.min(500, Math.max(1, Number.parseInt(q(req.query.limit) ?? '50', 10) || 50));
        const beforeRaw = req.query.before;
        const before = beforeRaw === undefined ? undefined : Number.parseInt(q(beforeRaw) ?? 'x', 10);
        if (before !== undefined && !(before > 0)) {
          res.status(400).json({ error: 'before must be a positive audit id' });
          return;
        }
        const entries = await d.store.audit.list(limit, before);
        res.json({ entries, nextBefore: entries.length === limit ? entries[entries.length - 1]!.id : null });
      },
    },
  ];
}
