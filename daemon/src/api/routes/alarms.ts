// Alarms for the UI: the open ones and the latest, acknowledge and clear
// (technicians on site), and in simulation mode the simulated inputs.
import type { ApiDeps, RouteDef } from '../route.js';

export function alarmRoutes(d: ApiDeps): RouteDef[] {
  const alarms = d.alarms;
  if (!alarms) return [];
  const finish = (kind: 'ack' | 'clear'): RouteDef => ({
    method: 'post',
    path: `/api/alarms/:id/${kind}`,
    access: 'technician',
    action: kind === 'ack' ? 'alarm.acknowledge' : 'alarm.clear',
    handler: async (req, res, ctx) => {
      const id = String(req.params.id);
      if (!/^A-\d{8}-\d{1,5}$/.test(id)) {
        res.locals.error = 'bad alarm id';
        res.status(400).json({ error: 'an alarm id looks like A-20261125-3' });
        return;
      }
      const r = kind === 'ack' ? await alarms.acknowledge(id, ctx.actor, 'ui') : await alarms.clear(id, ctx.actor, 'ui');
      res.locals.audited = r.ok;
      if (r.ok) res.json(r.alarm);
      else {
        res.locals.error = r.message;
        res.status(r.code === 'not_found' ? 404 : 409).json({ error: r.message });
      }
    },
  });
  const routes: RouteDef[] = [
    {
      method: 'get',
      path: '/api/alarms',
      access: 'viewer',
      handler: async (_req, res) => {
        const [open, recent, selfTest] = await Promise.all([alarms.open(), d.store.alarms.recent(50), d.selfTest?.last()]);
        const first = alarms.points()[0]?.escalation;
        const desk = first?.targets.find((x): x is { extension: string; ringS: number } => 'extension' in x);
        res.json({
          open,
          recent,
          points: alarms.points().map((p) => ({ id: p.id, label: p.label, location: p.location, zone: p.zone, input: p.input })),
          // In simulation: whose keys the UI may press for the dispatcher, and which key acknowledges.
          simulation: d.simInputs ? { dispatcher: desk?.extension ?? null, ackDigit: first?.ackDigit ?? '5' } : null,
          // The last self-test: when, which point, passed (true), failed (false) or still waiting (null).
          selfTest: selfTest ?? null,
        });
      },
    },
    finish('ack'),
    finish('clear'),
  ];
  const selfTest = d.selfTest;
  if (selfTest) {
    routes.push({
      method: 'post',
      path: '/api/points/:id/test',
      access: 'technician',
      action: 'point.test',
      handler: async (req, res, ctx) => {
        const id = String(req.params.id);
        if (!alarms.pointOf(id)) {
          res.locals.error = 'no such point';
          res.status(404).json({ error: `no call point ${id}` });
          return;
        }
        // A test alarm through the store to central, nobody called; the outcome shows in GET /api/alarms.
        const t = await selfTest.begin(id, 'technician', ctx.actor.username ?? 'technician');
        void t.done.catch(() => undefined);
        res.status(202).json({ alarmId: t.alarmId });
      },
    });
  }
  const sim = d.simInputs;
  if (sim) {
    for (const edge of ['press', 'release'] as const) {
      routes.push({
        method: 'post',
        path: `/api/sim/inputs/:id/${edge}`,
        access: 'technician',
        action: `sim.${edge}`,
        handler: async (req, res) => {
          const r = await sim[edge](String(req.params.id));
          if (r.ok) res.json(r);
          else {
            res.locals.error = r.error;
            res.status(404).json({ error: r.error });
          }
        },
      });
    }
    routes.push({
      method: 'post',
      path: '/api/sim/phones/:number/dtmf',
      access: 'technician',
      action: 'sim.dtmf',
      handler: (req, res) => {
        const digits = (req.body as { digits?: unknown } | undefined)?.digits;
        if (typeof digits !== 'string' || !/^[0-9*#]{1,16}$/.test(digits)) {
          res.status(400).json({ error: 'digits: 1–16 of 0-9 * #' });
          return;
        }
        const r = sim.phoneKeys(String(req.params.number), digits);
        if (r.ok) res.json(r);
        else res.status(404).json({ error: r.error });
      },
    });
  }
  return routes;
}
