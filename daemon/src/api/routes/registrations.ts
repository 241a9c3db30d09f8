// Which phones are registered with FreeSWITCH, from where, since when — and
// which configured phone is not.
import type { RegistrationList } from '../../contracts/registrations.js';
import type { ApiDeps, RouteDef } from '../route.js';

export function registrationRoutes(d: ApiDeps): RouteDef[] {
  const pbx = d.pbx;
  if (!pbx) return [];
  return [
    {
      method: 'get',
      path: '/api/registrations',
      access: 'technician',
      handler: async (_req, res) => {
        const phones = d.phones?.() ?? [];
        const r = pbx.connected ? await pbx.registrations() : undefined;
        const regs = r?.ok ? r.value : [];
        const body: RegistrationList = {
          connected: !!r?.ok,
          registrations: regs,
          phones: phones.map((p) => ({ ...p, registered: regs.some((x) => x.user === p.number) })),
        };
        if (r && !r.ok) res.locals.error = r.message;
        res.json(body);
      },
    },
  ];
}
