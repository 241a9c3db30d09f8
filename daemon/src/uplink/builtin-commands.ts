// The command the uplink answers itself: get-status (health and backlog).
// Commands about alarms, calls and lines belong to the services that own them,
// which register them through the same interface (contracts/commands.ts).
import { z } from 'zod';
import type { RegisterCommand } from '../contracts/commands.js';
import type { Health } from '../contracts/health.js';

export interface Backlog {
  count: number;
  oldestTs: string | null;
  dropped: { call: number; event: number };
}

export function registerBuiltins(register: RegisterCommand, deps: { health: () => Health; backlog: () => Promise<Backlog> }): Array<() => void> {
  return [register('get-status', z.strictObject({}), async () => ({ ok: true, value: { health: deps.health(), backlog: await deps.backlog() } }))];
}
