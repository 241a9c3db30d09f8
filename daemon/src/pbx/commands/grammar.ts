// The strict grammar every value must pass before it reaches a FreeSWITCH
// command. An event-socket command ends at a newline and a blank line starts
// the next one; inside originate, ',' separates variables and legs, '{' '}'
// '[' ']' delimit variable blocks, '&' starts an application, '|' and ':_:'
// join dial strings, '^^' changes the delimiter, quotes and spaces split
// arguments, and '${…}' expands. None of those may come from a value: each
// field has a whitelist of what it can hold, and anything else is refused
// with a message naming the field, before a single byte is sent.

import { CALLER_NUMBER_MESSAGE, CALLER_NUMBER_RE, EXTENSION_MESSAGE, EXTENSION_RE, IDENT_RE, PHONE_NUMBER_MESSAGE, PHONE_NUMBER_RE } from '../../contracts/values.js';

export class CommandValueError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    why: string,
  ) {
    super(`${field}: ${why} (got ${describe(value)})`);
    this.name = 'CommandValueError';
  }
}

function describe(v: unknown): string {
  if (typeof v !== 'string') return typeof v;
  const shown = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return shown;
}

function check(field: string, value: unknown, re: RegExp, why: string): string {
  if (typeof value !== 'string') throw new CommandValueError(field, value, `must be text, ${why}`);
  if (!re.test(value)) throw new CommandValueError(field, value, why);
  return value;
}

/** An internal extension: 2–8 digits. */
export const extension = (field: string, v: unknown) => check(field, v, EXTENSION_RE, EXTENSION_MESSAGE);

/** A number on a trunk: optional leading +, 3–20 digits. */
export const phoneNumber = (field: string, v: unknown) => check(field, v, PHONE_NUMBER_RE, PHONE_NUMBER_MESSAGE);

/** A caller-ID number as shown to the called party: optional +, then up to 20 digits, * or #. */
export const callerNumber = (field: string, v: unknown) => check(field, v, CALLER_NUMBER_RE, CALLER_NUMBER_MESSAGE);

/** A channel or job UUID, lower-case canonical form. */
export const uuid = (field: string, v: unknown) =>
  check(field, v, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a UUID looks like 0b6f…-…-…-…-… (lower-case hex)');

/** Names we give things in FreeSWITCH: gateways, ring groups, conferences, domains' labels. */
export const name = (field: string, v: unknown) => check(field, v, IDENT_RE, 'a name is 1–63 of a-z, 0-9, "_" or "-"');

/** A domain for user/ and group/ dial strings. */
export const domain = (field: string, v: unknown) => check(field, v, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, 'a domain is dot-separated labels of a-z, 0-9 and "-"');

/** A caller-ID name: letters (any script), digits, "_", "." and "-"; no spaces (FreeSWITCH splits on them). */
export const callerName = (field: string, v: unknown) => check(field, v, /^[\p{L}\p{N}_.-]{1,40}$/u, 'a caller-ID name is 1–40 letters, digits, "_", "." or "-" (use "_" for spaces)');

/** A channel variable name. */
export const variableName = (field: string, v: unknown) => check(field, v, /^[a-z][a-z0-9_]{0,63}$/, 'a variable name is a-z, 0-9 and "_", starting with a letter');

/**
 * A channel variable value: letters, digits and a few safe marks. No ':'
 * either: FreeSWITCH looks for the enterprise-originate separator ":_:" in the
 * whole dial string, variable block included.
 */
export const variableValue = (field: string, v: unknown) => check(field, v, /^[\p{L}\p{N}_.@+/-]{0,128}$/u, 'a variable value may hold letters, digits and _ . @ + / - only (at most 128)');

/** DTMF digits, with w/W pauses. */
export const dtmf = (field: string, v: unknown) => check(field, v, /^[0-9*#A-DwW]{1,32}$/, 'DTMF is 1–32 of 0-9 * # A-D (w/W to pause)');

/** A file name we create (recordings, prompts): no directories. */
export const fileName = (field: string, v: unknown) => check(field, v, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(wav|mp3)$/, 'a file name is letters, digits, "_", "." or "-" ending in .wav or .mp3');

/** An absolute path built by us from a checked directory and a checked file name. */
export const absolutePath = (field: string, v: unknown) => check(field, v, /^(\/[A-Za-z0-9_.-]+)+$/, 'a path is absolute, made of letters, digits, "_", "." and "-"');

/** A conference member id. */
export const memberId = (field: string, v: unknown) => {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1e9) return String(v);
  return check(field, v, /^[1-9][0-9]{0,8}$/, 'a member id is a positive whole number');
};

/** Seconds within a range. */
export function seconds(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new CommandValueError(field, v, `must be a whole number of seconds from ${min} to ${max}`);
  return v;
}

/** The hangup causes Callpoint may send (Q.850 names as FreeSWITCH spells them). */
export const HANGUP_CAUSES = [
  'NORMAL_CLEARING', 'USER_BUSY', 'NO_ANSWER', 'CALL_REJECTED', 'ORIGINATOR_CANCEL', 'NORMAL_TEMPORARY_FAILURE',
  'MANAGER_REQUEST', 'PRE_EMPTED', 'ALLOTTED_TIMEOUT', 'NO_USER_RESPONSE', 'UNALLOCATED_NUMBER', 'SUBSCRIBER_ABSENT',
] as const;
export type HangupCause = (typeof HANGUP_CAUSES)[number];
export function hangupCause(field: string, v: unknown): HangupCause {
  if (!HANGUP_CAUSES.includes(v as HangupCause)) throw new CommandValueError(field, v, `must be one of ${HANGUP_CAUSES.join(', ')}`);
  return v as HangupCause;
}
