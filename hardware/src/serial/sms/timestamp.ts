// Time fields: TP-SCTS / TP-DT / absolute TP-VP (3GPP TS 23.040 §9.2.3.11)
// and the relative TP-VP (§9.2.3.12.1).

import { PduError } from './errors.js';
import type { OctetReader } from './reader.js';

/**
 * §9.2.3.11: seven octets YY MM DD hh mm ss TZ, each two decimal semi-octets
 * with the first digit in the low nibble ("0x21" is 12). In TZ the low nibble's
 * bit 3 is the sign (1 = behind GMT) and the rest is the difference from GMT
 * in quarters of an hour: 0x80 -> +08 quarters = +02:00, 0x2B -> -32 = -08:00.
 *
 * Returned as local time with its offset, "1999-03-29T15:16:59+02:00".
 * The century is not sent: 90–99 are read as 1990s (SMS predates 2000),
 * 00–89 as 2000s.
 *
 * A network that sends a timestamp which is not a date (month 13, a hex digit)
 * does not cost the message: the field decodes to "" and the caller falls back
 * to the time of receipt. Only a missing field (truncation) is an error.
 */
export function readTimestamp(r: OctetReader, field: string): string {
  return decodeTimestamp(r.take(7, field));
}

function decodeTimestamp(b: Uint8Array): string {
  const v: number[] = [];
  for (let i = 0; i < 6; i++) {
    const o = b[i] ?? 0xff;
    const tens = o & 0x0f;
    const units = o >> 4;
    if (tens > 9 || units > 9) return '';
    v.push(tens * 10 + units);
  }
  const [yy = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = v;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return '';
  const tz = b[6] ?? 0xff;
  const tzUnits = tz >> 4;
  if (tzUnits > 9) return '';
  const quarters = (tz & 0x07) * 10 + tzUnits;
  const sign = tz & 0x08 ? '-' : '+';
  const year = yy >= 90 ? 1900 + yy : 2000 + yy;
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${sign}${two(Math.floor(quarters / 4))}:${two((quarters % 4) * 15)}`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Encode `at` as the local time `tzQuarterHours` (−79…79) quarters of an hour from GMT. Seconds are truncated. */
export function encodeTimestamp(at: Date, tzQuarterHours = 0): number[] {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new PduError('timestamp is not a valid Date');
  if (!Number.isInteger(tzQuarterHours) || Math.abs(tzQuarterHours) > 79) {
    throw new PduError(`time zone ${tzQuarterHours} quarter-hours is outside −79…79 (two semi-octets with a sign bit)`);
  }
  const local = new Date(at.getTime() + tzQuarterHours * 15 * 60_000);
  const year = local.getUTCFullYear();
  if (year < 1990 || year > 2089) throw new PduError(`year ${year} cannot be sent: TP-SCTS carries 1990–2089`);
  const fields = [year % 100, local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
  const out = fields.map((n) => ((n % 10) << 4) | Math.floor(n / 10));
  const q = Math.abs(tzQuarterHours);
  out.push(((q % 10) << 4) | Math.floor(q / 10) | (tzQuarterHours < 0 ? 0x08 : 0));
  return out;
}

/**
 * §9.2.3.12.1 relative TP-VP:
 *   0–143   (VP + 1) × 5 minutes            (5 min … 12 h)
 *   144–167 12 h + (VP − 143) × 30 minutes  (12 h 30 … 24 h)
 *   168–196 (VP − 166) days                 (2 … 30 days)
 *   197–255 (VP − 192) weeks                (5 … 63 weeks)
 */
export function relativeValidityMinutes(vp: number): number {
  if (vp <= 143) return (vp + 1) * 5;
  if (vp <= 167) return 720 + (vp - 143) * 30;
  if (vp <= 196) return (vp - 166) * 1440;
  return (vp - 192) * 10080;
}

/** The smallest relative TP-VP whose period is at least `minutes` (the SC never gives up earlier than asked). */
export function encodeRelativeValidity(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes <= 0) throw new PduError(`validity ${minutes} minutes must be a positive number`);
  if (minutes <= 720) return Math.max(0, Math.ceil(minutes / 5) - 1);
  if (minutes <= 1440) return 143 + Math.ceil((minutes - 720) / 30);
  if (minutes <= 30 * 1440) return 166 + Math.ceil(minutes / 1440);
  if (minutes <= 63 * 10080) return 192 + Math.max(5, Math.ceil(minutes / 10080));
  throw new PduError(`validity ${minutes} minutes exceeds the longest relative TP-VP (63 weeks)`);
}
