// GSM modems and analog line cards for the UI: their state, the SMS log, a
// test SMS and a USSD query for technicians; in simulation, an SMS arriving
// and line-card ports changing, to watch the whole path.
import type { LinesView } from '../../lines/view.js';
import { PIN_FORMAT } from '../../lines/sim-pins.js';
import { hasRole } from '../../accounts/actor.js';
import type { ApiDeps, RouteDef } from '../route.js';

export interface LinesApi {
  view(): LinesView;
  queueSms(to: string, text: string, o: { tag?: string }, modemId?: string): Promise<{ ok: true; id: number } | { ok: false; error: string }>;
  ussd(modemId: string, code: string): Promise<{ ok: true; text: string } | { ok: false; error: string }>;
  /** A person's SIM PIN: stored, entered at once; how the SIM took it. */
  enterPin(modemId: string, pin: string, by: string): Promise<{ ok: true; iccid: string | null; checked: boolean; sim: string; faults: Array<{ code: string; detail: string }> } | { ok: false; error: string }>;
  /** Simulation only. */
  sim?: {
    smsIn(modemId: string, from: string, text: string, order?: number[]): { ok: true; slots: number[] } | { ok: false; error: string };
    port(cardId: string, port: number, action: PortAction): { ok: true } | { ok: false; error: string };
    /** What the simulated network received from the modem: to, text, parts. */
    sent(modemId: string): Array<{ to: string; text: string; parts: number }> | undefined;
    /** Another SIM card, or the same one locked: its state, PIN and ICCID. */
    card(modemId: string, card: { state: SimCardAction; pin?: string; iccid?: string }): { ok: true } | { ok: false; error: string };
    /** The network as the simulated modem sees it. */
    network(modemId: string, n: { registration?: SimRegistration; rssi?: number }): { ok: true } | { ok: false; error: string };
  };
}

export const PORT_ACTIONS = ['off-hook', 'on-hook', 'ring', 'stop-ring', 'cut', 'restore', 'no-battery', 'battery'] as const;
export const SIM_CARD_STATES = ['ready', 'pin', 'puk', 'absent'] as const;
export type SimCardAction = (typeof SIM_CARD_STATES)[number];
export const SIM_REGISTRATIONS = ['home', 'roaming', 'searching', 'denied', 'not-searching', 'unknown'] as const;
export type SimRegistration = (typeof SIM_REGISTRATIONS)[number];
export type PortAction = (typeof PORT_ACTIONS)[number];

/** *100#, #123#, *101*1#: queries; anything starting ** or ## (registration, erasure of services) is not. */
const BALANCE_QUERY = /^[*#][0-9]{2,4}(\*[0-9]{1,2})?#$/;

/** The view without SIM identities. */
export function forViewer(v: LinesView): LinesView {
  return { ...v, modems: v.modems.map((m) => ({ ...m, imsi: null, iccid: null })) };
}

const body = (req: { body?: unknown }) => (req.body ?? {}) as Record<string, unknown>;
const PHONE = /^\+?[0-9]{3,20}$/;

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
        if (hasRole(ctx.actor, 'technician')) return void res.json({ ...lines.view(), sms: await d.store.sms.recent(50) });
        res.json({ ...forViewer(lines.view()), sms: [] });
      },
    },
    {
      method: 'post',
      path: '/api/lines/modems/:id/sms',
      access: 'technician',
      action: 'sms.send',
      handler: async (req, res, ctx) => {
        const { to, text } = body(req);
        if (typeof to !== 'string' || !PHONE.test(to)) return void res.status(400).json({ error: 'to: a phone number, an optional + and 3–20 digits' });
        if (typeof text !== 'string' || !text.trim() || [...text].length > 1000) return void res.status(400).json({ error: 'text: 1–1000 characters' });
        const modem = String(req.params.id);
        const r = await lines.queueSms(to, text, { tag: `test by ${ctx.actor.username ?? '?'}` }, modem);
        // Who sent what to whom: the audit names the number and the message.
        await d.accounts.audit(ctx.actor, { action: 'sms.send', target: modem, outcome: r.ok ? 'ok' : 'failed', detail: `to ${to}, ${[...text].length} characters${r.ok ? `, sms ${r.id}` : `: ${r.error}`}` });
        res.locals.audited = true;
        if (r.ok) res.status(202).json({ id: r.id });
        else res.status(/no modem/.test(r.error) ? 404 : 400).json({ error: r.error });
      },
    },
    {
      method: 'post',
      path: '/api/lines/modems/:id/ussd',
      access: 'technician',
      action: 'gsm.ussd',
      handler: async (req, res, ctx) => {
        const { code } = body(req);
        if (typeof code !== 'string' || !/^[0-9*#]{2,20}$/.test(code)) return void res.status(400).json({ error: 'code: 2–20 of 0-9 * #, e.g. *100#' });
        // Balance-style queries for technicians; codes that change the SIM's services (call forwarding **21*…#, ##002#) for admins only.
        if (!BALANCE_QUERY.test(code) && !hasRole(ctx.actor, 'admin')) {
          res.locals.error = `USSD ${code} needs the admin role`;
          return void res.status(403).json({ error: 'technicians may send balance-style codes such as *100# or #123#; other codes need an admin' });
        }
        const modem = String(req.params.id);
        const r = await lines.ussd(modem, code);
        await d.accounts.audit(ctx.actor, { action: 'gsm.ussd', target: modem, outcome: r.ok ? 'ok' : 'failed', detail: `${code}${r.ok ? '' : `: ${r.error}`}` });
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
        const { pin } = body(req);
        const modem = String(req.params.id);
        // The PIN is checked and used, never echoed: not in the answer, the audit row or a log line.
        if (typeof pin !== 'string' || !PIN_FORMAT.test(pin)) {
          res.locals.error = 'not a PIN of 4–8 digits';
          return void res.status(400).json({ error: 'pin: the SIM PIN, 4–8 digits' });
        }
        const r = await lines.enterPin(modem, pin, ctx.actor.username ?? '?');
        if (!r.ok) {
          res.locals.error = r.error;
          return void res.status(404).json({ error: r.error });
        }
        const taken = r.sim === 'ready';
        const outcome = !r.checked ? 'stored; the modem is busy, the SIM is checked when it is free' : taken ? 'the SIM took it' : (r.faults.find((f) => f.code === 'wrong-pin' || f.code === 'sim-puk')?.detail ?? `the SIM is ${r.sim}`);
        await d.accounts.audit(ctx.actor, { action: 'gsm.pin', target: modem, outcome: taken || !r.checked ? 'ok' : 'failed', detail: `SIM PIN entered${r.iccid ? ` for SIM ${r.iccid}` : ''}: ${outcome}` });
        res.locals.audited = true;
        // 202: stored, not yet tried (the answer does not say how the SIM took it).
        res.status(r.checked ? 200 : 202).json({ sim: r.sim, faults: r.faults, checked: r.checked });
      },
    },
  ];
  const sim = lines.sim;
  if (sim) {
    routes.push(
      {
        method: 'post',
        path: '/api/sim/modems/:id/sms',
        access: 'technician',
        action: 'sim.sms',
        handler: (req, res) => {
          const { from, text, order } = body(req);
          if (typeof from !== 'string' || !/^\+?[0-9]{3,20}$/.test(from)) return void res.status(400).json({ error: 'from: a phone number' });
          if (typeof text !== 'string' || !text || text.length > 2000) return void res.status(400).json({ error: 'text: 1–2000 characters' });
          if (order !== undefined && !(Array.isArray(order) && order.every((n) => Number.isInteger(n)))) return void res.status(400).json({ error: 'order: part numbers, e.g. [3,1,2]' });
          const r = sim.smsIn(String(req.params.id), from, text, order as number[] | undefined);
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
          const { state, pin, iccid } = body(req);
          if (!SIM_CARD_STATES.includes(state as SimCardAction)) return void res.status(400).json({ error: `state: one of ${SIM_CARD_STATES.join(', ')}` });
          if (pin !== undefined && (typeof pin !== 'string' || !PIN_FORMAT.test(pin))) return void res.status(400).json({ error: 'pin: 4–8 digits' });
          if (iccid !== undefined && (typeof iccid !== 'string' || !/^\d{18,20}$/.test(iccid))) return void res.status(400).json({ error: 'iccid: 18–20 digits' });
          const r = sim.card(String(req.params.id), { state: state as SimCardAction, ...(pin === undefined ? {} : { pin }), ...(iccid === undefined ? {} : { iccid }) });
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
          const { registration, rssi } = body(req);
          if (registration !== undefined && !SIM_REGISTRATIONS.includes(registration as SimRegistration)) return void res.status(400).json({ error: `registration: one of ${SIM_REGISTRATIONS.join(', ')}` });
          const rssiOk = Number.isInteger(rssi) && (((rssi as number) >= 0 && (rssi as number) <= 31) || rssi === 99);
          if (rssi !== undefined && !rssiOk) return void res.status(400).json({ error: 'rssi: 0–31, or 99 (unknown)' });
          const r = sim.network(String(req.params.id), { ...(registration === undefined ? {} : { registration: registration as SimRegistration }), ...(rssi === undefined ? {} : { rssi: rssi as number }) });
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
          const { action } = body(req);
          const n = Number(req.params.n);
          if (!PORT_ACTIONS.includes(action as PortAction)) return void res.status(400).json({ error: `action: one of ${PORT_ACTIONS.join(', ')}` });
          if (!Number.isInteger(n) || n < 1) return void res.status(400).json({ error: 'port: a number from 1' });
          const r = sim.port(String(req.params.id), n, action as PortAction);
          if (r.ok) res.json(r);
          else res.status(404).json({ error: r.error });
        },
      },
    );
  }
  return routes;
}
