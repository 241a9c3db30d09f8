// Faults and the board for the UI: what is broken now, what was, and the
// state of every input and output.
import type { ApiDeps, RouteDef } from '../route.js';

export function supervisionRoutes(d: ApiDeps): RouteDef[] {
  const routes: RouteDef[] = [];
  const faults = d.faults;
  if (faults) {
    routes.push({
      method: 'get',
      path: '/api/faults',
      access: 'viewer',
      handler: async (_req, res) => {
        const [open, recent] = await Promise.all([faults.open(), faults.recent(100)]);
        res.json({ open, recent });
      },
    });
  }
  const board = d.board;
  if (board) {
    routes.push({ method: 'get', path: '/api/board', access: 'viewer', handler: (_req, res) => void res.json(board.snapshot()) });
  }
  return routes;
}
