// Calls: finished call records (GET /api/calls, SSE `call`, MQTT `call`) and
// the live channel table (GET /api/channels, SSE `channel`).
import { z } from 'zod';
import { isoTime } from './patterns.js';
import { CALL_PRIORITIES } from './values.js';

import { DIRECTIONS, TRUNKS } from './values.js';

export const direction = z.enum(DIRECTIONS);
export const trunk = z.enum(TRUNKS);
const callPriority = z.enum(CALL_PRIORITIES);
export type Direction = z.infer<typeof direction>;
export type Trunk = z.infer<typeof trunk>;

export const failoverStep = z.object({ trunk: z.string(), outcome: z.enum(['skipped', 'failed', 'used']), reason: z.string() });
export type FailoverStep = z.infer<typeof failoverStep>;

/** One finished call. Times are ISO-8601 UTC. */
export const callRecord = z.object({
  uuid: z.string(),
  direction,
  callerNumber: z.string().nullable(),
  callerName: z.string().nullable(),
  calleeNumber: z.string().nullable(),
  calleeName: z.string().nullable(),
  zone: z.string().nullable(),
  trunk,
  createdAt: isoTime,
  answeredAt: isoTime.nullable(),
  endedAt: isoTime,
  durationS: z.number(),
  billsecS: z.number(),
  hangupCause: z.string().nullable(),
  recordingPath: z.string().nullable(),
  alarmId: z.string().nullable(),
  /** The end was not seen (FreeSWITCH unreachable); end time and cause are estimates. */
  recovered: z.boolean(),
  /** The routing rule that decided the call (a rule id, or emergency, extension, dispatch, inbound:<trunk>, did:<trunk>:<number>); null: not routed. */
  route: z.string().nullable(),
  /** The trunk the call went out or came in on (trunks[].id). */
  trunkId: z.string().nullable(),
  /** Trunks passed over on the way, in order: skipped (dead, full) or failed (the cause), and the one used. */
  failover: z.array(failoverStep).nullable(),
});
export type CallRecord = z.infer<typeof callRecord>;

export const callPage = z.object({
  calls: z.array(callRecord),
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: z.string().nullable(),
});
export type CallPage = z.infer<typeof callPage>;

/** Search filters as the UI keeps them ('' = not set; from/to ISO-8601 UTC). */
export interface CallFilters {
  number: string;
  from: string;
  to: string;
  cause: string;
  direction: '' | Direction;
  zone: string;
}

/** A channel up in FreeSWITCH now. */
export const liveChannel = z.object({
  uuid: z.string(),
  direction,
  name: z.string(),
  state: z.string(),
  callState: z.string(),
  callerNumber: z.string().nullable(),
  callerName: z.string().nullable(),
  calleeNumber: z.string().nullable(),
  createdAt: isoTime,
  answeredAt: isoTime.nullable(),
  bridgedTo: z.string().nullable(),
  held: z.boolean(),
  recording: z.string().nullable(),
  zone: z.string().nullable(),
  alarmId: z.string().nullable(),
  trunk,
  /** The routing rule of the call (on the caller's leg), null: not routed (yet). */
  route: z.string().nullable(),
  /** The trunk this leg occupies (a trunk's own leg), for its channel count. */
  trunkId: z.string().nullable(),
  /** The call's priority on the trunks (routed calls; alarm calls are emergency). */
  priority: callPriority.nullable(),
});
export type LiveChannel = z.infer<typeof liveChannel>;

export const channelList = z.object({ channels: z.array(liveChannel), connected: z.boolean() });
export type ChannelList = z.infer<typeof channelList>;

/** SSE `channel`: channel null means it is gone. */
export const channelChange = z.object({ uuid: z.string(), channel: liveChannel.nullable() });
export type ChannelChange = z.infer<typeof channelChange>;
