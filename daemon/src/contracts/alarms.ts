// Emergency alarms on every wire: GET /api/alarms, the SSE `alarm` event, the
// MQTT `alarm` message's state, and the commands that acknowledge and clear.
import { z } from 'zod';
import { alarmId, ident, isoTime, who } from './patterns.js';
import { phraseSchema } from './phrase.js';
import { ACK_SOURCES, ALARM_STATES, CLEAR_SOURCES, ROLES, type SELF_TEST_SOURCES } from './values.js';

export const alarmState = z.enum(ALARM_STATES);
export type { AlarmState } from './values.js';
export type AckSource = (typeof ACK_SOURCES)[number];
export type ClearSource = (typeof CLEAR_SOURCES)[number];

export const alarm = z.object({
  /** e.g. A-20261125-3 */
  id: z.string(),
  pointId: z.string(),
  zone: z.string(),
  state: alarmState,
  test: z.boolean(),
  raisedAt: isoTime,
  updatedAt: isoTime,
  presses: z.number(),
  attempts: z.number(),
  /** Whom it is calling now, e.g. "extension 8000". */
  target: z.string().nullable(),
  callUuid: z.string().nullable(),
  connectedAt: isoTime.nullable(),
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  ackSource: z.enum(ACK_SOURCES).nullable(),
  clearedAt: isoTime.nullable(),
  clearedBy: z.string().nullable(),
  clearSource: z.enum(CLEAR_SOURCES).nullable(),
});
export type Alarm = z.infer<typeof alarm>;

/** A configured call point as the UI lists it. */
export const callPointView = z.object({ id: z.string(), label: z.string(), location: z.string(), zone: z.string(), input: z.string() });
export type CallPointView = z.infer<typeof callPointView>;

export type SelfTestSource = (typeof SELF_TEST_SOURCES)[number];

/** The last self-test: a test alarm sent to central without calling anyone. */
export const selfTestResult = z.object({
  alarmId: z.string(),
  pointId: z.string(),
  /** periodic, technician or central. */
  source: z.string(),
  startedAt: isoTime,
  /** true passed, false failed, null still waiting for central's broker. */
  ok: z.boolean().nullable(),
  /** In English. */
  detail: z.string(),
  /** The detail in any language (contracts/phrases); absent in results stored before it existed. */
  phrase: phraseSchema.optional(),
  /** Who ran it (a user name, central:<who>, system) and, for a person, the role they had. */
  by: z.string().optional(),
  role: z.enum(ROLES).nullable().optional(),
});
export type SelfTestResult = z.infer<typeof selfTestResult>;

/** GET /api/alarms */
export const alarmList = z.object({
  open: z.array(alarm),
  recent: z.array(alarm),
  points: z.array(callPointView),
  /** Simulation mode: the simulated dispatch desk and the key that acknowledges; null on a real installation. */
  simulation: z.object({ dispatcher: z.string().nullable(), ackDigit: z.string() }).nullable(),
  selfTest: selfTestResult.nullable(),
});
export type AlarmList = z.infer<typeof alarmList>;

/** POST /api/sim/inputs/:id/press|release (simulation mode). */
export const simInputResult = z.union([z.object({ ok: z.literal(true), input: z.string(), alarmId: z.string().optional() }), z.object({ ok: z.literal(false), error: z.string() })]);
export type SimInputResult = z.infer<typeof simInputResult>;

/** POST /api/points/:id/test → 202 */
export const selfTestStarted = z.object({ alarmId: z.string() });
export type SelfTestStarted = z.infer<typeof selfTestStarted>;

/** MQTT cmd/ack-alarm and cmd/clear-alarm. */
export const ackAlarmCommand = z.strictObject({ alarmId, by: who.optional() });
export const clearAlarmCommand = z.strictObject({ alarmId, by: who.optional() });
/** MQTT cmd/self-test. */
export const selfTestCommand = z.strictObject({ pointId: ident('a point id').optional(), by: who.optional() });
/** The answer to those commands. */
export const alarmCommandResult = z.object({ alarmId: z.string(), state: alarmState });
