// The express app: security headers, the route table with its access rules,
// CSRF and same-origin checks, auditing of every mutating request, the web
// UI's static files. Routes are thin: the work is in the runtime APIs.
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { hasRole, type Actor } from '../accounts/actor.js';
import { WEB_UI_DIR } from '../paths.js';
import { freeswitchRouter, type FreeswitchRouterDeps } from './freeswitch-routes.js';
import { webUiRouter } from './static-files.js';
import { clientIp, crossSite, parseCookies, refusalPhrase } from './http-util.js';
import { clientErrorAnswer, jsonBody } from './json-body.js';
import { isMutating, type ApiDeps, type RequestContext, type RouteDef } from './route.js';
import { alarmRoutes } from './routes/alarms.js';
import { auditRoutes } from './routes/audit.js';
import { callRoutes } from './routes/calls.js';
import { configRoutes } from './routes/config.js';
import { authRoutes } from './routes/auth.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { supervisionRoutes } from './routes/supervision.js';
import { lineRoutes } from './routes/lines.js';
import { logRoutes } from './routes/logs.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { registrationRoutes } from './routes/registrations.js';
import { routingRoutes } from './routes/routing.js';
import { deskRoutes } from './routes/desk.js';
import { userRoutes } from './routes/users.js';
import { walkTestRoutes } from './routes/walk-test.js';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function routeTable(d: ApiDeps): RouteDef[] {
  return [
    ...healthRoutes(d), ...authRoutes(d), ...userRoutes(d), ...auditRoutes(d), ...configRoutes(d), ...callRoutes(d), ...alarmRoutes(d), ...supervisionRoutes(d), ...lineRoutes(d), ...walkTestRoutes(d), ...routingRoutes(d), ...deskRoutes(d), ...eventRoutes(d),
    ...registrationRoutes(d), ...logRoutes(d), ...maintenanceRoutes(d),
  ];
}

function outcomeOf(status: number): 'ok' | 'denied' | 'failed' {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403 || status === 429) return 'denied';
  return 'failed';
}

export function securityHeaders(secure: boolean): express.RequestHandler {
  return helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: secure ? { maxAge: 31536000 } : false,
      crossOriginEmbedderPolicy: false,
    });
}

/** The headers securityHeaders() sets, captured once, for responses served without express. */
export function capturedSecurityHeaders(secure: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = String(v)),
    removeHeader: (k: string) => void delete headers[k.toLowerCase()],
    getHeader: (k: string) => headers[k.toLowerCase()],
  };
  securityHeaders(secure)({} as Request, res as unknown as Response, () => undefined);
  return headers;
}

export function createApp(d: ApiDeps, opts: { trustProxy: boolean; webUiDir?: string; freeswitch?: FreeswitchRouterDeps }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy);
  app.set('etag', false);
  app.use(securityHeaders(d.cookie.secure));
  // mod_xml_curl endpoints: loopback only, shared secret (not sessions: FreeSWITCH is the client).
  if (opts.freeswitch) app.use(freeswitchRouter(opts.freeswitch));
  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // Unknown API paths: 401 to a stranger (nothing about what exists), 404 to a user.
  const unknownApiPath = async (req: Request, res: Response) => {
    const token = parseCookies(req.get('cookie')).get(d.cookie.name);
    const session = token ? await d.sessions.resolve(token).catch(() => null) : null;
    if (!session) res.status(401).json({ error: 'not logged in' });
    else res.status(404).json({ error: `no such API route: ${req.method} ${req.path}` });
  };
  // OPTIONS would otherwise be answered by the router with an Allow header listing the methods
  // of a path: a map of the API for anyone. There is no CORS here; OPTIONS is just an unknown route.
  app.use('/api', (req, res, next) => (req.method === 'OPTIONS' ? void unknownApiPath(req, res) : next()));
  // A whole configuration (a 500-point site is ~70 KB of JSON) may be larger than any other body.
  const json = jsonBody();
  const configJson = jsonBody('2mb');
  app.use('/api', (req, res, next) => {
    const chain = req.path.startsWith('/config') ? configJson : json;
    chain[0]!(req, res, (err?: unknown) => (err ? next(err) : chain[1]!(req, res, next)));
  });
  // A black/white list's CSV import is the file itself (tens of thousands of numbers).
  app.use('/api/routing/lists/:id/import', express.text({ type: 'text/csv', limit: '4mb' }));

  const wrap = (def: RouteDef) => async (req: Request, res: Response, next: NextFunction) => {
    const ip = clientIp(req);
    const token = parseCookies(req.get('cookie')).get(d.cookie.name);
    let ctx: RequestContext = { actor: { username: null, role: null, ip }, session: null, ip };
    const mutating = isMutating(def.method);
    const audit = async (outcome: 'ok' | 'denied' | 'failed', detail: string | null) => {
      const rec = { action: def.action ?? `${def.method.toUpperCase()} ${def.path}`, target: req.params.username ? String(req.params.username) : req.params.key ? String(req.params.key) : null, outcome, detail, phrase: refusalPhrase(res) };
      // Refusals (no session, no CSRF token, another site, a role missing) come in floods: summarised.
      // One kind per reason and user, whatever the route: "not logged in" on forty routes is one fact.
      if (outcome === 'denied' && d.refusals) await d.refusals.note(`http|${detail ?? ''}|${ctx.actor.username ?? ''}`, { ...rec, username: ctx.actor.username, role: ctx.actor.role, ip: ctx.actor.ip });
      else await d.accounts.audit(ctx.actor, rec);
    };
    try {
      if (token) {
        const session = await d.sessions.resolve(token);
        if (session) ctx = { session, ip, actor: { username: session.user.username, role: session.user.role, ip } satisfies Actor };
      }
      // `callpoint sim press` on the same machine, in simulation mode only: a random token from the
      // data directory (a custom header, which no other site's page can send) stands for a technician.
      const simHeader = req.get('x-callpoint-sim-token');
      if (!ctx.session && d.sim && simHeader && def.path.startsWith('/api/sim/') && safeEqual(simHeader, d.sim.token)) {
        res.locals.simCli = true;
        ctx = { session: null, ip, actor: { username: 'sim-cli', role: 'technician', ip } };
      }
      if (mutating) {
        res.on('finish', () => {
          if (res.locals.audited) return;
          const detail = (res.locals.error as string | undefined) ?? (res.statusCode >= 400 ? `HTTP ${res.statusCode}` : null);
          audit(outcomeOf(res.statusCode), detail).catch((err: unknown) => d.log.error({ err }, 'audit write failed'));
        });
        const why = crossSite(req);
        if (why) {
          res.locals.error = why;
          res.status(403).json({ error: 'cross-site requests are refused' });
          return;
        }
      }
      if (def.access !== 'public' && !res.locals.simCli) {
        if (!ctx.session) {
          res.locals.error = 'not logged in';
          res.status(401).json({ error: 'not logged in' });
          return;
        }
        if (mutating && !safeEqual(req.get('x-csrf-token') ?? '', ctx.session.csrfToken)) {
          res.locals.error = 'missing or wrong CSRF token';
          res.status(403).json({ error: 'missing or wrong CSRF token; reload the page' });
          return;
        }
        if (def.access !== 'session' && !hasRole(ctx.actor, def.access)) {
          res.locals.error = `requires role ${def.access}`;
          res.status(403).json({ error: `this needs the ${def.access} role` });
          return;
        }
      }
      await def.handler(req, res, ctx);
    } catch (err) {
      next(err);
    }
  };

  const router = express.Router();
  for (const def of routeTable(d)) router[def.method](def.path, wrap(def));
  app.use(router);

  app.use('/api', unknownApiPath);

  app.use(webUiRouter(opts.webUiDir ?? WEB_UI_DIR));

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const refused = clientErrorAnswer(err);
    if (refused) {
      // The client's mistake: answered, logged quietly (a flood of bad bodies must not flood the log).
      d.log.debug({ type: (err as { type?: string }).type, status: refused.status, path: req.path }, `request refused: ${refused.error}`);
      res.locals.error = refused.error;
      if (!res.headersSent) res.status(refused.status).json({ error: refused.error });
    } else {
      d.log.error({ err }, 'request failed');
      res.locals.error = 'internal error';
      if (!res.headersSent) res.status(500).json({ error: 'internal error; see the daemon log' });
    }
  });
  return app;
}
