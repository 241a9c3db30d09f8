// SMS-SUBMIT encoder (3GPP TS 23.040 §9.2.2.2), one PDU per part, in the
// 27.005 PDU-mode form AT+CMGS takes: SMSC field "00" (use the SIM's SMSC)
// followed by the TPDU.

import { encodeNumberAddress } from './address.js';
import { PduError } from './errors.js';
import { bytesToHex } from './reader.js';
import { encodeRelativeValidity } from './timestamp.js';
import type { SubmitPdu } from './types.js';
import { buildUserData, dcsFor, planParts } from './user-data.js';

export interface SubmitOptions {
  /** Concatenation reference (0–255) carried in every part's UDH; unused for a single part. */
  ref: number;
  /**
   * TP-MR (§9.2.3.6). Default 0: "let the modem set it" — in PDU mode most
   * modems overwrite TP-MR with their own counter and report it in +CMGS.
   * When given, part n gets (messageRef + n − 1) mod 256 so that a service
   * centre honouring TP-RD does not take parts 2… for duplicates of part 1.
   */
  messageRef?: number;
  /** TP-SRR (§9.2.3.5): ask for an SMS-STATUS-REPORT. */
  statusReport?: boolean;
  /** TP-VP in relative format (§9.2.3.12.1), rounded up to the next period it can express. */
  validityMinutes?: number;
  /** TP-RD (§9.2.3.25): ask the SC to reject a duplicate (same TP-MR and TP-DA). */
  rejectDuplicates?: boolean;
}

// §9.2.2.2 first octet: bits 1–0 TP-MTI (01 = SMS-SUBMIT), bit 2 TP-RD,
// bits 4–3 TP-VPF (00 absent, 10 relative), bit 5 TP-SRR, bit 6 TP-UDHI,
// bit 7 TP-RP (reply path, never set here).
const MTI_SUBMIT = 0x01;
const RD = 0x04;
const VPF_RELATIVE = 0x10;
const SRR = 0x20;
const UDHI = 0x40;

/** Length of the 8-bit-reference concatenation UDH (§9.2.3.24.1): 05 00 03 ref parts part. */
const CONCAT_UDH_OCTETS = 6;

function checkOctet(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new PduError(`${what} must be an integer 0–255, got ${v}`);
  return v;
}

/**
 * Encode `text` to `to` ("+46708251358" international, "0708251358" or "112"
 * as dialled). GSM 7-bit when every character fits, else UCS2; split into
 * up to 255 concatenated parts when it does not fit one. Refuses an empty
 * text and a destination that is not an optional "+" and 1–20 digits.
 */
export function encodeSubmit(to: string, text: string, opts: SubmitOptions): SubmitPdu[] {
  const da = encodeNumberAddress(to, 'destination');
  const ref = checkOctet(opts.ref, 'concatenation reference');
  const baseMr = opts.messageRef === undefined ? undefined : checkOctet(opts.messageRef, 'TP-MR');
  const vp = opts.validityMinutes === undefined ? undefined : encodeRelativeValidity(opts.validityMinutes);
  const plan = planParts(text, CONCAT_UDH_OCTETS);
  const parts = plan.parts.length;

  return plan.parts.map((chunk, i) => {
    const concat = parts > 1 ? { ref, parts, part: i + 1 } : undefined;
    const { udl, ud } = buildUserData(plan.encoding, chunk, concat);
    const first =
      MTI_SUBMIT |
      (opts.rejectDuplicates ? RD : 0) |
      (vp !== undefined ? VPF_RELATIVE : 0) |
      (opts.statusReport ? SRR : 0) |
      (concat ? UDHI : 0);
    const mr = baseMr === undefined ? 0 : (baseMr + i) & 0xff;
    const tpdu = [
      first,
      mr, // TP-MR §9.2.3.6
      ...da, // TP-DA §9.1.2.5
      0x00, // TP-PID §9.2.3.9: plain SME-to-SME short message
      dcsFor(plan.encoding), // TP-DCS, TS 23.038 §4
      ...(vp !== undefined ? [vp] : []), // TP-VP §9.2.3.12.1
      udl, // TP-UDL §9.2.3.16
      ...ud, // TP-UD §9.2.3.24
    ];
    return { hex: `00${bytesToHex(tpdu)}`, tpduLength: tpdu.length, part: i + 1, parts };
  });
}
