// The configuration over HTTP (README "The configuration API"): thin adapters
// over the configuration service, which validates, checks who may change
// what, writes, versions, audits and applies. Writes name the version they
// were made on (If-Match); a stale one is answered 409 with what changed.
import type { Request, Response } from 'express';
import { hasRole } from '../../accounts/actor.js';
import type { ConfigChange } from '../../config/editor.js';
import { configJsonSchema } from '../../config/schema.js';
import { entryLists } from '../../config/schema-meta.js';
import { parseIfMatch, type ApplyAnswer, type ConfigService } from '../../config/service.js';
import { configEntryBody, configEntryDeleteBody, configImportBody, configPutBody, configRestoreBody, uplinkTestBody } from '../../contracts/config.js';
import type { ErrorBody } from '../../contracts/errors.js';
import { paramOf, parseBody } from '../body.js';
import type { ApiDeps, RequestContext, RouteDef } from '../route.js';

const ID_RE = /^[A-Za-z0-9_+-]{1,63}$/;

/** The version a write was made on, or undefined after answering 428. */
function ifMatchOf(req: Request, res: Response, config: ConfigService): number | undefined {
  const v = parseIfMatch(req.get('if-match'));
  if (v !== undefined) return v;
  res.locals.error = 'no If-Match';
  res.status(428).json({ error: `send If-Match with the version you edited (now ${config.version})`, version: config.version });
  return undefined;
}

/** Answer an apply: 200 with what took effect, or why not. */
function answer(res: Response, r: ApplyAnswer): void {
  if (r.ok) {
    res.set('ETag', `"${r.result.version}"`);
    res.locals.audited = r.audit !== undefined;
    // The restarts (the admin server may be one) begin once this answer is on its way.
    res.on('finish', () => r.start());
    res.json(r.result);
    return;
  }
  switch (r.code) {
    case 'conflict':
      res.locals.error = r.conflict.error;
      res.set('ETag', `"${r.conflict.version}"`).status(409).json(r.conflict);
      return;
    case 'invalid': {
      res.locals.error = r.error;
      const body: ErrorBody & { diff: unknown } = { error: r.error, errors: r.errors, field: r.errors[0]?.path, diff: r.diff };
      res.status(400).json(body);
      return;
    }
    case 'forbidden':
      res.locals.error = r.error;
      res.status(403).json({ error: r.error, errors: r.errors });
      return;
    case 'not_found':
      res.locals.error = r.error;
      res.status(404).json({ error: r.error });
      return;
  }
}

export function configRoutes(d: ApiDeps): RouteDef[] {
  // Listed even without the service (the security tests walk every route); the daemon always gives it.
  const svc = (): ConfigService => {
    if (!d.config) throw new Error('the configuration service is not running');
    return d.config;
  };
  const who = (ctx: RequestContext) => ({ username: ctx.actor.username, role: ctx.actor.role, ip: ctx.actor.ip });
  const entryParams = (req: Request, res: Response): { list: string; id: string } | undefined => {
    const list = String(req.params.list);
    if (!entryLists().includes(list)) {
      res.locals.error = `no list ${list}`;
      res.status(404).json({ error: `no list "${list}" (lists: ${entryLists().join(', ')})` });
      return undefined;
    }
    const id = paramOf(req, res, 'id', ID_RE, 'an id is 1–63 of A-Z a-z 0-9 _ + -');
    return id ? { list, id } : undefined;
  };
  return [
    {
      method: 'get',
      path: '/api/config',
      access: 'viewer',
      handler: async (_req, res) => {
        const v = await svc().view();
        res.set('ETag', `"${v.version}"`).json(v);
      },
    },
    {
      method: 'get',
      path: '/api/config/schema',
      access: 'viewer',
      handler: (_req, res) => {
        res.json(configJsonSchema());
      },
    },
    {
      method: 'post',
      path: '/api/config/preview',
      access: 'technician',
      action: 'svc().preview',
      handler: async (req, res) => {
        const b = parseBody(configPutBody, req, res);
        if (!b) return;
        res.locals.audited = true; // a preview changes nothing
        res.json(await svc().preview({ kind: 'config', config: b.config, partial: b.partial }));
      },
    },
    {
      method: 'put',
      path: '/api/config',
      access: 'technician',
      action: 'svc().apply',
      handler: async (req, res, ctx) => {
        const b = parseBody(configPutBody, req, res);
        const ifMatch = b && ifMatchOf(req, res, svc());
        if (!b || ifMatch === undefined) return;
        answer(res, await svc().apply({ kind: 'config', config: b.config, partial: b.partial }, { ifMatch, who: who(ctx), source: 'api', reason: b.reason }));
      },
    },
    {
      method: 'put',
      path: '/api/config/entries/:list/:id',
      access: 'technician',
      action: 'svc().apply',
      handler: async (req, res, ctx) => {
        const at = entryParams(req, res);
        const b = at && parseBody(configEntryBody, req, res);
        const ifMatch = b && ifMatchOf(req, res, svc());
        if (!at || !b || ifMatch === undefined) return;
        const change: ConfigChange = { kind: 'entry', list: at.list, id: at.id, entry: b.entry };
        answer(res, await svc().apply(change, { ifMatch, who: who(ctx), source: 'api', reason: b.reason }));
      },
    },
    {
      method: 'delete',
      path: '/api/config/entries/:list/:id',
      access: 'technician',
      action: 'svc().apply',
      handler: async (req, res, ctx) => {
        const at = entryParams(req, res);
        const b = at && parseBody(configEntryDeleteBody, req, res);
        const ifMatch = b && ifMatchOf(req, res, svc());
        if (!at || !b || ifMatch === undefined) return;
        answer(res, await svc().apply({ kind: 'entry', list: at.list, id: at.id, entry: null }, { ifMatch, who: who(ctx), source: 'api', reason: b.reason ?? `delete ${at.list} ${at.id}` }));
      },
    },
    {
      method: 'get',
      path: '/api/config/versions',
      access: 'viewer',
      handler: async (_req, res) => {
        res.json({ versions: await svc().versions() });
      },
    },
    {
      method: 'get',
      path: '/api/config/versions/:version',
      access: 'viewer',
      handler: async (req, res) => {
        const v = paramOf(req, res, 'version', /^\d{1,12}$/, 'a version is a whole number');
        if (!v) return;
        const detail = await svc().versionDetail(Number(v));
        if (!detail) res.status(404).json({ error: `no version ${v}` });
        else res.json(detail);
      },
    },
    {
      method: 'post',
      path: '/api/config/versions/:version/restore',
      access: 'technician',
      action: 'svc().restore',
      handler: async (req, res, ctx) => {
        const v = paramOf(req, res, 'version', /^\d{1,12}$/, 'a version is a whole number');
        const b = v && parseBody(configRestoreBody, req, res);
        if (!v || !b) return;
        // One step: restore this version over whatever is current (If-Match optional: given, it must match).
        const ifMatch = parseIfMatch(req.get('if-match'));
        answer(res, await svc().restore(Number(v), { ifMatch, who: who(ctx), reason: b.reason }));
      },
    },
    {
      method: 'get',
      path: '/api/config/export',
      access: 'viewer',
      handler: (_req, res, ctx) => {
        // The exact file for admins; secrets masked for everyone else.
        const exact = hasRole(ctx.actor, 'admin');
        res
          .set({ 'Content-Disposition': `attachment; filename="callpoint-config-v${svc().version}.yaml"`, ETag: `"${svc().version}"`, 'X-Callpoint-Secrets': exact ? 'included' : 'masked' })
          .type('application/yaml; charset=utf-8')
          .send(svc().exportText(exact));
      },
    },
    {
      method: 'post',
      path: '/api/config/uplink-test',
      access: 'admin',
      action: 'uplink.test',
      handler: async (req, res) => {
        const b = parseBody(uplinkTestBody, req, res);
        if (!b) return;
        if (!d.uplinkProbe) throw new Error('the uplink probe is not available');
        res.json({ results: await d.uplinkProbe(b.uplink) });
      },
    },
    {
      method: 'post',
      path: '/api/config/import',
      access: 'admin',
      action: 'config.import',
      handler: async (req, res, ctx) => {
        const b = parseBody(configImportBody, req, res);
        const ifMatch = b && ifMatchOf(req, res, svc());
        if (!b || ifMatch === undefined) return;
        answer(res, await svc().apply({ kind: 'text', text: b.text }, { ifMatch, who: who(ctx), source: 'import', reason: b.reason, wholeFile: true }));
      },
    },
  ];
}
