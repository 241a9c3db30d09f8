// Decoders: messages from the network — SMS-DELIVER (3GPP TS 23.040
// §9.2.2.1) and SMS-STATUS-REPORT (§9.2.2.3) — and SMS-SUBMIT (§9.2.2.2),
// read back for the modem simulator and the tests. Input is 27.005 PDU-mode
// hex: the SMSC field, then the TPDU.
//
// Every malformed input throws PduError naming the field and octet: all reads
// go through OctetReader, which is bounds-checked, and every length is checked
// against what is left before it is used.

import { readAddress, readSmscAddress } from './address.js';
import { PduError } from './errors.js';
import { OctetReader, bytesToHex, hexToBytes } from './reader.js';
import { readTimestamp, relativeValidityMinutes } from './timestamp.js';
import type { DecodedSubmit, DeliverPdu, StatusReportPdu, SubmitValidity } from './types.js';
import { parseDcs, readUserData } from './user-data.js';

export { PduError } from './errors.js';

// First octet, all types: bits 1–0 TP-MTI (§9.2.3.1), bit 6 TP-UDHI (§9.2.3.23).
const MTI_MASK = 0x03;
const MTI_DELIVER = 0x00;
const MTI_SUBMIT = 0x01;
const MTI_STATUS_REPORT = 0x02;
const UDHI = 0x40;

export interface DecodeOptions {
  /**
   * The <length> the modem printed with the PDU (+CMGR, +CMGL, +CMT, +CDS):
   * 27.005 §3.1 "the length of the actual TP data unit in octets (i.e. the RP
   * layer SMSC address octets are not counted in the length)". When the hex
   * holds exactly that many octets, the firmware left the SMSC field out —
   * some do for status reports — and the hex is the TPDU alone.
   */
  tpduLength?: number;
}

/** Decode a PDU received from the network (+CMT, +CMGR, +CMGL, +CDS). */
export function decodePdu(hex: string, opts: DecodeOptions = {}): DeliverPdu | StatusReportPdu {
  const bytes = hexToBytes(hex);
  if (opts.tpduLength !== undefined && bytes.length === opts.tpduLength) return decodeTpdu(new OctetReader(bytes), '');
  try {
    const r = new OctetReader(bytes);
    const smsc = readSmscAddress(r);
    return decodeTpdu(r, smsc);
  } catch (err) {
    // Without <length>: a status report printed without its SMSC field reads
    // as an SMSC field of garbage. Taken as a bare TPDU only when it decodes
    // as a status report that way; a DELIVER is never guessed at (a wrong
    // guess would hand over a garbled message instead of reporting it).
    if (opts.tpduLength === undefined && ((bytes[0] ?? 0) & MTI_MASK) === MTI_STATUS_REPORT) {
      try {
        const bare = decodeTpdu(new OctetReader(bytes), '');
        if (bare.type === 'status-report') return bare;
      } catch {
        // not that either: the first error names the problem
      }
    }
    throw err;
  }
}

function decodeTpdu(r: OctetReader, smsc: string): DeliverPdu | StatusReportPdu {
  const at = r.pos;
  const first = r.u8('first octet');
  switch (first & MTI_MASK) {
    case MTI_DELIVER:
      return readDeliver(r, smsc, first);
    case MTI_STATUS_REPORT:
      return readStatusReport(r, smsc);
    case MTI_SUBMIT:
      // Towards the MS, MTI 01 is SMS-SUBMIT-REPORT; in a +CMGL listing it is
      // a stored outgoing SMS-SUBMIT. Neither is a received message.
      throw new PduError('TP-MTI 01 (SMS-SUBMIT / SUBMIT-REPORT) is not a received message; use decodeSubmit for a SUBMIT', at);
    default:
      throw new PduError('TP-MTI 11 is reserved', at);
  }
}

/**
 * §9.2.2.1: first octet (MTI 00, bit 2 TP-MMS, bit 3 TP-LP, bit 5 TP-SRI,
 * bit 6 TP-UDHI, bit 7 TP-RP), TP-OA, TP-PID, TP-DCS, TP-SCTS, TP-UDL, TP-UD.
 */
function readDeliver(r: OctetReader, smsc: string, first: number): DeliverPdu {
  const from = readAddress(r, 'TP-OA');
  r.u8('TP-PID');
  const dcsAt = r.pos;
  const dcs = parseDcs(r.u8('TP-DCS'), dcsAt);
  const sentAt = readTimestamp(r, 'TP-SCTS');
  const ud = readUserData(r, dcs.encoding, (first & UDHI) !== 0);
  const pdu: DeliverPdu = { type: 'deliver', smsc, from, sentAt, encoding: dcs.encoding, text: ud.text };
  if (ud.concat) pdu.concat = ud.concat;
  return pdu;
}

/**
 * §9.2.2.3: first octet (MTI 10, bit 5 TP-SRQ, bit 6 TP-UDHI), TP-MR, TP-RA,
 * TP-SCTS, TP-DT, TP-ST, then optionally TP-PI and the fields it announces.
 * Nothing after TP-ST is needed, so the optional part is not read.
 *
 * TP-ST (§9.2.3.15): 0x00–0x1F transaction completed (0x00 received by the
 * SME); 0x20–0x3F temporary error, SC still trying; 0x40–0x5F permanent
 * error; 0x60–0x7F temporary error, SC no longer trying; other values
 * reserved, taken as failed and final.
 */
function readStatusReport(r: OctetReader, smsc: string): StatusReportPdu {
  const messageRef = r.u8('TP-MR');
  const recipient = readAddress(r, 'TP-RA');
  const sentAt = readTimestamp(r, 'TP-SCTS');
  const dischargedAt = readTimestamp(r, 'TP-DT');
  const status = r.u8('TP-ST');
  return {
    type: 'status-report',
    messageRef,
    recipient,
    status,
    delivered: status <= 0x1f,
    final: !(status >= 0x20 && status <= 0x3f),
    dischargedAt,
    sentAt,
    smsc,
  };
}

/**
 * Decode an SMS-SUBMIT (§9.2.2.2): first octet (MTI 01, bit 2 TP-RD, bits
 * 4–3 TP-VPF, bit 5 TP-SRR, bit 6 TP-UDHI, bit 7 TP-RP), TP-MR, TP-DA,
 * TP-PID, TP-DCS, TP-VP (0, 1 or 7 octets by TP-VPF), TP-UDL, TP-UD.
 */
export function decodeSubmit(hex: string): DecodedSubmit {
  const r = new OctetReader(hexToBytes(hex));
  const smsc = readSmscAddress(r);
  const at = r.pos;
  const first = r.u8('first octet');
  if ((first & MTI_MASK) !== MTI_SUBMIT) {
    throw new PduError(`TP-MTI ${(first & MTI_MASK).toString(2).padStart(2, '0')} is not SMS-SUBMIT (01)`, at);
  }
  const messageRef = r.u8('TP-MR');
  const to = readAddress(r, 'TP-DA');
  r.u8('TP-PID');
  const dcsAt = r.pos;
  const dcs = parseDcs(r.u8('TP-DCS'), dcsAt);
  // §9.2.3.3 TP-VPF: 00 absent, 10 relative (1 octet), 01 enhanced (7), 11 absolute (7).
  let validity: SubmitValidity | undefined;
  switch ((first >> 3) & 0x03) {
    case 0b10:
      validity = { kind: 'relative', minutes: relativeValidityMinutes(r.u8('TP-VP')) };
      break;
    case 0b01:
      validity = { kind: 'enhanced', hex: bytesToHex(r.take(7, 'TP-VP (enhanced)')) };
      break;
    case 0b11:
      validity = { kind: 'absolute', at: readTimestamp(r, 'TP-VP (absolute)') };
      break;
    default:
      break;
  }
  const ud = readUserData(r, dcs.encoding, (first & UDHI) !== 0);
  const out: DecodedSubmit = {
    type: 'submit',
    smsc,
    to,
    messageRef,
    statusReport: (first & 0x20) !== 0,
    rejectDuplicates: (first & 0x04) !== 0,
    encoding: dcs.encoding,
    text: ud.text,
  };
  if (validity) out.validity = validity;
  if (ud.concat) out.concat = ud.concat;
  return out;
}
