// The MQTT contract with central (ARCHITECTURE.md "MQTT"): topic root
// callpoint/v1/{site}/{node}/, the envelope every message travels in, and per
// message type (the topic's last part) what `data` holds. Producers are typed
// by this map (OutboxRepo.enqueue), so a message central has not been told
// about cannot be written.
import { z } from 'zod';
import { alarm } from './alarms.js';
import { callRecord, failoverStep } from './calls.js';
import { health } from './health.js';
import { isoTime } from './patterns.js';
import { phraseSchema } from './phrase.js';

/**
 * Envelope version. 2: `status` and `cmd-result` are enveloped like every
 * other message (version 1 sent them bare), and every envelope carries `v`.
 */
export const ENVELOPE_VERSION = 2;

export const topicRoot = (site: string, node: string) => `callpoint/v1/${site}/${node}/`;

/** `alarm`: the alarm as it now stands, what just happened, and where the point is. */
export const alarmMessage = alarm.extend({
  event: z.string(),
  point: z.object({ id: z.string(), label: z.string(), location: z.string(), zone: z.string() }),
});
export type AlarmMessage = z.infer<typeof alarmMessage>;

const faultEvent = z.object({
  kind: z.literal('fault'),
  state: z.enum(['raised', 'cleared']),
  id: z.number(),
  key: z.string(),
  source: z.string(),
  code: z.string(),
  subject: z.string().nullable(),
  detail: z.string(),
  /** The detail as a phrase: central may show it in its own language (contracts/phrases). */
  phrase: phraseSchema.nullable().optional(),
  raisedAt: isoTime,
  clearedAt: isoTime.nullable(),
});
const smsOutEvent = z.object({
  kind: z.literal('sms'),
  direction: z.literal('out'),
  id: z.number(),
  modem: z.string(),
  to: z.string(),
  text: z.string().optional(),
  status: z.string(),
  detail: z.string().nullable().optional(),
  alarmId: z.string().nullable(),
});
const smsInEvent = z.object({
  kind: z.literal('sms'),
  direction: z.literal('in'),
  modem: z.string(),
  from: z.string(),
  text: z.string(),
  sentAt: z.string().nullable(),
  parts: z.number(),
  status: z.string(),
});
const smsUndecodableEvent = z.object({ kind: z.literal('sms-undecodable'), modem: z.string(), hex: z.string(), error: z.string() });
const gsmStateEvent = z.object({
  kind: z.literal('gsm-state'),
  modem: z.string(),
  state: z.string(),
  sim: z.string(),
  registration: z.string(),
  operator: z.string().nullable(),
  bars: z.number(),
  dbm: z.number().nullable(),
  at: isoTime,
});
const lineStateEvent = z.object({
  kind: z.literal('line-state'),
  card: z.string(),
  port: z.number(),
  type: z.enum(['fxs', 'fxo']),
  state: z.string(),
  battery: z.boolean().nullable(),
  voltage: z.number().nullable(),
  at: isoTime,
});

/** A voice call on a GSM modem, from its first sign to its end (one message per call). */
const gsmCallEvent = z.object({
  kind: z.literal('gsm-call'),
  modem: z.string(),
  direction: z.enum(['in', 'out']),
  /** The caller (in; null when withheld) or the number called (out). */
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  startedAt: isoTime,
  answered: z.boolean(),
  answeredAt: isoTime.nullable(),
  endedAt: isoTime,
  reason: z.string(),
});

/** Walk test: a press recorded as a test (nobody called). */
const testPressEvent = z.object({ kind: z.literal('test'), walkTest: z.number(), point: z.string(), label: z.string(), zone: z.string(), input: z.string(), at: isoTime, by: z.string() });
/** Walk test started or ended: while it runs, presses in its zones call nobody. */
const walkTestStateEvent = z.object({
  kind: z.literal('walk-test'),
  state: z.enum(['started', 'ended']),
  walkTest: z.number(),
  zones: z.array(z.string()).nullable(),
  startedBy: z.string(),
  startedAt: isoTime,
  endsAt: isoTime,
  endedAt: isoTime.nullable(),
  endedBy: z.string().nullable(),
  endReason: z.string().nullable(),
});
/** A routed call passed over trunks (dead, full, failing) before one took it, or none did. */
const routeFailoverEvent = z.object({
  kind: z.literal('route-failover'),
  uuid: z.string(),
  rule: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  steps: z.array(failoverStep),
  at: isoTime,
});
/** 强拆: an emergency call found every trunk channel busy and released the lowest-priority outside call. */
const routePreemptEvent = z.object({
  kind: z.literal('route-preempt'),
  /** The call released, its trunk and priority. */
  released: z.string(),
  trunk: z.string(),
  priority: z.string(),
  /** The emergency call, and the number it dialled. */
  uuid: z.string().nullable(),
  number: z.string(),
  outcome: z.enum(['released', 'failed']),
  detail: z.string(),
  at: isoTime,
});
/** Night mode set by a person or central (auto: the schedules decide again). */
const nightModeEvent = z.object({ kind: z.literal('night-mode'), mode: z.string(), by: z.string(), at: isoTime });

const dropCount = z.object({ call: z.number(), event: z.number() });
/** The backlog was over uplink.maxBacklog: the oldest call records and events were dropped (never alarms). */
const backlogTrimmedEvent = z.object({ kind: z.literal('backlog-trimmed'), dropped: dropCount, total: dropCount, maxBacklog: z.number() });

/** `event`: things central should know that are not alarms or calls. */
export const eventMessage = z.union([faultEvent, smsOutEvent, smsInEvent, smsUndecodableEvent, gsmStateEvent, gsmCallEvent, lineStateEvent, backlogTrimmedEvent, testPressEvent, walkTestStateEvent, routeFailoverEvent, routePreemptEvent, nightModeEvent]);
export type EventMessage = z.infer<typeof eventMessage>;
export type FaultEventMessage = z.infer<typeof faultEvent>;

/** `status` (retained; the last will says online:false). */
export const statusMessage = z.object({ online: z.boolean(), version: z.string(), health: health.optional() });
export type StatusMessage = z.infer<typeof statusMessage>;

/** `cmd-result/{id}`: the outcome of a command from central. */
export const commandResultMessage = z.object({
  /** The command's id, as central sent it. */
  id: z.string(),
  name: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  /** Per field, when the command's payload was invalid. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  result: z.unknown().optional(),
});
export type CommandResultMessage = z.infer<typeof commandResultMessage>;

/** Message type (the topic's last part) → what `data` holds. */
export interface MqttPayloads {
  status: StatusMessage;
  alarm: AlarmMessage;
  call: z.infer<typeof callRecord>;
  event: EventMessage;
  'cmd-result': CommandResultMessage;
}
export type MqttType = keyof MqttPayloads;
/** Types that go through the outbox (status is published directly: it is state, retained, and carries the last will). */
export type OutboxType = Exclude<MqttType, 'status'>;

/** The envelope of every message published to central. */
export interface Envelope<T = unknown> {
  v: typeof ENVELOPE_VERSION;
  /** Unique per message, for de-duplication at central. */
  id: string;
  /**
   * Strictly increasing per node, never reused after a restart, for every
   * message of the outbox. `status` is state, not an event (retained; the
   * will is written at connect time): its seq is null, and it is ordered by ts.
   */
  seq: number | null;
  /** ISO-8601 UTC. */
  ts: string;
  site: string;
  node: string;
  type: MqttType;
  data: T;
}

/** A message of the outbox: always numbered. */
export type OutboxEnvelope<T = unknown> = Envelope<T> & { seq: number; type: OutboxType };

export const envelope = z.object({
  v: z.literal(ENVELOPE_VERSION),
  id: z.string(),
  seq: z.number().int().positive().nullable(),
  ts: z.string(),
  site: z.string(),
  node: z.string(),
  type: z.enum(['status', 'alarm', 'call', 'event', 'cmd-result']),
  data: z.unknown(),
});
