// Calls: finished call records (GET /api/calls, SSE `call`, MQTT `call`) and
// the live channel table (GET /api/channels, SSE `channel`).
import { z } from 'zod';
import { isoTime } from './patterns.js';

import { DIRECTIONS, TRUNKS } from './values.js';

export const direction = z.enum(DIRECTIONS);
export const trunk = z.enum(TRUNKS);
export type Direction = z.infer<typeof direction>;
export type Trunk = z.infer<typeof trunk>;

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
});
export type LiveChannel = z.infer<typeof liveChannel>;

export const channelList = z.object({ channels: z.array(liveChannel), connected: z.boolean() });
export type ChannelList = z.infer<typeof channelList>;

/** SSE `channel`: channel null means it is gone. */
export const channelChange = z.object({ uuid: z.string(), channel: liveChannel.nullable() });
export type ChannelChange = z.infer<typeof channelChange>;
