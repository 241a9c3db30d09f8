// The dispatch desk for the UI: the queues with their waiting calls (and why
// each stands where it does) and the agents; an agent logs in, out, pauses
// with a reason and resumes. Thin adapters over the ACD service, which checks
// who may act for which agent and audits each change with it.
import type { Response } from 'express';
import type { AgentAction, AgentActionResult } from '../../desk/agent-book.js';
import { agentPauseBody } from '../../contracts/desk.js';
import { EXTENSION_MESSAGE, EXTENSION_RE } from '../../contracts/values.js';
import { paramOf, parseBody } from '../body.js';
import type { ApiDeps, RouteDef } from '../route.js';

const STATUS: Record<Exclude<AgentActionResult, { ok: true }>['code'], number> = { not_found: 404, forbidden: 403, conflict: 409 };

export function deskRoutes(d: ApiDeps): RouteDef[] {
  const gone = (res: Response) => void res.status(503).json({ error: 'no ACD queues are configured' });
  // Any logged-in user may call them: the service lets agents act for themselves, technicians for anyone.
  const action = (name: AgentAction): RouteDef => ({
    method: 'post',
    path: `/api/desk/agents/:extension/${name}`,
    access: 'viewer',
    action: `desk.agent-${name}`,
    handler: async (req, res, ctx) => {
      const desk = d.desk;
      if (!desk) return gone(res);
      const ext = paramOf(req, res, 'extension', EXTENSION_RE, EXTENSION_MESSAGE);
      if (!ext) return;
      // Who may act is answered before what the body says.
      const refused = desk.authorise(ext, ctx.actor);
      if (refused) {
        res.locals.error = refused.message;
        return void res.status(STATUS[refused.code]).json({ error: refused.message });
      }
      let reason: string | null = null;
      if (name === 'pause') {
        const b = parseBody(agentPauseBody, req, res);
        if (!b) return;
        reason = b.reason;
      }
      const r = await desk.agentAction(ext, name, ctx.actor, reason);
      if (!r.ok) {
        res.locals.error = r.message;
        return void res.status(STATUS[r.code]).json({ error: r.message });
      }
      res.locals.audited = true;
      res.json(desk.view().agents.find((a) => a.extension === ext));
    },
  });
  return [
    {
      method: 'get',
      path: '/api/desk',
      access: 'viewer',
      handler: (_req, res) => (d.desk ? void res.json(d.desk.view()) : gone(res)),
    },
    action('login'),
    action('logout'),
    action('pause'),
    action('resume'),
  ];
}
