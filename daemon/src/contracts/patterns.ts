// What an id, a number or an alarm id looks like, as zod schemas (the plain
// patterns are in values.ts): used by the configuration schema, the HTTP and
// MQTT bodies, the FreeSWITCH command grammar, the SMS commands and the UI.
import { z } from 'zod';

import { ALARM_ID_MESSAGE, ALARM_ID_RE, CALLER_NUMBER_MESSAGE, CALLER_NUMBER_RE, EXTENSION_MESSAGE, EXTENSION_RE, IDENT_RE, PHONE_NUMBER_MESSAGE, PHONE_NUMBER_RE } from './values.js';

export const ident = (what: string) => z.string().regex(IDENT_RE, `${what} must be 1–63 characters of a-z, 0-9, '-' or '_', starting with a letter or digit`);
export const extensionNumber = z.string().regex(EXTENSION_RE, EXTENSION_MESSAGE);
export const phoneNumber = z.string().regex(PHONE_NUMBER_RE, PHONE_NUMBER_MESSAGE);
export const callerNumber = z.string().regex(CALLER_NUMBER_RE, CALLER_NUMBER_MESSAGE);
export const alarmId = z.string().regex(ALARM_ID_RE, ALARM_ID_MESSAGE);
/** Who did something, as central or a script names them. */
export const who = z.string().regex(/^[\p{L}\p{N} ._@-]{1,64}$/u, 'who: 1–64 letters, digits, spaces, . _ @ -');
/** An ISO-8601 UTC time as the daemon writes it. */
export const isoTime = z.string();
