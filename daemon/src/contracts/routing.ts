// Routing on the wire: a routing decision with the trace that explains it
// (POST /api/routing/test, `callpoint route test --json`, the log), the state
// of the trunks, the black/white list entries people manage, night mode.
import { z } from 'zod';
import { isoTime } from './patterns.js';
import { CALL_CLASSES, CALL_PRIORITIES, DIALLED_MESSAGE, DIALLED_RE, LIST_NUMBER_RE, NIGHT_MODES, REFUSAL_TONES, RING_STRATEGIES, TRUNK_KINDS } from './values.js';

export const callClass = z.enum(CALL_CLASSES);
export const callPriority = z.enum(CALL_PRIORITIES);

/** Where a routed call goes, in the order it is tried. */
export const routeDestination = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('extension'), number: z.string() }),
  z.object({ kind: z.literal('ring-group'), extensions: z.array(z.string()), strategy: z.enum(RING_STRATEGIES), ringS: z.number() }),
  /** number: as the trunk wants it written; callerId: what the called party sees (null: unchanged). */
  z.object({ kind: z.literal('trunk'), trunk: z.string(), trunkKind: z.enum(TRUNK_KINDS), number: z.string(), callerId: z.string().nullable() }),
  z.object({ kind: z.literal('conference'), name: z.string() }),
  z.object({ kind: z.literal('ivr'), id: z.string() }),
  /** skill: what the call needs (the skill strategy's agent choice), null: any agent; emergency: ahead of every queue. */
  z.object({ kind: z.literal('queue'), id: z.string(), skill: z.string().nullable(), emergency: z.boolean() }),
  z.object({ kind: z.literal('announcement'), name: z.string() }),
]);
export type RouteDestination = z.infer<typeof routeDestination>;

/** One step of a decision: a rule passed over or taken, a permission, a list, a schedule, a trunk skipped or used. */
export const traceStep = z.object({
  step: z.enum(['number', 'emergency', 'rule', 'schedule', 'permission', 'list', 'trunk', 'preempt', 'destination']),
  /** The rule, list, schedule or trunk id the step is about. */
  subject: z.string().nullable(),
  result: z.enum(['passed', 'matched', 'allowed', 'refused', 'skipped', 'used', 'open', 'closed']),
  why: z.string(),
});
export type TraceStep = z.infer<typeof traceStep>;

/** What a refused caller gets: a tone then the hang-up, an immediate decline, busy, or an announcement. */
export const treatment = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tone'), tone: z.enum(REFUSAL_TONES) }),
  z.object({ kind: z.literal('reject') }),
  z.object({ kind: z.literal('busy') }),
  z.object({ kind: z.literal('announcement'), name: z.string() }),
]);
export type Treatment = z.infer<typeof treatment>;

export const routeDecision = z.object({
  decision: z.enum(['route', 'refuse']),
  /**
   * The rule that decided: a rule id of routes[], or a built-in one —
   * `emergency`, `extension` (a phone dialled, no rule), `dispatch` (the dispatch
   * number), `inbound:<trunk>` / `did:<trunk>:<number>` (a call from a trunk) —
   * or null when no rule was reached (an invalid number, no route).
   */
  rule: z.string().nullable(),
  /** The class of the number (emergency for an emergency number), null when not classified. */
  class: z.union([callClass, z.literal('emergency')]).nullable(),
  /** The number as routed (after the rule's strip and prepend). */
  number: z.string(),
  destinations: z.array(routeDestination),
  /** Why the call is refused (null when routed). */
  reason: z.string().nullable(),
  treatment: treatment.nullable(),
  record: z.boolean(),
  priority: callPriority,
  /** Trunks of the destination that were not offered the call, and why (dead, full). */
  skipped: z.array(z.object({ trunk: z.string(), reason: z.string() })),
  /** 强拆: the outside call released for this emergency call. */
  preempt: z.object({ uuid: z.string(), trunk: z.string(), priority: callPriority }).nullable(),
  trace: z.array(traceStep),
});
export type RouteDecision = z.infer<typeof routeDecision>;

const dialled = z.string().regex(DIALLED_RE, DIALLED_MESSAGE);

/** POST /api/routing/test: what would happen to this call (now, or at `at`). */
export const routeTestBody = z.strictObject({
  /** An extension (outbound) or the caller's number (inbound, with `trunk`). */
  from: z.union([dialled, z.literal('')]),
  to: dialled,
  /** ISO-8601; default now. */
  at: z.string().datetime({ offset: true }).optional(),
  /** Test a call that arrives from this trunk. */
  trunk: z.string().max(63).optional(),
});
export type RouteTestBody = z.infer<typeof routeTestBody>;

export const trunkStatus = z.object({
  id: z.string(),
  name: z.string().nullable(),
  kind: z.enum(TRUNK_KINDS),
  up: z.boolean(),
  /** Why it is down, or what makes it up (registered, line voltage, signal). */
  detail: z.string(),
  capacity: z.number(),
  inUse: z.number(),
});
export type TrunkStatus = z.infer<typeof trunkStatus>;

/** A list entry as the UI shows it: from the configuration file or added at run time. */
export const listEntryView = z.object({
  id: z.number().nullable(),
  list: z.string(),
  number: z.string().nullable(),
  prefix: z.string().nullable(),
  reason: z.string().nullable(),
  expires: z.string().nullable(),
  source: z.enum(['config', 'runtime']),
  addedBy: z.string().nullable(),
  addedAt: isoTime.nullable(),
  hits: z.number(),
  lastHitAt: isoTime.nullable(),
});
export type ListEntryView = z.infer<typeof listEntryView>;

const listNumber = z.string().regex(LIST_NUMBER_RE, 'a number or prefix is an optional + and 1–24 digits');
export const addListEntryBody = z
  .strictObject({
    number: listNumber.optional(),
    prefix: listNumber.optional(),
    reason: z.string().max(120).optional(),
    expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD').optional(),
  })
  .refine((e) => (e.number === undefined) !== (e.prefix === undefined), { message: 'give either number or prefix (exactly one)' });
export type AddListEntryBody = z.infer<typeof addListEntryBody>;

export const nightModeBody = z.strictObject({ mode: z.enum(NIGHT_MODES) });
export const nightModeCommand = z.strictObject({ mode: z.enum(NIGHT_MODES), by: z.string().max(64).optional() });
export const nightModeState = z.object({ mode: z.enum(NIGHT_MODES), by: z.string().nullable(), at: isoTime.nullable() });
export type NightModeState = z.infer<typeof nightModeState>;

export const routingView = z.object({
  trunks: z.array(trunkStatus),
  night: nightModeState,
  lists: z.array(z.object({ id: z.string(), name: z.string().nullable(), kind: z.string(), direction: z.string(), treatment: z.string(), entries: z.number() })),
  /**
   * open: with night mode applied; why: the schedule's reason, or night mode's.
   * next: when the schedule itself next opens or closes (ignoring night mode), within 8 days, else null.
   */
  schedules: z.array(z.object({ id: z.string(), name: z.string().nullable(), open: z.boolean(), why: z.string(), next: isoTime.nullable() })),
});
export type RoutingView = z.infer<typeof routingView>;
