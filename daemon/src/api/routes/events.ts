// Server-sent events for the UI: a snapshot on connect, then changes from the
// event bus. The stream ends when the session does.
//
// Bounded: at most PER_SESSION streams per session (a UI tab needs one; a few
// tabs are fine) and MAX_STREAMS in all; past that a new stream is refused
// (429 for the session, 503 overall). A client that does not read its stream
// is cut off once MAX_BUFFERED bytes wait for it, instead of the daemon
// holding every event for it in memory.
import type { ApiDeps, RouteDef } from '../route.js';
import { forViewer } from './lines.js';

const PING_MS = 25_000;
export const PER_SESSION = 4;
export const MAX_STREAMS = 32;
export const MAX_BUFFERED = 512 * 1024;

export interface StreamStats {
  streams: number;
  peakStreams: number;
  refused: number;
  cutOff: number;
}

/**
 * The text of one event, made once however many streams carry it: every
 * stream is handed the same payload object by the bus, so the last text per
 * event name is reused while the payload is the same (a busy switch sends a
 * thousand channel events a second).
 */
function framer(): (event: string, data: unknown) => string {
  const last = new Map<string, { data: unknown; text: string }>();
  return (event, data) => {
    const hit = last.get(event);
    if (hit && hit.data === data) return hit.text;
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    last.set(event, { data, text });
    return text;
  };
}

export function eventRoutes(d: ApiDeps): RouteDef[] {
  const bySession = new Map<string, number>();
  const frame = framer();
  const stats: StreamStats = { streams: 0, peakStreams: 0, refused: 0, cutOff: 0 };
  d.load?.set('eventStreams', () => ({ ...stats }));
  return [
    {
      method: 'get',
      path: '/api/events',
      access: 'session',
      handler: (req, res, ctx) => {
        const token = ctx.session!.tokenHash;
        const mine = bySession.get(token) ?? 0;
        if (mine >= PER_SESSION || stats.streams >= MAX_STREAMS) {
          stats.refused++;
          res.locals.error = mine >= PER_SESSION ? 'too many event streams for this session' : 'too many event streams';
          res.set('Retry-After', '5');
          res.status(mine >= PER_SESSION ? 429 : 503).json({ error: mine >= PER_SESSION ? `at most ${PER_SESSION} event streams per session: close another tab` : 'too many event streams open; try again shortly' });
          return;
        }
        bySession.set(token, mine + 1);
        stats.streams++;
        stats.peakStreams = Math.max(stats.peakStreams, stats.streams);
        res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
        res.flushHeaders();
        // Writes of one turn of the event loop go out as one (corked until the next).
        let corked = false;
        const send = (event: string, data: unknown) => {
          if (res.destroyed) return;
          if (res.writableLength > MAX_BUFFERED) {
            stats.cutOff++;
            res.destroy();
            return;
          }
          if (!corked) {
            corked = true;
            res.cork();
            setImmediate(() => {
              corked = false;
              res.uncork();
            });
          }
          res.write(frame(event, data));
        };
        res.write('retry: 3000\n\n');
        send('health', d.health.snapshot());
        const offs = [d.bus.on('health', (h) => send('health', h)), d.bus.on('channel', (c) => send('channel', c)), d.bus.on('call', (c) => send('call', c)), d.bus.on('alarm', (a) => send('alarm', a)), d.bus.on('fault', (f) => send('fault', f)), d.bus.on('board', (b) => send('board', b)), d.bus.on('config', (c) => send('config', c)), d.bus.on('walk-test', (w) => send('walk-test', w)), d.bus.on('desk', (q) => send('desk', q))];
        const tech = ctx.actor.role === 'admin' || ctx.actor.role === 'technician';
        offs.push(d.bus.on('lines', (l) => send('lines', tech ? l : forViewer(l))));
        // SMS texts are for technicians.
        if (tech) offs.push(d.bus.on('sms', (m) => send('sms', m)));
        if (tech) offs.push(d.bus.on('audit', (a) => send('audit', a)));
        if (tech) offs.push(d.bus.on('routing', (r) => send('routing', r)));
        const ping = setInterval(() => {
          void d.store.sessions.get(token).then((s) => {
            if (!s) res.end();
            else send('ping', { ts: new Date().toISOString() });
          }, () => res.end());
        }, PING_MS);
        let closed = false;
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(ping);
          for (const off of offs) off();
          stats.streams--;
          const left = (bySession.get(token) ?? 1) - 1;
          if (left > 0) bySession.set(token, left);
          else bySession.delete(token);
        };
        req.on('close', close);
        res.on('close', close);
      },
    },
  ];
}
