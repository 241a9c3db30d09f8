// UCS2 user data (3GPP TS 23.038 §4 "UCS2", referring to ISO/IEC 10646):
// two octets per UTF-16 code unit, big-endian. Handsets and networks carry
// characters outside the BMP (emoji) as UTF-16 surrogate pairs in the same
// field, and JavaScript strings are UTF-16 already, so this is a straight
// code-unit copy. A pair must never be split across the parts of a
// concatenated message (see splitForParts in user-data.ts).

import { PduError } from './errors.js';

export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[2 * i] = u >> 8;
    out[2 * i + 1] = u & 0xff;
  }
  return out;
}

/**
 * Octets -> string. An odd octet count is malformed. A lone surrogate (a
 * sender that split a pair across parts) is kept as is: joining the parts
 * of a concatenated message restores the pair.
 */
export function decodeUcs2(octets: ArrayLike<number>): string {
  if (octets.length % 2 !== 0) throw new PduError(`UCS2 user data has an odd number of octets (${octets.length})`);
  const units: number[] = [];
  for (let i = 0; i < octets.length; i += 2) units.push(((octets[i] ?? 0) << 8) | (octets[i + 1] ?? 0));
  let s = '';
  // Chunked to stay far from any argument-count limit of fromCharCode.
  for (let i = 0; i < units.length; i += 1024) s += String.fromCharCode(...units.slice(i, i + 1024));
  return s;
}
