import type { Response } from 'express';
import type { LoggedIn } from '../../accounts/accounts.js';
import { loginBody, passwordChangeBody, setupBody, type Session } from '../../contracts/accounts.js';
import { parseBody } from '../body.js';
import { sendFailure } from '../http-util.js';
import type { ApiDeps, CookiePolicy, RouteDef } from '../route.js';

function setSessionCookie(res: Response, c: CookiePolicy, token: string): void {
  res.cookie(c.name, token, { httpOnly: true, sameSite: 'strict', secure: c.secure, path: '/', maxAge: c.maxAgeMs });
}

function clearSessionCookie(res: Response, c: CookiePolicy): void {
  res.clearCookie(c.name, { httpOnly: true, sameSite: 'strict', secure: c.secure, path: '/' });
}

function loggedIn(res: Response, d: ApiDeps, v: LoggedIn): void {
  setSessionCookie(res, d.cookie, v.token);
  const body: Session = { user: v.user, csrfToken: v.csrfToken };
  res.json(body);
}

export function authRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/session',
      access: 'session',
      handler: (_req, res, ctx) => {
        const body: Session = { user: { username: ctx.session!.user.username, role: ctx.session!.user.role }, csrfToken: ctx.session!.csrfToken };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: '/api/login',
      access: 'public',
      action: 'login',
      handler: async (req, res, ctx) => {
        const body = parseBody(loginBody, req, res);
        if (!body) return;
        const r = await d.accounts.login(ctx.ip, req.get('user-agent') ?? null, body.username, body.password);
        res.locals.audited = r.ok || r.code !== 'invalid';
        if (r.ok) loggedIn(res, d, r.value);
        else sendFailure(res, r);
      },
    },
    {
      method: 'post',
      path: '/api/setup',
      access: 'public',
      action: 'setup',
      handler: async (req, res, ctx) => {
        const body = parseBody(setupBody, req, res);
        if (!body) return;
        const r = await d.accounts.setup(ctx.ip, req.get('user-agent') ?? null, body.token, body.username, body.password);
        res.locals.audited = r.ok || r.code === 'unauthorized';
        if (r.ok) loggedIn(res, d, r.value);
        else sendFailure(res, r);
      },
    },
    {
      method: 'post',
      path: '/api/logout',
      access: 'session',
      action: 'logout',
      handler: async (_req, res, ctx) => {
        await d.accounts.logout(ctx.actor, ctx.session!.tokenHash);
        res.locals.audited = true;
        clearSessionCookie(res, d.cookie);
        res.status(204).end();
      },
    },
    {
      method: 'post',
      path: '/api/account/password',
      access: 'session',
      action: 'password.change',
      handler: async (req, res, ctx) => {
        const body = parseBody(passwordChangeBody, req, res);
        if (!body) return;
        const r = await d.accounts.changeOwnPassword(ctx.actor, body.current, body.next);
        res.locals.audited = r.ok || r.code === 'unauthorized';
        if (!r.ok) return sendFailure(res, r);
        clearSessionCookie(res, d.cookie);
        res.status(204).end();
      },
    },
  ];
}
