import type { ApiDeps, RouteDef } from '../route.js';

export function healthRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/health',
      access: 'public',
      // Served from memory: readings are sampled in the background, so this never waits on a probe.
      handler: (_req, res) => {
        const h = d.health.snapshot();
        res.status(h.status === 'down' ? 503 : 200).json(h);
      },
    },
  ];
}
