// Server-sent events for the UI: a snapshot on connect, then changes from the
// event bus. The stream ends when the session does.
import type { ApiDeps, RouteDef } from '../route.js';
import { forViewer } from './lines.js';

const PING_MS = 25_000;

export function eventRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/events',
      access: 'session',
      handler: (req, res, ctx) => {
        res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
        res.flushHeaders();
        const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        res.write('retry: 3000\n\n');
        send('health', d.health.snapshot());
        const offs = [d.bus.on('health', (h) => send('health', h)), d.bus.on('channel', (c) => send('channel', c)), d.bus.on('call', (c) => send('call', c)), d.bus.on('alarm', (a) => send('alarm', a)), d.bus.on('fault', (f) => send('fault', f)), d.bus.on('board', (b) => send('board', b))];
        const tech = ctx.actor.role === 'admin' || ctx.actor.role === 'technician';
        offs.push(d.bus.on('lines', (l) => send('lines', tech ? l : forViewer(l))));
        // SMS texts are for technicians.
        if (tech) offs.push(d.bus.on('sms', (m) => send('sms', m)));
        if (tech) offs.push(d.bus.on('audit', (a) => send('audit', a)));
        if (tech) offs.push(d.bus.on('routing', (r) => send('routing', r)));
        const token = ctx.session!.tokenHash;
        const ping = setInterval(() => {
          void d.store.sessions.get(token).then((s) => {
            if (!s) res.end();
            else send('ping', { ts: new Date().toISOString() });
          }, () => res.end());
        }, PING_MS);
        const close = () => {
          clearInterval(ping);
          for (const off of offs) off();
        };
        req.on('close', close);
        res.on('close', close);
      },
    },
  ];
}
