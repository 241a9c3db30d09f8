// GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1) with its extension table
// (§6.2.1.1, reached through ESC 0x1B), and septet packing (§6.1.2.1.1).
//
// Only the default tables: the national language single/locking shift tables
// (§6.2.1.2, selected by UDH IEs 0x24/0x25) are not implemented; a message
// that uses them decodes with the default tables (wrong letters, not lost).

import { PduError } from './errors.js';

export const GSM7_ESC = 0x1b;

/** §6.2.1 default alphabet, indexed by septet. 0x1B is ESC (handled apart). */
const DEFAULT_TABLE: readonly string[] = [
  // 0x00–0x0F: 0x0A is LF, 0x0D is CR; 0x09 is capital C-cedilla per the table.
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  // 0x10–0x1F: Greek capitals; 0x1B (ESC) never maps to a character itself.
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u001b', 'Æ', 'æ', 'ß', 'É',
  // 0x20–0x3F: as ASCII except 0x24 '¤' (currency sign; '$' lives at 0x02).
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  // 0x40–0x5F: '¡', capitals, then Ä Ö Ñ Ü §.
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  // 0x60–0x7F: '¿', small letters, then ä ö ñ ü à.
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

/**
 * §6.2.1.1 extension table: ESC followed by these septets. 0x0A is a page
 * break (form feed); 0x0D (CR2) and 0x1B (reserved for a further extension)
 * carry no character.
 */
const EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const ENCODE_DEFAULT = new Map<string, number>();
DEFAULT_TABLE.forEach((ch, i) => {
  if (i !== GSM7_ESC) ENCODE_DEFAULT.set(ch, i);
});
const ENCODE_EXTENSION = new Map<string, number>();
for (const [septet, ch] of EXTENSION_TABLE) ENCODE_EXTENSION.set(ch, septet);

/** Septets for one character (1 or 2 — [ESC, code] for the extension table), or undefined. */
export function gsm7CharSeptets(ch: string): readonly number[] | undefined {
  const d = ENCODE_DEFAULT.get(ch);
  if (d !== undefined) return [d];
  const e = ENCODE_EXTENSION.get(ch);
  if (e !== undefined) return [GSM7_ESC, e];
  return undefined;
}

/** True when every character of `text` is in the default alphabet or its extension table. */
export function canEncodeGsm7(text: string): boolean {
  for (const ch of text) if (gsm7CharSeptets(ch) === undefined) return false;
  return true;
}

/** Septets `text` needs; extension-table characters count 2 (ESC + code). Throws if not encodable. */
export function gsm7SeptetCount(text: string): number {
  let n = 0;
  for (const ch of text) n += charSeptetsOrThrow(ch).length;
  return n;
}

/** Text -> unpacked septets (one number 0–0x7F each). */
export function encodeGsm7(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(...charSeptetsOrThrow(ch));
  return out;
}

function charSeptetsOrThrow(ch: string): readonly number[] {
  const s = gsm7CharSeptets(ch);
  if (s === undefined) {
    const cp = ch.codePointAt(0) ?? 0;
    throw new PduError(`"${ch}" (U+${cp.toString(16).toUpperCase().padStart(4, '0')}) is not in the GSM 7-bit alphabet`);
  }
  return s;
}

/**
 * Unpacked septets -> text. Per §6.2.1.1 an ESC followed by a code the
 * extension table does not define shows the default-table character for that
 * code, and ESC ESC (reserved for another extension table) shows a space; a
 * lone ESC at the very end also shows a space. Bit 7 of each input is ignored.
 */
export function decodeGsm7(septets: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < septets.length; i++) {
    const c = (septets[i] ?? 0) & 0x7f;
    if (c !== GSM7_ESC) {
      s += DEFAULT_TABLE[c] ?? ' ';
      continue;
    }
    i++;
    if (i >= septets.length) {
      s += ' ';
      break;
    }
    const e = (septets[i] ?? 0) & 0x7f;
    s += EXTENSION_TABLE.get(e) ?? (e === GSM7_ESC ? ' ' : (DEFAULT_TABLE[e] ?? ' '));
  }
  return s;
}

/**
 * Pack septets into octets, least significant bit first (§6.1.2.1.1: septet 1
 * fills bits 0–6 of octet 1, bit 0 of septet 2 goes to bit 7, and so on).
 * `fillBits` (0–6) zero bits come first: after a User Data Header the text
 * must start on a septet boundary of the whole TP-UD (TS 23.040 §9.2.3.24),
 * so the packed text is shifted left by the fill. Unused high bits of the last
 * octet are zero ("completing the octets with zeros on the left").
 */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Uint8Array {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new PduError(`fill bits must be 0–6, got ${fillBits}`);
  }
  const totalBits = fillBits + septets.length * 7;
  const out = new Uint8Array(Math.ceil(totalBits / 8));
  let bit = fillBits;
  for (let i = 0; i < septets.length; i++) {
    const v = (septets[i] ?? 0) & 0x7f;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] = (out[byte] ?? 0) | ((v << shift) & 0xff);
    if (shift > 1) out[byte + 1] = (out[byte + 1] ?? 0) | (v >> (8 - shift));
    bit += 7;
  }
  return out;
}

/**
 * Inverse of packSeptets: read `count` septets starting after `fillBits` bits.
 * Throws PduError when the octets hold fewer bits than that needs.
 */
export function unpackSeptets(octets: ArrayLike<number>, count: number, fillBits = 0): number[] {
  if (fillBits + count * 7 > octets.length * 8) {
    throw new PduError(`${count} septets (+${fillBits} fill bits) need ${Math.ceil((fillBits + count * 7) / 8)} octets, have ${octets.length}`);
  }
  const out = new Array<number>(count);
  let bit = fillBits;
  for (let i = 0; i < count; i++) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let v = (octets[byte] ?? 0) >> shift;
    if (shift > 1) v |= (octets[byte + 1] ?? 0) << (8 - shift);
    out[i] = v & 0x7f;
    bit += 7;
  }
  return out;
}
