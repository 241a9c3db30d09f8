// Runtime settings that technicians tune from the UI (the YAML file holds the
// installation's fixed configuration).
import type { ApiDeps, RouteDef } from '../route.js';

const KEY_RE = /^[a-z][a-z0-9_.-]{0,63}$/;
const MAX_VALUE_BYTES = 4096;
/** Keys the daemon manages itself; not writable over the API. */
const RESERVED = /^(setup|system)\./;

export function settingsRoutes(d: ApiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/settings',
      access: 'viewer',
      handler: async (_req, res) => {
        res.json({ settings: (await d.store.settings.list()).filter((s) => !RESERVED.test(s.key)) });
      },
    },
    {
      method: 'put',
      path: '/api/settings/:key',
      access: 'technician',
      action: 'setting.set',
      handler: async (req, res, ctx) => {
        const key = String(req.params.key);
        if (!KEY_RE.test(key) || RESERVED.test(key)) {
          res.locals.error = 'bad key';
          res.status(400).json({ error: 'a setting key is 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter, and not setup.* or system.*' });
          return;
        }
        const body = (req.body ?? {}) as { value?: unknown };
        if (!('value' in body)) {
          res.status(400).json({ error: 'the body must be { "value": … }' });
          return;
        }
        const text = JSON.stringify(body.value);
        if (Buffer.byteLength(text) > MAX_VALUE_BYTES) {
          res.status(400).json({ error: `a setting value must be at most ${MAX_VALUE_BYTES} bytes of JSON` });
          return;
        }
        // The value and its audit row commit together: a 200 means both are on disk.
        const entry = await d.store.tx(async (q) => {
          await q.settings.set(key, body.value, ctx.actor.username);
          return d.accounts.audit(ctx.actor, { action: 'setting.set', target: key, outcome: 'ok' }, q);
        });
        d.bus.emit('audit', entry);
        res.locals.audited = true;
        res.json({ key, value: body.value });
      },
    },
  ];
}
