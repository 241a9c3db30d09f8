import { healthRenderer } from '../health-fast-path.js';
import type { ApiDeps, RouteDef } from '../route.js';

export function healthRoutes(d: ApiDeps): RouteDef[] {
  // The same renderer as the fast path in front of express (health-fast-path.ts), which answers first.
  const render = healthRenderer(d.health);
  return [
    {
      method: 'get',
      path: '/api/health',
      access: 'public',
      handler: (_req, res) => {
        const { status, body } = render();
        res.status(status).type('application/json').send(body);
      },
    },
  ];
}
