// Routing for the UI: the trunks' state and night mode, the route tester,
// night mode, and the black/white lists' entries (add, remove, CSV import and
// export). Thin adapters over the routing service, which audits each change.
import { addListEntryBody, nightModeBody, routeTestBody } from '../../contracts/routing.js';
import { IDENT_RE } from '../../contracts/values.js';
import { paramOf, parseBody } from '../body.js';
import type { Response } from 'express';
import type { ApiDeps, RouteDef } from '../route.js';

const LIST = 'a list id';

export function routingRoutes(d: ApiDeps): RouteDef[] {
  // Always in the table (the security tests walk it); without the service every route answers 503.
  const svc = () => d.routing;
  const gone = (res: Response) => void res.status(503).json({ error: 'routing is not running' });
  const with_ = (h: (routing: NonNullable<ApiDeps['routing']>, ...a: Parameters<RouteDef['handler']>) => ReturnType<RouteDef['handler']>): RouteDef['handler'] => (req, res, ctx) => {
    const routing = svc();
    return routing ? h(routing, req, res, ctx) : gone(res);
  };
  return [
    {
      method: 'get',
      path: '/api/routing',
      access: 'viewer',
      handler: with_((routing, _req, res) => void res.json(routing.view())),
    },
    {
      // A question, not a change: nothing is audited, but it shows the site's rules and lists.
      method: 'post',
      path: '/api/routing/test',
      access: 'technician',
      action: 'routing.test',
      handler: with_((routing, req, res) => {
        const b = parseBody(routeTestBody, req, res);
        if (!b) return;
        res.locals.audited = true;
        res.json(routing.test(b));
      }),
    },
    {
      method: 'put',
      path: '/api/routing/night',
      access: 'technician',
      action: 'routing.night-mode',
      handler: with_(async (routing, req, res, ctx) => {
        const b = parseBody(nightModeBody, req, res);
        if (!b) return;
        const state = await routing.setNightMode(b.mode, ctx.actor);
        res.locals.audited = true;
        res.json(state);
      }),
    },
    {
      method: 'get',
      path: '/api/routing/lists/:id/entries',
      access: 'technician',
      handler: with_(async (routing, req, res) => {
        const id = paramOf(req, res, 'id', IDENT_RE, LIST);
        if (!id) return;
        const v = await routing.lists.view(id);
        if (!v) res.status(404).json({ error: `no list ${id}` });
        else res.json({ entries: v });
      }),
    },
    {
      method: 'get',
      path: '/api/routing/lists/:id/csv',
      access: 'technician',
      handler: with_(async (routing, req, res) => {
        const id = paramOf(req, res, 'id', IDENT_RE, LIST);
        if (!id) return;
        const csv = await routing.lists.csv(id);
        if (csv === null) return void res.status(404).json({ error: `no list ${id}` });
        res.set('Content-Disposition', `attachment; filename="list-${id}.csv"`).type('text/csv; charset=utf-8').send(csv);
      }),
    },
    {
      method: 'post',
      path: '/api/routing/lists/:id/entries',
      access: 'technician',
      action: 'routing.list.add',
      handler: with_(async (routing, req, res, ctx) => {
        const id = paramOf(req, res, 'id', IDENT_RE, LIST);
        const b = id && parseBody(addListEntryBody, req, res);
        if (!id || !b) return;
        const r = await routing.lists.add(id, b, ctx.actor);
        if (!r.ok) return void res.status(r.status).json({ error: (res.locals.error = r.error) });
        res.locals.audited = true;
        res.status(201).json(r.entry);
      }),
    },
    {
      method: 'delete',
      path: '/api/routing/lists/:id/entries/:entry',
      access: 'technician',
      action: 'routing.list.remove',
      handler: with_(async (routing, req, res, ctx) => {
        const id = paramOf(req, res, 'id', IDENT_RE, LIST);
        const entry = id && paramOf(req, res, 'entry', /^[1-9][0-9]{0,9}$/, 'an entry id');
        if (!id || !entry) return;
        const r = await routing.lists.remove(id, Number(entry), ctx.actor);
        if (!r.ok) return void res.status(r.status).json({ error: (res.locals.error = r.error) });
        res.locals.audited = true;
        res.status(204).end();
      }),
    },
    {
      // The body is the CSV itself (Content-Type text/csv), as the export writes it.
      method: 'post',
      path: '/api/routing/lists/:id/import',
      access: 'technician',
      action: 'routing.list.import',
      handler: with_(async (routing, req, res, ctx) => {
        const id = paramOf(req, res, 'id', IDENT_RE, LIST);
        if (!id) return;
        if (typeof req.body !== 'string') return void res.status(400).json({ error: (res.locals.error = 'send the CSV as the body, with Content-Type: text/csv') });
        const r = await routing.lists.importCsv(id, req.body, ctx.actor);
        if (!r.ok) return void res.status(r.status).json({ error: (res.locals.error = r.error) });
        res.locals.audited = true;
        res.json({ added: r.added, skipped: r.skipped, problems: r.problems });
      }),
    },
  ];
}
