// Supervision faults: GET /api/faults, SSE `fault`, MQTT `event` of kind `fault`.
import { z } from 'zod';
import { isoTime } from './patterns.js';
import { phraseSchema } from './phrase.js';

/** Open while clearedAt is null. At most one open fault per key. */
export const fault = z.object({
  id: z.number(),
  key: z.string(),
  /** hardware, freeswitch, phone, uplink, self-test, gsm, line-card, … */
  source: z.string(),
  code: z.string(),
  subject: z.string().nullable(),
  /** In English, as central receives it. */
  detail: z.string(),
  /** The detail in any language (contracts/phrases); null in faults recorded before it existed. */
  phrase: phraseSchema.nullable(),
  raisedAt: isoTime,
  clearedAt: isoTime.nullable(),
});
export type Fault = z.infer<typeof fault>;

export const faultList = z.object({ open: z.array(fault), recent: z.array(fault) });
export type FaultList = z.infer<typeof faultList>;
