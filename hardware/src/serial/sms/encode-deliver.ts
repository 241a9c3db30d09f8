// SMS-DELIVER and SMS-STATUS-REPORT encoders (3GPP TS 23.040 §9.2.2.1,
// §9.2.2.3) for the GSM modem simulator: it injects inbound messages and
// delivery reports as the PDU-mode hex a real modem would print after +CMT,
// +CMGR or +CDS, SMSC field included.

import { encodeNumberAddress, encodeOriginatorAddress, encodeSmscAddress } from './address.js';
import { PduError } from './errors.js';
import { bytesToHex } from './reader.js';
import { encodeTimestamp } from './timestamp.js';
import { buildUserData, concatUdhOctets, dcsFor, planParts } from './user-data.js';

export interface DeliverOptions {
  /** TP-SCTS: when the service centre received the message. */
  sentAt: Date;
  /** The SC's time zone in quarter-hours from GMT (default 0). */
  tzQuarterHours?: number;
  /** Concatenation reference: 0–255 gives the 8-bit IE (0x00), 256–65535 the 16-bit IE (0x08). Default 0. */
  concatRef?: number;
  /** SMSC address ("+4670…"); omitted -> SMSC field "00". */
  smsc?: string;
}

// §9.2.2.1 first octet: MTI 00; bit 2 TP-MMS = 1 "no more messages are
// waiting" (what a lone delivery carries); bit 6 TP-UDHI.
const MTI_DELIVER = 0x00;
const MMS_NO_MORE = 0x04;
const UDHI = 0x40;

/**
 * One SMS-DELIVER per part from `from` (a number, "+…" international, or an
 * alphanumeric sender of up to 11 GSM characters such as "Operator").
 */
export function encodeDeliver(from: string, text: string, opts: DeliverOptions): string[] {
  const oa = encodeOriginatorAddress(from);
  const smsc = encodeSmscAddress(opts.smsc);
  const scts = encodeTimestamp(opts.sentAt, opts.tzQuarterHours ?? 0);
  const ref = opts.concatRef ?? 0;
  if (!Number.isInteger(ref) || ref < 0 || ref > 0xffff) throw new PduError(`concatenation reference must be an integer 0–65535, got ${ref}`);
  const plan = planParts(text, concatUdhOctets(ref));
  const parts = plan.parts.length;

  return plan.parts.map((chunk, i) => {
    const concat = parts > 1 ? { ref, parts, part: i + 1 } : undefined;
    const { udl, ud } = buildUserData(plan.encoding, chunk, concat);
    const tpdu = [
      MTI_DELIVER | MMS_NO_MORE | (concat ? UDHI : 0),
      ...oa, // TP-OA §9.1.2.5
      0x00, // TP-PID §9.2.3.9
      dcsFor(plan.encoding), // TP-DCS, TS 23.038 §4
      ...scts, // TP-SCTS §9.2.3.11
      udl, // TP-UDL §9.2.3.16
      ...ud, // TP-UD §9.2.3.24
    ];
    return bytesToHex([...smsc, ...tpdu]);
  });
}

export interface StatusReportOptions {
  /** TP-MR of the SMS-SUBMIT reported on (as the modem returned it in +CMGS). */
  messageRef: number;
  /** TP-ST (§9.2.3.15): 0x00 delivered, 0x20–0x3F still trying, ≥ 0x40 failed. */
  status: number;
  /** TP-SCTS: when the SC accepted the original message. */
  sentAt: Date;
  /** TP-DT: when the status was reached. */
  dischargedAt: Date;
  tzQuarterHours?: number;
  smsc?: string;
}

// §9.2.2.3 first octet: MTI 10, bit 2 TP-MMS (1 = no more), bit 5 TP-SRQ = 0
// (the report is on an SMS-SUBMIT).
const MTI_STATUS_REPORT = 0x02;

/** One SMS-STATUS-REPORT for a message sent to `recipient`. No optional TP-PI part. */
export function encodeStatusReport(recipient: string, opts: StatusReportOptions): string {
  for (const [name, v] of [['TP-MR', opts.messageRef], ['TP-ST', opts.status]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new PduError(`${name} must be an integer 0–255, got ${v}`);
  }
  const tz = opts.tzQuarterHours ?? 0;
  const tpdu = [
    MTI_STATUS_REPORT | MMS_NO_MORE,
    opts.messageRef, // TP-MR §9.2.3.6
    ...encodeNumberAddress(recipient, 'recipient'), // TP-RA §9.2.3.14
    ...encodeTimestamp(opts.sentAt, tz), // TP-SCTS §9.2.3.11
    ...encodeTimestamp(opts.dischargedAt, tz), // TP-DT §9.2.3.13
    opts.status, // TP-ST §9.2.3.15
  ];
  return bytesToHex([...encodeSmscAddress(opts.smsc), ...tpdu]);
}
