// SIP phones registered with FreeSWITCH: GET /api/registrations.
import { z } from 'zod';
import { isoTime } from './patterns.js';

/** One registration, as FreeSWITCH's core registrations table holds it (`show registrations`). */
export const sipRegistration = z.object({
  /** The user (extension) that registered. */
  user: z.string(),
  realm: z.string(),
  /** The SIP contact, e.g. sip:1001@192.168.1.20:5060. */
  contact: z.string(),
  /** The sofia profile it registered on (internal, external, …). */
  profile: z.string().nullable(),
  /** Where the REGISTER came from. */
  ip: z.string(),
  port: z.number().nullable(),
  transport: z.string(),
  /** When the registration runs out unless refreshed. */
  expiresAt: isoTime.nullable(),
  /** When Callpoint first saw this registration (FreeSWITCH keeps no start time): since then, at least. */
  seenSince: isoTime,
});
export type SipRegistration = z.infer<typeof sipRegistration>;

/** GET /api/registrations: every registration, and each configured phone with whether it is registered. */
export const registrationList = z.object({
  /** false while FreeSWITCH is not reachable: the lists are then empty, not "nobody registered". */
  connected: z.boolean(),
  registrations: z.array(sipRegistration),
  phones: z.array(z.object({ number: z.string(), name: z.string(), zone: z.string(), registered: z.boolean() })),
});
export type RegistrationList = z.infer<typeof registrationList>;
