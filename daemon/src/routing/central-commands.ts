// Commands from central about routing: night-mode (audited, with who from
// central's message). Registered on the uplink before it starts, through the
// RegisterCommand interface (no import of the uplink).
import type { RegisterCommand } from '../contracts/commands.js';
import { nightModeCommand } from '../contracts/routing.js';
import type { RoutingService } from './routing-service.js';

export function registerRoutingCommands(register: RegisterCommand, routing: Pick<RoutingService, 'setNightMode'>): Array<() => void> {
  return [
    register('night-mode', nightModeCommand, async (d) => {
      const state = await routing.setNightMode(d.mode, { username: `central${d.by ? `:${d.by}` : ''}`, role: null, ip: null });
      return { ok: true, value: state };
    }),
  ];
}
