// GSM modems and analog line cards for the UI: their state, the SMS log, a
// test SMS and a USSD query for technicians; in simulation, an SMS arriving
// and line-card ports changing, to watch the whole path.
import { hasRole } from '../../accounts/actor.js';
import { simCardBody, simNetworkBody, simPinBody, simPortBody, simSmsBody, testSmsBody, ussdBody, type LinesList, type LinesView, type SimPinResult } from '../../contracts/lines.js';
import { IDENT_RE } from '../../contracts/values.js';
import { phrase } from '../../contracts/phrases/index.js';
import { paramOf, parseBody } from '../body.js';
import type { ApiDeps, RouteDef } from '../route.js';

/** *100#, #123#, *101*1#: queries; anything starting ** or ## (registration, erasure of services) is not. */
const BALANCE_QUERY = /^[*#][0-9]{2,4}(\*[0-9]{1,2})?#$/;

/** The view without SIM identities. */
export function forViewer(v: LinesView): LinesView {
  return { ...v, modems: v.modems.map((m) => ({ ...m, imsi: null, iccid: null })) };
}

export function lineRoutes(d: ApiDeps): RouteDef[] {
  const lines = d.lines;
  if (!lines) return [];
  const routes: RouteDef[] = [
    {
      method: 'get',
      path: '/api/lines',
      access: 'viewer',
      handler: async (_req, res, ctx) => {
        // SIM identities and SMS texts are for technicians; a viewer sees the state.
        const body: LinesList = hasRole(ctx.actor, 'technician') ? { ...lines.view(), sms: await d.store.sms.recent(50) } : { ...forViewer(lines.view()), sms: [] };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: '/api/lines/modems/:id/sms',
      access: 'technician',
      action: 'sms.send',
      handler: async (req, res, ctx) => {
        const modem = paramOf(req, res, 'id', IDENT_RE, 'a modem id');
        const b = modem && parseBody(testSmsBody, req, res);
        if (!modem || !b) return;
        const { to, text } = b;
        const r = await lines.queueSms(to, text, { tag: `test by ${ctx.actor.username ?? '?'}` }, modem);
        // Who sent what to whom: the audit names the number and the message.
        const chars = [...text].length;
        await d.accounts.audit(ctx.actor, {
          action: 'sms.send', target: modem, outcome: r.ok ? 'ok' : 'failed',
          phrase: r.ok ? phrase('audit.sms.sent', { to, chars, id: r.id }) : phrase('audit.sms.notSent', { to, chars }),
          detail: `to ${to}, ${chars} characters${r.ok ? `, sms ${r.id}` : `: ${r.error}`}`,
        });
        res.locals.audited = true;
        if (r.ok) res.status(202).json({ id: r.id });
        else res.status(/no modem/.test(r.error) ? 404 : 400).json({ error: r.error });
      },
    },
    ...(['modems', 'line-cards'] as const).map((what): RouteDef => ({
      method: 'post',
      path: `/api/lines/${what}/:id/test`,
      access: 'technician',
      action: 'lines.test',
      // "Test now": the modem (AT, signal, SIM, registration) or the card (PING, every port) asked at once.
      handler: async (req, res) => {
        const id = paramOf(req, res, 'id', IDENT_RE, what === 'modems' ? 'a modem id' : 'a line card id');
        if (!id) return;
        const r = await lines.testNow(what === 'modems' ? 'modem' : 'card', id);
        if (!r.ok) {
          res.locals.error = r.error;
          res.status(/^no /.test(r.error) ? 404 : 504).json({ error: r.error });
          return;
        }
        res.json(r.view);
      },
    })),
    {
      method: 'post',
      path: '/api/lines/modems/:id/ussd',
      access: 'technician',
      action: 'gsm.ussd',
      handler: async (req, res, ctx) => {
        const modem = paramOf(req, res, 'id', IDENT_RE, 'a modem id');
        const b = modem && parseBody(ussdBody, req, res);
        if (!modem || !b) return;
        const { code } = b;
        // Balance-style queries for technicians; codes that change the SIM's services (call forwarding **21*…#, ##002#) for admins only.
        if (!BALANCE_QUERY.test(code) && !hasRole(ctx.actor, 'admin')) {
          res.locals.error = `USSD ${code} needs the admin role`;
          res.locals.errorPhrase = phrase('audit.ussd.adminOnly', { code });
          return void res.status(403).json({ error: 'technicians may send balance-style codes such as *100# or #123#; other codes need an admin' });
        }
        const r = await lines.ussd(modem, code);
        await d.accounts.audit(ctx.actor, { action: 'gsm.ussd', target: modem, outcome: r.ok ? 'ok' : 'failed', phrase: phrase(r.ok ? 'audit.ussd' : 'audit.ussd.failed', { code }), detail: `${code}${r.ok ? '' : `: ${r.error}`}` });
        res.locals.audited = true;
        if (r.ok) res.json({ text: r.text });
        else res.status(/no modem/.test(r.error) ? 404 : 502).json({ error: r.error });
      },
    },
    {
      method: 'post',
      path: '/api/lines/modems/:id/pin',
      access: 'admin',
      action: 'gsm.pin',
      handler: async (req, res, ctx) => {
        const modem = paramOf(req, res, 'id', IDENT_RE, 'a modem id');
        // The PIN is checked and used, never echoed: not in the answer, the audit row or a log line.
        const b = modem && parseBody(simPinBody, req, res);
        if (!modem || !b) return;
        const r = await lines.enterPin(modem, b.pin, ctx.actor.username ?? '?');
        if (!r.ok) {
          res.locals.error = r.error;
          return void res.status(404).json({ error: r.error });
        }
        const taken = r.sim === 'ready';
        const outcome = !r.checked ? 'stored; the modem is busy, the SIM is checked when it is free' : taken ? 'the SIM took it' : (r.faults.find((f) => f.code === 'wrong-pin' || f.code === 'sim-puk')?.detail ?? `the SIM is ${r.sim}`);
        const said = phrase('audit.pin', { sim: r.iccid ? phrase('audit.pin.sim', { iccid: r.iccid }) : '', outcome: phrase(!r.checked ? 'audit.pin.pending' : taken ? 'audit.pin.taken' : 'audit.pin.refused') });
        await d.accounts.audit(ctx.actor, { action: 'gsm.pin', target: modem, outcome: taken || !r.checked ? 'ok' : 'failed', phrase: said, detail: `SIM PIN entered${r.iccid ? ` for SIM ${r.iccid}` : ''}: ${outcome}` });
        res.locals.audited = true;
        // 202: stored, not yet tried (the answer does not say how the SIM took it).
        const answer: SimPinResult = { sim: r.sim, faults: r.faults, checked: r.checked };
        res.status(r.checked ? 200 : 202).json(answer);
      },
    },
  ];
  const sim = d.sim?.lines;
  if (sim) {
    routes.push(
      {
        method: 'post',
        path: '/api/sim/modems/:id/sms',
        access: 'technician',
        action: 'sim.sms',
        handler: (req, res) => {
          const b = parseBody(simSmsBody, req, res);
          if (!b) return;
          const r = sim.smsIn(String(req.params.id), b.from, b.text, b.order);
          if (r.ok) res.json(r);
          else res.status(404).json({ error: r.error });
        },
      },
      {
        method: 'get',
        path: '/api/sim/modems/:id/sent',
        access: 'technician',
        handler: (req, res) => {
          const sent = sim.sent(String(req.params.id));
          if (sent) res.json({ sent });
          else res.status(404).json({ error: `no simulated modem ${String(req.params.id)}` });
        },
      },
      {
        method: 'post',
        path: '/api/sim/modems/:id/card',
        access: 'technician',
        action: 'sim.card',
        handler: (req, res) => {
          const b = parseBody(simCardBody, req, res);
          if (!b) return;
          const r = sim.card(String(req.params.id), b);
          if (r.ok) res.json(r);
          else res.status(404).json({ error: r.error });
        },
      },
      {
        method: 'post',
        path: '/api/sim/modems/:id/network',
        access: 'technician',
        action: 'sim.network',
        handler: (req, res) => {
          const b = parseBody(simNetworkBody, req, res);
          if (!b) return;
          const r = sim.network(String(req.params.id), b);
          if (r.ok) res.json(r);
          else res.status(404).json({ error: r.error });
        },
      },
      {
        method: 'post',
        path: '/api/sim/line-cards/:id/ports/:n',
        access: 'technician',
        action: 'sim.line-port',
        handler: (req, res) => {
          const n = paramOf(req, res, 'n', /^[1-9][0-9]{0,2}$/, 'a port number from 1');
          const b = n && parseBody(simPortBody, req, res);
          if (!n || !b) return;
          const r = sim.port(String(req.params.id), Number(n), b.action);
          if (r.ok) res.json(r);
          else res.status(404).json({ error: r.error });
        },
      },
    );
  }
  return routes;
}
