// Address fields: TP-DA / TP-OA / TP-RA (3GPP TS 23.040 §9.1.2.5) and the
// SMSC address that 27.005 PDU mode puts in front of the TPDU (the RP-address
// of TS 24.011 §8.2.5.2, whose length octet counts octets, not digits).
//
// Type-of-address octet: bit 7 is 1, bits 6–4 the type of number (TON),
// bits 3–0 the numbering plan (NPI). Encoding choices:
//  - "+4670…"      -> 0x91: TON 001 international, NPI 0001 ISDN/E.164.
//  - "0708…" / "112" -> 0x81: TON 000 unknown, NPI 0001. Not 0xA1 (TON 010
//    national): a national-type number must not include prefix or escape
//    digits (§9.1.2.5 with TS 24.008 §10.5.4.7), while what a user types and
//    what we store is the number as dialled, trunk prefix "0" included. With
//    "unknown" the network interprets the digits as dialled — which is also
//    what a handset sends and what `AT+CMGS="0708…",129` does in text mode.
//  - alphanumeric originators (encodeDeliver only, for the simulator) -> 0xD0:
//    TON 101 alphanumeric, NPI 0000; value is GSM 7-bit packed (§9.1.2.5).
// Digits are semi-octets, first digit in the low nibble, an odd count padded
// with 0xF in the last high nibble (§9.1.2.3).

import { PduError } from './errors.js';
import { canEncodeGsm7, decodeGsm7, encodeGsm7, packSeptets, unpackSeptets } from './gsm7.js';
import type { OctetReader } from './reader.js';

const TOA_INTERNATIONAL = 0x91;
const TOA_UNKNOWN = 0x81;
const TOA_ALPHANUMERIC = 0xd0;
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;

/** §9.1.2.5: the whole address field is at most 12 octets, so at most 20 semi-octets of value. */
const MAX_ADDRESS_DIGITS = 20;
/** An alphanumeric address value of 10 octets holds 11 septets. */
const MAX_ALPHANUMERIC_SEPTETS = 11;

const NUMBER_RE = /^\+?[0-9]{1,20}$/;

/** §9.1.2.3 semi-octet values 0xA–0xE; 0xF is the filler. */
const SEMI_OCTET_CHARS = '0123456789*#abc';

/** True for an optional "+" and 1–20 decimal digits, the only destinations encodeSubmit accepts. */
export function isPhoneNumber(s: string): boolean {
  return NUMBER_RE.test(s);
}

/** TP-DA / TP-OA / TP-RA for a phone number. `role` names it in the error ("destination"). */
export function encodeNumberAddress(number: string, role: string): number[] {
  if (typeof number !== 'string' || !NUMBER_RE.test(number)) {
    throw new PduError(`${role} ${JSON.stringify(number)} is not a phone number: expected an optional "+" and 1–20 digits`);
  }
  const international = number.startsWith('+');
  const digits = international ? number.slice(1) : number;
  return [digits.length, international ? TOA_INTERNATIONAL : TOA_UNKNOWN, ...digitsToSemiOctets(digits)];
}

/** TP-OA for the simulator: a phone number, or an alphanumeric sender of up to 11 GSM 7-bit septets. */
export function encodeOriginatorAddress(from: string): number[] {
  if (typeof from === 'string' && NUMBER_RE.test(from)) return encodeNumberAddress(from, 'originator');
  if (typeof from !== 'string' || from.length === 0 || !canEncodeGsm7(from)) {
    throw new PduError(`originator ${JSON.stringify(from)} is neither a phone number nor a GSM 7-bit alphanumeric sender`);
  }
  const septets = encodeGsm7(from);
  if (septets.length > MAX_ALPHANUMERIC_SEPTETS) {
    throw new PduError(`alphanumeric originator ${JSON.stringify(from)} needs ${septets.length} septets, at most ${MAX_ALPHANUMERIC_SEPTETS} fit`);
  }
  // Address-Length counts the semi-octets the packed septets occupy.
  return [Math.ceil((septets.length * 7) / 4), TOA_ALPHANUMERIC, ...packSeptets(septets)];
}

/** The SMSC field: "00" (use the SMSC stored in the SIM) when absent or empty. */
export function encodeSmscAddress(smsc: string | undefined): number[] {
  if (smsc === undefined || smsc === '') return [0];
  const toa = encodeNumberAddress(smsc, 'SMSC');
  // 24.011 RP-address: length = octets that follow (type-of-address + digits).
  return [toa.length - 1, ...toa.slice(1)];
}

function digitsToSemiOctets(digits: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < digits.length; i += 2) {
    const lo = digits.charCodeAt(i) - 0x30;
    const hi = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 0x30 : 0xf;
    out.push((hi << 4) | lo);
  }
  return out;
}

/** Semi-octets -> digit string, stopping after `count` semi-octets; 0xF fillers are skipped. */
function semiOctetsToDigits(value: Uint8Array, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) {
    const nibble = i % 2 === 0 ? (value[i >> 1] ?? 0xff) & 0x0f : (value[i >> 1] ?? 0xff) >> 4;
    s += SEMI_OCTET_CHARS[nibble] ?? '';
  }
  return s;
}

/** Read TP-OA / TP-DA / TP-RA (§9.1.2.5). International numbers get a leading "+". */
export function readAddress(r: OctetReader, field: string): string {
  const at = r.pos;
  const len = r.u8(`${field} Address-Length`);
  if (len > MAX_ADDRESS_DIGITS) {
    throw new PduError(`${field} Address-Length ${len} exceeds ${MAX_ADDRESS_DIGITS} semi-octets`, at);
  }
  const toa = r.u8(`${field} Type-of-Address`);
  const value = r.take(Math.ceil(len / 2), `${field} Address-Value`);
  const ton = (toa >> 4) & 0x07;
  if (ton === TON_ALPHANUMERIC) {
    return decodeGsm7(unpackSeptets(value, Math.floor((len * 4) / 7)));
  }
  const digits = semiOctetsToDigits(value, len);
  return ton === TON_INTERNATIONAL && digits.length > 0 ? `+${digits}` : digits;
}

/** Read the SMSC field; "" when its length is 0 (no SMSC given). */
export function readSmscAddress(r: OctetReader): string {
  const at = r.pos;
  const len = r.u8('SMSC length');
  if (len === 0) return '';
  // RP-address value: type-of-address + at most 10 octets of digits.
  if (len > 11) throw new PduError(`SMSC length ${len} exceeds 11 octets`, at);
  const toa = r.u8('SMSC type-of-address');
  const value = r.take(len - 1, 'SMSC address');
  const digits = semiOctetsToDigits(value, value.length * 2);
  return ((toa >> 4) & 0x07) === TON_INTERNATIONAL && digits.length > 0 ? `+${digits}` : digits;
}
