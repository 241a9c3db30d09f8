// The command the uplink answers itself: get-status (health, backlog, and the
// load on every bounded queue: commands, HTTP, event streams, the database).
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

export function registerBuiltins(register: RegisterCommand, deps: { health: () => Health; backlog: () => Promise<Backlog>; load: () => Record<string, unknown> }): Array<() => void> {
  return [register('get-status', z.strictObject({}), async () => ({ ok: true, value: { health: deps.health(), backlog: await deps.backlog(), load: deps.load() } }))];
}
