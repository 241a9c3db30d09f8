import { addUserBody, updateUserBody, type UnlockResult, type UserRecord } from '../../contracts/accounts.js';
import { USERNAME_RE } from '../../contracts/values.js';
import { paramOf, parseBody } from '../body.js';
import { sendFailure } from '../http-util.js';
import type { ApiDeps, RouteDef } from '../route.js';

export function userRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/users',
      access: 'admin',
      handler: async (_req, res, ctx) => {
        const r = await d.accounts.listUsers(ctx.actor);
        if (r.ok) res.json({ users: r.value satisfies UserRecord[] });
        else sendFailure(res, r);
      },
    },
    {
      method: 'post',
      path: '/api/users',
      access: 'admin',
      action: 'user.add',
      handler: async (req, res, ctx) => {
        const b = parseBody(addUserBody, req, res);
        if (!b) return;
        const r = await d.accounts.addUser(ctx.actor, b.username, b.password, b.role);
        res.locals.audited = r.ok;
        if (r.ok) res.status(201).json(r.value);
        else sendFailure(res, r);
      },
    },
    {
      method: 'patch',
      path: '/api/users/:username',
      access: 'admin',
      action: 'user.update',
      handler: async (req, res, ctx) => {
        const username = paramOf(req, res, 'username', USERNAME_RE, 'a user name');
        const b = username && parseBody(updateUserBody, req, res);
        if (!username || !b) return;
        const r = await d.accounts.updateUser(ctx.actor, username, { role: b.role, password: b.password });
        res.locals.audited = r.ok;
        if (r.ok) res.json(r.value);
        else sendFailure(res, r);
      },
    },
    {
      method: 'post',
      path: '/api/users/:username/unlock',
      access: 'admin',
      action: 'user.unlock',
      handler: async (req, res, ctx) => {
        const username = paramOf(req, res, 'username', USERNAME_RE, 'a user name');
        if (!username) return;
        const r = await d.accounts.unlock(ctx.actor, username);
        res.locals.audited = r.ok;
        if (r.ok) res.json(r.value satisfies UnlockResult);
        else sendFailure(res, r);
      },
    },
    {
      method: 'delete',
      path: '/api/users/:username',
      access: 'admin',
      action: 'user.remove',
      handler: async (req, res, ctx) => {
        const r = await d.accounts.removeUser(ctx.actor, String(req.params.username));
        res.locals.audited = r.ok;
        if (r.ok) res.status(204).end();
        else sendFailure(res, r);
      },
    },
  ];
}
