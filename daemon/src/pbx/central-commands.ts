// Commands from central about calls: originate (the called party is parked
// when it answers; central then bridges or hangs up) to what the configuration
// allows, and hangup. Registered by the composition root on the uplink
// through the RegisterCommand interface.
import { z } from 'zod';
import type { Config } from '../config/schema.js';
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

/**
 * What central may have called: configured phones; outside numbers only
 * through gateways the escalation plans use (never a gateway name from the
 * command), and only numbers the plans call or `central.originateNumbers`
 * lists. A signed command is still central's word, not a blank cheque: a
 * leaked key must not be toll fraud through any trunk.
 */
export interface OriginateAllowList {
  extensions: ReadonlySet<string>;
  gateways: ReadonlySet<string>;
  numbers: ReadonlySet<string>;
}

export function originateAllowList(config: Pick<Config, 'phones' | 'plans' | 'central'>): OriginateAllowList {
  const targets = config.plans.flatMap((p) => p.targets);
  return {
    extensions: new Set(config.phones.map((p) => p.number)),
    gateways: new Set(targets.flatMap((t) => ('gateway' in t ? [t.gateway] : []))),
    numbers: new Set([...config.central.originateNumbers, ...targets.flatMap((t) => ('gateway' in t ? [t.number] : 'gsm' in t ? [t.gsm] : []))]),
  };
}

/** Why central may not call this target, or undefined when it may. */
export function originateRefusal(target: z.output<typeof originateCommand>['target'], allow: OriginateAllowList): string | undefined {
  // Values are quoted: they come from the command and may hold anything (the grammar has not seen them yet).
  const shown = (v: string) => JSON.stringify(v.slice(0, 63));
  const notCallable = `is not a number central may call (central.originateNumbers, or an escalation plan's)`;
  switch (target.kind) {
    case 'extension':
      return allow.extensions.has(target.number) ? undefined : `target.number: ${shown(target.number)} is not a configured phone`;
    case 'gateway':
      if (!allow.gateways.has(target.gateway)) return `target.gateway: ${shown(target.gateway)} is not a gateway of the configuration (${[...allow.gateways].join(', ') || 'none'})`;
      return allow.numbers.has(target.number) ? undefined : `target.number: ${shown(target.number)} ${notCallable}`;
    case 'gsm':
      return allow.numbers.has(target.number) ? undefined : `target.number: ${shown(target.number)} ${notCallable}`;
  }
}

/** `allow` is asked at each command: what central may call follows the configuration as it is applied. */
export function registerPbxCommands(register: RegisterCommand, pbx: PbxCommands, allow: () => OriginateAllowList): Array<() => void> {
  return [
    register('originate', originateCommand, async (d) => {
      const refusal = originateRefusal(d.target, allow());
      if (refusal) return { ok: false, error: `not allowed: ${refusal}` };
      const o: OriginateOptions = { target: d.target, app: { app: 'park' } };
      if (d.callerIdName !== undefined) o.callerIdName = d.callerIdName;
      if (d.timeoutS !== undefined) o.timeoutS = d.timeoutS;
      return fromOutcome(await pbx.originate(o));
    }),
    register('hangup', hangupCommand, async (d) => fromOutcome(await pbx.hangup(d.uuid, d.cause))),
  ];
}
