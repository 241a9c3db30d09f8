// Alarms for the UI: the open ones and the latest, acknowledge and clear
// (technicians on site), a point's self-test, and in simulation mode the
// simulated inputs and the simulated desk's keys.
import { z } from 'zod';
import type { AlarmList, SelfTestStarted } from '../../contracts/alarms.js';
import { ALARM_ID_MESSAGE, ALARM_ID_RE, DTMF_RE, IDENT_RE } from '../../contracts/values.js';
import { paramOf, parseBody } from '../body.js';
import type { ApiDeps, RouteDef } from '../route.js';

const dtmfBody = z.strictObject({ digits: z.string().regex(DTMF_RE, 'digits: 1–16 of 0-9 * #') });

export function alarmRoutes(d: ApiDeps): RouteDef[] {
  const alarms = d.alarms;
  if (!alarms) return [];
  const finish = (kind: 'ack' | 'clear'): RouteDef => ({
    method: 'post',
    path: `/api/alarms/:id/${kind}`,
    access: 'technician',
    action: kind === 'ack' ? 'alarm.acknowledge' : 'alarm.clear',
    handler: async (req, res, ctx) => {
      const id = paramOf(req, res, 'id', ALARM_ID_RE, ALARM_ID_MESSAGE);
      if (!id) return;
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
        const body: AlarmList = {
          open,
          recent,
          points: alarms.points().map((p) => ({ id: p.id, label: p.label, location: p.location, zone: p.zone, input: p.input })),
          // With the emulator's phones: whose keys the UI may press for the dispatcher, and which key acknowledges.
          simulation: d.sim?.phones ? { dispatcher: desk?.extension ?? null, ackDigit: first?.ackDigit ?? '5' } : null,
          // The last self-test: when, which point, passed (true), failed (false) or still waiting (null).
          selfTest: selfTest ?? null,
        };
        res.json(body);
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
        const id = paramOf(req, res, 'id', IDENT_RE, 'a point id');
        if (!id) return;
        if (!alarms.pointOf(id)) {
          res.locals.error = 'no such point';
          res.status(404).json({ error: `no call point ${id}` });
          return;
        }
        // A test alarm through the store to central, nobody called; the outcome shows in GET /api/alarms.
        const t = await selfTest.begin(id, 'technician', { name: ctx.actor.username ?? 'technician', role: ctx.actor.role });
        void t.done.catch(() => undefined);
        const body: SelfTestStarted = { alarmId: t.alarmId };
        res.status(202).json(body);
      },
    });
  }
  const inputs = d.sim?.inputs;
  if (inputs) {
    for (const edge of ['press', 'release'] as const) {
      routes.push({
        method: 'post',
        path: `/api/sim/inputs/:id/${edge}`,
        access: 'technician',
        action: `sim.${edge}`,
        handler: async (req, res) => {
          const r = await inputs[edge](String(req.params.id));
          if (r.ok) res.json(r);
          else {
            res.locals.error = r.error;
            res.status(404).json({ error: r.error });
          }
        },
      });
    }
  }
  const phones = d.sim?.phones;
  if (phones) {
    routes.push({
      method: 'post',
      path: '/api/sim/phones/:number/dtmf',
      access: 'technician',
      action: 'sim.dtmf',
      handler: (req, res) => {
        const b = parseBody(dtmfBody, req, res);
        if (!b) return;
        const r = phones.keys(String(req.params.number), b.digits);
        if (r.ok) res.json(r);
        else res.status(404).json({ error: r.error });
      },
    });
  }
  return routes;
}
