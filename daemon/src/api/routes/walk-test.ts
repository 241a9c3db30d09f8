// The commissioning walk test over HTTP: the checklist, start and stop
// (technicians, audited), and each walk test's report for printing.
import { walkTestStartBody, type WalkTestReport } from '../../contracts/walk-test.js';
import { paramOf, parseBody } from '../body.js';
import type { ApiDeps, RouteDef } from '../route.js';

export function walkTestRoutes(d: ApiDeps): RouteDef[] {
  const walk = () => {
    if (!d.walkTest) throw new Error('the walk test is not available');
    return d.walkTest;
  };
  const fail = (res: Parameters<RouteDef['handler']>[1], r: { code: string; message: string }) => {
    res.locals.error = r.message;
    res.status(r.code === 'conflict' ? 409 : r.code === 'not_found' ? 404 : 400).json({ error: r.message });
  };
  return [
    {
      method: 'get',
      path: '/api/walk-test',
      access: 'viewer',
      handler: async (_req, res) => {
        res.json(await walk().view());
      },
    },
    {
      method: 'post',
      path: '/api/walk-test/start',
      access: 'technician',
      action: 'walk-test.start',
      handler: async (req, res, ctx) => {
        const b = parseBody(walkTestStartBody, req, res);
        if (!b) return;
        const r = await walk().begin({ zones: b.zones ?? null, minutes: b.minutes }, ctx.actor);
        if (!r.ok) return fail(res, r);
        res.locals.audited = true;
        res.status(201).json(r.value);
      },
    },
    {
      method: 'post',
      path: '/api/walk-test/stop',
      access: 'technician',
      action: 'walk-test.end',
      handler: async (_req, res, ctx) => {
        const r = await walk().end(ctx.actor);
        if (!r.ok) return fail(res, r);
        res.locals.audited = true;
        res.json(r.value);
      },
    },
    {
      method: 'get',
      path: '/api/walk-test/:id/report',
      access: 'viewer',
      handler: async (req, res) => {
        const id = paramOf(req, res, 'id', /^\d{1,12}$/, 'a walk test id is a whole number');
        if (!id) return;
        const report: WalkTestReport | undefined = await walk().report(Number(id));
        if (!report) res.status(404).json({ error: `no walk test ${id}` });
        else res.json(report);
      },
    },
  ];
}
