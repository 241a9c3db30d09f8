// Commands from central about calls: originate (the called party is parked
// when it answers; central then bridges or hangs up) and hangup. Registered by
// the composition root on the uplink through the RegisterCommand interface.
import { z } from 'zod';
import type { CommandResult, RegisterCommand } from '../contracts/commands.js';
import type { CommandOutcome } from './gateway.js';
import type { OriginateOptions } from './commands/builders.js';
import { HANGUP_CAUSES, type HangupCause } from './commands/grammar.js';

/** The part of the gateway these commands need. */
export interface PbxCommands {
  originate(o: OriginateOptions): Promise<CommandOutcome<{ uuid: string }>>;
  hangup(uuid: string, cause?: HangupCause): Promise<CommandOutcome<void>>;
}

// Strings are only bounded here; their grammar (digits, gateway names, UUIDs)
// is the PBX command builder's, which refuses bad values with a message naming
// the field — that message is the command's error.
const text = (max: number) => z.string().max(max);

export const originateCommand = z.strictObject({
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('extension'), number: text(40) }),
    z.strictObject({ kind: z.literal('gateway'), number: text(40), gateway: text(63) }),
    z.strictObject({ kind: z.literal('gsm'), number: text(40) }),
  ]),
  callerIdName: text(80).optional(),
  timeoutS: z.number().int().min(1).max(120).optional(),
});

export const hangupCommand = z.strictObject({
  uuid: text(64),
  cause: z.enum(HANGUP_CAUSES).optional(),
});

function fromOutcome<T>(r: CommandOutcome<T>): CommandResult {
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: `${r.reason}: ${r.message}` };
}

export function registerPbxCommands(register: RegisterCommand, pbx: PbxCommands): Array<() => void> {
  return [
    register('originate', originateCommand, async (d) => {
      const o: OriginateOptions = { target: d.target, app: { app: 'park' } };
      if (d.callerIdName !== undefined) o.callerIdName = d.callerIdName;
      if (d.timeoutS !== undefined) o.timeoutS = d.timeoutS;
      return fromOutcome(await pbx.originate(o));
    }),
    register('hangup', hangupCommand, async (d) => fromOutcome(await pbx.hangup(d.uuid, d.cause))),
  ];
}
