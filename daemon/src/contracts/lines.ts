// GSM modems and analog line cards: GET /api/lines, the SSE `lines` and `sms`
// events, the MQTT `event`s of kind `line-state`/`gsm-state`, and the bodies
// of the technician's test SMS and USSD query.
import { z } from 'zod';
import { isoTime, phoneNumber } from './patterns.js';
import { MODEM_STATES, PORT_ACTIONS, PORT_KINDS, PORT_STATES, REGISTRATIONS, SIM_STATES, SMS_STATUSES } from './values.js';

export const lineFault = z.object({ code: z.string(), detail: z.string() });
export type LineFault = z.infer<typeof lineFault>;


export const modemView = z.object({
  id: z.string(),
  /** Serial device, e.g. /dev/ttyUSB2. */
  port: z.string(),
  state: z.enum(MODEM_STATES),
  sim: z.enum(SIM_STATES),
  registration: z.enum(REGISTRATIONS),
  operator: z.string().nullable(),
  /** 27.007 +CSQ rssi (0–31, 99 unknown). */
  rssi: z.number().nullable(),
  dbm: z.number().nullable(),
  /** 0–5. */
  bars: z.number(),
  imei: z.string().nullable(),
  iccid: z.string().nullable(),
  imsi: z.string().nullable(),
  /** The failover trunk: can a GSM call be placed now; the voice call state. */
  trunk: z.object({ available: z.boolean(), call: z.enum(['idle', 'ringing', 'in-call']), number: z.string().nullable() }),
  faults: z.array(lineFault),
  /** ms since epoch of the last state change. */
  since: z.number(),
});
export type ModemView = z.infer<typeof modemView>;

export type PortKind = (typeof PORT_KINDS)[number];
export type PortState = (typeof PORT_STATES)[number];

export const linePortView = z.object({
  n: z.number(),
  kind: z.enum(PORT_KINDS),
  state: z.enum(PORT_STATES),
  /** FXS: loop battery present. */
  battery: z.boolean().nullable(),
  /** FXO: tip-ring voltage. */
  voltage: z.number().nullable(),
  faults: z.array(lineFault),
});
export type LinePortView = z.infer<typeof linePortView>;

export const lineCardView = z.object({
  id: z.string(),
  port: z.string(),
  status: z.enum(['starting', 'ok', 'fault', 'stopped']),
  detail: z.string(),
  model: z.string().nullable(),
  firmware: z.string().nullable(),
  ports: z.array(linePortView),
});
export type LineCardView = z.infer<typeof lineCardView>;

/** SSE `lines`: every modem and line card, on each change. */
export const linesView = z.object({ modems: z.array(modemView), lineCards: z.array(lineCardView) });
export type LinesView = z.infer<typeof linesView>;

export type SmsStatus = (typeof SMS_STATUSES)[number];

/** One SMS in or out (GET /api/lines `sms`, SSE `sms`). */
export const sms = z.object({
  id: z.number(),
  direction: z.enum(['in', 'out']),
  modem: z.string(),
  peer: z.string(),
  text: z.string(),
  status: z.enum(SMS_STATUSES),
  alarmId: z.string().nullable(),
  /** The network's message references (out). */
  refs: z.array(z.number()),
  detail: z.string().nullable(),
  /** Inbound: the service centre's timestamp. */
  sentAt: isoTime.nullable(),
  /** Outbound: what it is for ('alarm A-… raised', 'reply to 12', 'test by tech'). */
  tag: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Sms = z.infer<typeof sms>;

/** GET /api/lines: SMS newest first, at most 50. */
export const linesList = linesView.extend({ sms: z.array(sms) });
export type LinesList = z.infer<typeof linesList>;

/** POST /api/lines/modems/:id/sms → 202 { id } */
export const testSmsBody = z.strictObject({
  to: phoneNumber,
  text: z.string().trim().min(1, 'text: 1–1000 characters').refine((t) => [...t].length <= 1000, 'text: 1–1000 characters'),
});
export type TestSmsBody = z.infer<typeof testSmsBody>;

/** POST /api/lines/modems/:id/ussd → { text } */
export const ussdBody = z.strictObject({ code: z.string().regex(/^[0-9*#]{2,20}$/, 'a USSD code is 2–20 of 0-9 * #, e.g. *100#') });
export type UssdBody = z.infer<typeof ussdBody>;

export type PortAction = (typeof PORT_ACTIONS)[number];
export const simPortBody = z.strictObject({ action: z.enum(PORT_ACTIONS) });
export const simSmsBody = z.strictObject({
  from: phoneNumber,
  text: z.string().min(1).max(2000),
  /** The order the parts arrive in, e.g. [3,1,2]. */
  order: z.array(z.number().int().min(1).max(255)).max(255).optional(),
});
