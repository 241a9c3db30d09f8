// TP-DCS (3GPP TS 23.038 §4), the User Data Header (TS 23.040 §9.2.3.24) and
// TP-UDL/TP-UD (§9.2.3.16, §9.2.3.24), both directions, plus the splitting of
// a long text into concatenated parts.

import { PduError } from './errors.js';
import { canEncodeGsm7, decodeGsm7, encodeGsm7, gsm7CharSeptets, packSeptets, unpackSeptets } from './gsm7.js';
import type { OctetReader } from './reader.js';
import type { ConcatInfo, Encoding } from './types.js';
import { decodeUcs2, encodeUcs2 } from './ucs2.js';

/** §9.2.3.16: TP-UD holds at most 140 octets, i.e. 160 septets of GSM 7-bit text. */
export const MAX_UD_OCTETS = 140;
export const MAX_UD_SEPTETS = 160;
/** Single-part limits, in septets (GSM 7-bit) or UTF-16 code units (UCS2). */
const SINGLE_LIMIT = { gsm7: 160, ucs2: 70 } as const;

/** IEI 0x00: concatenated short messages, 8-bit reference (§9.2.3.24.1). */
export const IEI_CONCAT_8 = 0x00;
/** IEI 0x08: concatenated short messages, 16-bit reference (§9.2.3.24.8). */
export const IEI_CONCAT_16 = 0x08;

export interface DcsInfo {
  encoding: Encoding;
  /** Message class 0–3 when the DCS gives one (class 0 is a "flash" SMS). */
  messageClass?: number;
}

/**
 * TS 23.038 §4, by coding group (bits 7–4):
 *  00xx  General Data Coding: bit 5 = compressed, bit 4 = bits 1–0 are a
 *        message class, bits 3–2 = alphabet 00 GSM 7-bit, 01 8-bit, 10 UCS2,
 *        11 reserved.
 *  01xx  Message Marked for Automatic Deletion: same layout as 00xx.
 *  1000–1011 reserved coding groups.
 *  1100  Message Waiting Indication, Discard Message: GSM 7-bit.
 *  1101  Message Waiting Indication, Store Message: GSM 7-bit.
 *  1110  Message Waiting Indication, Store Message: UCS2.
 *  1111  Data coding/message class: bit 2 = 8-bit (else GSM 7-bit), bits 1–0 class.
 * §4: "Any reserved codings shall be assumed to be the GSM 7 bit default
 * alphabet" — so reserved values decode as GSM 7-bit. Compressed text (TS
 * 23.042) is refused: nothing in the field uses it and we cannot read it.
 */
export function parseDcs(dcs: number, octet: number): DcsInfo {
  const group = dcs >> 4;
  if (group <= 0x7) {
    if (dcs & 0x20) throw new PduError(`TP-DCS 0x${hex2(dcs)} marks compressed text (TS 23.042), which is not supported`, octet);
    const alphabet = (dcs >> 2) & 0x03;
    const encoding: Encoding = alphabet === 1 ? '8bit' : alphabet === 2 ? 'ucs2' : 'gsm7';
    return dcs & 0x10 ? { encoding, messageClass: dcs & 0x03 } : { encoding };
  }
  if (group === 0xe) return { encoding: 'ucs2' };
  if (group === 0xf) return { encoding: dcs & 0x04 ? '8bit' : 'gsm7', messageClass: dcs & 0x03 };
  return { encoding: 'gsm7' };
}

/** TP-DCS the encoders send: General Data Coding, no class (§4: 0x00 GSM 7-bit, 0x08 UCS2). */
export function dcsFor(encoding: 'gsm7' | 'ucs2'): number {
  return encoding === 'gsm7' ? 0x00 : 0x08;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

export interface Udh {
  /** Octets the header occupies in TP-UD, its length octet (UDHL) included. */
  octets: number;
  concat?: ConcatInfo;
}

/**
 * §9.2.3.24: UDHL, then information elements IEI, IEDL, data. Lengths that
 * run past the header or past TP-UD are errors. A concatenation IE whose
 * sequence number is 0 or above the part count is ignored, as §9.2.3.24.1
 * tells the receiver to; unknown IEs (ports, national language shifts, …) are
 * skipped. `at` is the octet offset of TP-UD in the PDU, for messages.
 */
export function parseUdh(ud: Uint8Array, at: number): Udh {
  const udhl = ud[0];
  if (udhl === undefined) throw new PduError('TP-UDHI is set but TP-UD is empty', at);
  const end = 1 + udhl;
  if (end > ud.length) throw new PduError(`UDH length ${udhl} runs past the ${ud.length}-octet TP-UD`, at);
  let concat: ConcatInfo | undefined;
  let i = 1;
  while (i < end) {
    const iei = ud[i] ?? 0;
    const iedl = ud[i + 1];
    if (i + 1 >= end || iedl === undefined) throw new PduError(`UDH element 0x${hex2(iei)} has no length octet`, at + i);
    if (i + 2 + iedl > end) throw new PduError(`UDH element 0x${hex2(iei)} length ${iedl} runs past the header end`, at + i + 1);
    if (iei === IEI_CONCAT_8 || iei === IEI_CONCAT_16) {
      const want = iei === IEI_CONCAT_8 ? 3 : 4;
      if (iedl !== want) throw new PduError(`UDH concatenation element 0x${hex2(iei)} must have ${want} data octets, has ${iedl}`, at + i + 1);
      const d = i + 2;
      const ref = iei === IEI_CONCAT_8 ? (ud[d] ?? 0) : ((ud[d] ?? 0) << 8) | (ud[d + 1] ?? 0);
      const parts = ud[d + want - 2] ?? 0;
      const part = ud[d + want - 1] ?? 0;
      if (concat === undefined && parts >= 1 && part >= 1 && part <= parts) concat = { ref, parts, part };
    }
    i += 2 + iedl;
  }
  return concat ? { octets: end, concat } : { octets: end };
}

/** Fill bits after a header of `octets` octets so GSM 7-bit text starts on a septet boundary (§9.2.3.24). */
export function fillBitsAfter(octets: number): number {
  return (7 - ((octets * 8) % 7)) % 7;
}

export interface UserData {
  text: string;
  concat?: ConcatInfo;
}

/**
 * TP-UDL and TP-UD (§9.2.3.16). For GSM 7-bit TP-UDL counts septets,
 * header (with its fill bits) included; otherwise octets. Octets after TP-UD
 * are ignored. 8-bit data is returned as ISO-8859-1 (one character per octet,
 * lossless) — there is no text alphabet to apply.
 */
export function readUserData(r: OctetReader, encoding: Encoding, udhi: boolean): UserData {
  const udlAt = r.pos;
  const udl = r.u8('TP-UDL');
  if (encoding === 'gsm7') {
    if (udl > MAX_UD_SEPTETS) throw new PduError(`TP-UDL ${udl} exceeds ${MAX_UD_SEPTETS} septets`, udlAt);
    const udAt = r.pos;
    const ud = r.take(Math.ceil((udl * 7) / 8), 'TP-UD');
    if (!udhi) return { text: decodeGsm7(unpackSeptets(ud, udl)) };
    const h = parseUdh(ud, udAt);
    const fill = fillBitsAfter(h.octets);
    const headerSeptets = (h.octets * 8 + fill) / 7;
    if (headerSeptets > udl) throw new PduError(`UDH of ${h.octets} octets is longer than TP-UDL ${udl} septets`, udlAt);
    const text = decodeGsm7(unpackSeptets(ud.subarray(h.octets), udl - headerSeptets, fill));
    return h.concat ? { text, concat: h.concat } : { text };
  }
  if (udl > MAX_UD_OCTETS) throw new PduError(`TP-UDL ${udl} exceeds ${MAX_UD_OCTETS} octets`, udlAt);
  const udAt = r.pos;
  const ud = r.take(udl, 'TP-UD');
  const h: Udh = udhi ? parseUdh(ud, udAt) : { octets: 0 };
  const body = ud.subarray(h.octets);
  let text: string;
  if (encoding === 'ucs2') {
    if (body.length % 2 !== 0) throw new PduError(`UCS2 text after the header has an odd number of octets (${body.length})`, udAt + h.octets);
    text = decodeUcs2(body);
  } else {
    text = '';
    for (const o of body) text += String.fromCharCode(o);
  }
  return h.concat ? { text, concat: h.concat } : { text };
}

/** The concatenation UDH: 8-bit reference when `ref` < 256 (6 octets), else 16-bit (7 octets). */
export function concatUdh(c: ConcatInfo): number[] {
  if (c.ref <= 0xff) return [5, IEI_CONCAT_8, 3, c.ref, c.parts, c.part];
  return [6, IEI_CONCAT_16, 4, c.ref >> 8, c.ref & 0xff, c.parts, c.part];
}

/** Octets of the concatenation UDH concatUdh() builds for `ref`. */
export function concatUdhOctets(ref: number): number {
  return ref <= 0xff ? 6 : 7;
}

/** TP-UDL and TP-UD for one part. */
export function buildUserData(encoding: 'gsm7' | 'ucs2', text: string, concat?: ConcatInfo): { udl: number; ud: number[] } {
  const udh = concat ? concatUdh(concat) : [];
  let udl: number;
  let ud: number[];
  if (encoding === 'gsm7') {
    const septets = encodeGsm7(text);
    const fill = udh.length > 0 ? fillBitsAfter(udh.length) : 0;
    udl = (udh.length * 8 + fill) / 7 + septets.length;
    ud = [...udh, ...packSeptets(septets, fill)];
    if (udl > MAX_UD_SEPTETS) throw new PduError(`part needs ${udl} septets, more than ${MAX_UD_SEPTETS}`);
  } else {
    ud = [...udh, ...encodeUcs2(text)];
    udl = ud.length;
  }
  if (ud.length > MAX_UD_OCTETS) throw new PduError(`part needs ${ud.length} octets of TP-UD, more than ${MAX_UD_OCTETS}`);
  return { udl, ud };
}

export interface TextPlan {
  encoding: 'gsm7' | 'ucs2';
  /** The text of each part, in order (one element for a single message). */
  parts: string[];
}

/** Most parts a concatenated message can have: the part count is one octet (§9.2.3.24.1). */
export const MAX_PARTS = 255;

/**
 * Choose the alphabet and split the text into parts. GSM 7-bit when every
 * character is in the default alphabet or its extension table, else UCS2.
 * One part holds 160 septets / 70 UCS2 code units; with the concatenation
 * header (`udhOctets`, 6 for the 8-bit reference) (140 − udh) × 8 / 7 septets
 * (153) or (140 − udh) / 2 code units (67). Splits fall between characters:
 * an ESC pair (extension character) or a UTF-16 surrogate pair (emoji) is
 * never cut, so a part may carry one unit less than the limit.
 */
export function planParts(text: string, udhOctets: number): TextPlan {
  if (typeof text !== 'string' || text.length === 0) throw new PduError('refusing to encode an empty message');
  const encoding = canEncodeGsm7(text) ? 'gsm7' : 'ucs2';
  const cost = (ch: string): number => (encoding === 'gsm7' ? (gsm7CharSeptets(ch)?.length ?? 1) : ch.length);
  let total = 0;
  for (const ch of text) total += cost(ch);
  if (total <= SINGLE_LIMIT[encoding]) return { encoding, parts: [text] };

  const perPart = encoding === 'gsm7' ? Math.floor(((MAX_UD_OCTETS - udhOctets) * 8) / 7) : Math.floor((MAX_UD_OCTETS - udhOctets) / 2);
  const parts: string[] = [];
  let cur = '';
  let used = 0;
  for (const ch of text) {
    const c = cost(ch);
    if (used + c > perPart) {
      parts.push(cur);
      if (parts.length >= MAX_PARTS) {
        throw new PduError(`message of ${total} ${encoding === 'gsm7' ? 'septets' : 'UCS2 units'} needs more than ${MAX_PARTS} parts`);
      }
      cur = '';
      used = 0;
    }
    cur += ch;
    used += c;
  }
  parts.push(cur);
  return { encoding, parts };
}
