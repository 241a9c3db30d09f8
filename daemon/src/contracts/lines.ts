// GSM modems and analog line cards: GET /api/lines, the SSE `lines` and `sms`
// events, the MQTT `event`s of kind `line-state`/`gsm-state`, and the bodies
// of the technician's test SMS and USSD query.
import { z } from 'zod';
import { isoTime, phoneNumber } from './patterns.js';
import { phraseSchema } from './phrase.js';
import { MODEM_STATES, PIN_RE, PORT_ACTIONS, PORT_KINDS, PORT_STATES, REGISTRATIONS, SIM_CARD_ACTIONS, SIM_NETWORK_REGISTRATIONS, SIM_STATES, SMS_STATUSES } from './values.js';

/** `detail` in English from the driver; `phrase` the fault in any language (contracts/phrases). */
export const lineFault = z.object({ code: z.string(), detail: z.string(), phrase: phraseSchema.optional() });
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
  /** Where the SIM PIN comes from (never the PIN itself): one a person entered (who, when), or the configuration's. */
  pin: z.object({ entered: z.object({ by: z.string(), at: z.string() }).nullable(), configured: z.boolean() }),
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
  phrase: phraseSchema.optional(),
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
  /** A note in English (why it was ignored, how a command went, why it failed). */
  detail: z.string().nullable(),
  /** The note in any language (contracts/phrases); null when there is none, or for rows written before it existed. */
  phrase: phraseSchema.nullable(),
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
export type SimCardAction = (typeof SIM_CARD_ACTIONS)[number];
export type SimNetworkRegistration = (typeof SIM_NETWORK_REGISTRATIONS)[number];

/** POST /api/lines/modems/:id/pin (admins): a SIM PIN a person enters; used at once and at every start. */
export const simPinBody = z.strictObject({ pin: z.string().regex(PIN_RE, 'the SIM PIN is 4–8 digits') });
/** The answer: how the SIM took it (`checked` false: stored, tried when the modem is free). */
export const simPinResult = z.object({ sim: z.enum(SIM_STATES), faults: z.array(lineFault), checked: z.boolean() });
export type SimPinResult = z.infer<typeof simPinResult>;

/** Simulation: put another SIM card (or the same one locked) in the simulated modem. */
export const simCardBody = z.strictObject({
  state: z.enum(SIM_CARD_ACTIONS),
  pin: z.string().regex(PIN_RE, 'a SIM PIN is 4–8 digits').optional(),
  iccid: z.string().regex(/^\d{18,20}$/, 'an ICCID is 18–20 digits').optional(),
});
/** Simulation: the network as the simulated modem sees it. */
export const simNetworkBody = z.strictObject({
  registration: z.enum(SIM_NETWORK_REGISTRATIONS).optional(),
  rssi: z.number().int().refine((n) => (n >= 0 && n <= 31) || n === 99, 'rssi: 0–31, or 99 (unknown)').optional(),
});
export const simPortBody = z.strictObject({ action: z.enum(PORT_ACTIONS) });
export const simSmsBody = z.strictObject({
  from: phoneNumber,
  text: z.string().min(1).max(2000),
  /** The order the parts arrive in, e.g. [3,1,2]. */
  order: z.array(z.number().int().min(1).max(255)).max(255).optional(),
});
