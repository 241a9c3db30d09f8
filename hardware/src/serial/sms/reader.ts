// Hex <-> octets, and a bounds-checked reader over a PDU's octets. Every read
// names the TP field it is reading, so a truncated or lying PDU fails with
// "TP-SCTS needs 7 octets, 3 left (at octet 20)" instead of reading past the
// end (an undefined octet would otherwise flow into arithmetic as NaN).

import { PduError } from './errors.js';

/**
 * Longest PDU either direction can carry: SMSC field (1 length + 11, 3GPP TS
 * 24.011 §8.2.5.2 RP-address) + the longest TPDU, an SMS-SUBMIT (TS 23.040
 * §9.2.2.2: 1 first octet + 1 TP-MR + 12 TP-DA + 1 TP-PID + 1 TP-DCS + 7 TP-VP
 * + 1 TP-UDL + 140 TP-UD = 164).
 */
export const MAX_PDU_OCTETS = 12 + 164;

/** Parse a hex string (either case, surrounding whitespace ignored) into octets. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new PduError('PDU must be a hex string');
  const s = hex.trim();
  if (s.length === 0) throw new PduError('empty PDU');
  if (s.length % 2 !== 0) throw new PduError(`PDU hex has odd length ${s.length}`);
  if (s.length / 2 > MAX_PDU_OCTETS) {
    throw new PduError(`PDU is ${s.length / 2} octets, longer than any SMS PDU (max ${MAX_PDU_OCTETS})`);
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(s.charCodeAt(2 * i));
    const lo = hexDigit(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new PduError(`PDU hex has a non-hex character "${s.slice(2 * i, 2 * i + 2)}"`, i);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Upper-case hex, two digits per octet (the form AT+CMGS and +CMGR use). */
export function bytesToHex(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return s.toUpperCase();
}

export class OctetReader {
  pos = 0;

  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** One octet; `field` names the TP field for the error message. */
  u8(field: string): number {
    const v = this.bytes[this.pos];
    if (v === undefined) throw new PduError(`truncated PDU: ${field} missing`, this.pos);
    this.pos++;
    return v;
  }

  /** `n` octets as a view (no copy). */
  take(n: number, field: string): Uint8Array {
    if (n > this.remaining) {
      throw new PduError(`truncated PDU: ${field} needs ${n} octets, ${this.remaining} left`, this.pos);
    }
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

/**
 * Octets after the SMSC field — the <length> that AT+CMGS takes and +CMGR /
 * +CMGL / +CMT report (3GPP TS 27.005 §3.1) — of a PDU-mode hex string.
 */
export function tpduLength(hex: string): number {
  const bytes = hexToBytes(hex);
  const smscOctets = 1 + (bytes[0] ?? 0);
  if (smscOctets >= bytes.length) throw new PduError(`SMSC field of ${smscOctets} octets leaves no TPDU`, 0);
  return bytes.length - smscOctets;
}
