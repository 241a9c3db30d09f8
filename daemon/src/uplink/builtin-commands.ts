// The commands the uplink answers itself: get-status, and originate/hangup
// through the PBX. Alarm commands (ack-alarm, clear-alarm, self-test) belong to
// the alarm service, which registers them; until then they are unknown.
import { z } from 'zod';
import type { Health } from '../health/health.js';
import type { CommandOutcome } from '../pbx/gateway.js';
import type { OriginateOptions } from '../pbx/commands/builders.js';
import { HANGUP_CAUSES, type HangupCause } from '../pbx/commands/grammar.js';
import type { CommandRegistry, CommandResult } from './commands.js';

/** The part of FreeswitchGateway the uplink needs. */
export interface PbxCommands {
  originate(o: OriginateOptions): Promise<CommandOutcome<{ uuid: string }>>;
  hangup(uuid: string, cause?: HangupCause): Promise<CommandOutcome<void>>;
}

export interface Backlog {
  count: number;
  oldestTs: string | null;
  dropped: { call: number; event: number };
}

// Strings are only bounded here; their grammar (digits, gateway names, UUIDs)
// is the PBX command builder's, which refuses bad values with a message naming
// the field — that message is the command's error.
const text = (max: number) => z.string().max(max);

export const originateSchema = z.strictObject({
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('extension'), number: text(40) }),
    z.strictObject({ kind: z.literal('gateway'), number: text(40), gateway: text(63) }),
    z.strictObject({ kind: z.literal('gsm'), number: text(40) }),
  ]),
  callerIdName: text(80).optional(),
  timeoutS: z.number().int().min(1).max(120).optional(),
});

export const hangupSchema = z.strictObject({
  uuid: text(64),
  cause: z.enum(HANGUP_CAUSES).optional(),
});

function fromOutcome<T>(r: CommandOutcome<T>): CommandResult {
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: `${r.reason}: ${r.message}` };
}

export function registerBuiltins(registry: CommandRegistry, deps: { health: () => Health; backlog: () => Promise<Backlog>; pbx?: PbxCommands }): Array<() => void> {
  const off = [
    registry.register('get-status', z.strictObject({}), async () => ({ ok: true, value: { health: deps.health(), backlog: await deps.backlog() } })),
  ];
  const pbx = deps.pbx;
  if (pbx) {
    off.push(
      registry.register('originate', originateSchema, async (d) => {
        // The called party is parked when it answers; central then bridges or hangs up.
        const o: OriginateOptions = { target: d.target, app: { app: 'park' } };
        if (d.callerIdName !== undefined) o.callerIdName = d.callerIdName;
        if (d.timeoutS !== undefined) o.timeoutS = d.timeoutS;
        return fromOutcome(await pbx.originate(o));
      }),
      registry.register('hangup', hangupSchema, async (d) => fromOutcome(await pbx.hangup(d.uuid, d.cause))),
    );
  }
  return off;
}
