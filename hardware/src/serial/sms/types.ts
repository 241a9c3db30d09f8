// What the SMS PDU codec (3GPP TS 23.040, 23.038) produces and consumes.

/** One SMS-SUBMIT PDU, ready for AT+CMGS=<tpduLength> followed by `hex` and Ctrl-Z. */
export interface SubmitPdu {
  /** Hex (upper case) including the leading SMSC octet "00" (use the SIM's SMSC). */
  hex: string;
  /** Octets after the SMSC field: the number AT+CMGS wants. */
  tpduLength: number;
  /** 1-based part number and count (1/1 for a single message). */
  part: number;
  parts: number;
}

export type Encoding = 'gsm7' | 'ucs2' | '8bit';

export interface ConcatInfo {
  /** Concatenation reference: 0–255 (IEI 0x00) or 0–65535 (IEI 0x08). */
  ref: number;
  parts: number;
  part: number;
}

/** A received SMS-DELIVER, one part. */
export interface DeliverPdu {
  type: 'deliver';
  smsc: string;
  /** Originating address, international numbers with a leading "+". */
  from: string;
  /**
   * Service centre timestamp as ISO-8601 with its offset; "" when the network
   * sent a TP-SCTS that is not a date (the message is kept, not dropped).
   */
  sentAt: string;
  encoding: Encoding;
  text: string;
  concat?: ConcatInfo;
}

/** A received SMS-STATUS-REPORT (delivery report). */
export interface StatusReportPdu {
  type: 'status-report';
  /** TP-MR of the message this reports on. */
  messageRef: number;
  recipient: string;
  /** TP-ST: 0x00–0x1F delivered/final OK, 0x20–0x3F still trying, ≥0x40 failed. */
  status: number;
  delivered: boolean;
  final: boolean;
  /** TP-DT: when TP-ST was reached ("" if not a date, as for sentAt). */
  dischargedAt: string;
  /** TP-SCTS: when the service centre accepted the message reported on. */
  sentAt?: string;
  /** SMSC field in front of the report ("" when absent). */
  smsc?: string;
}

/** TP-VP of a decoded SMS-SUBMIT (3GPP TS 23.040 §9.2.3.12). */
export type SubmitValidity =
  | { kind: 'relative'; minutes: number }
  | { kind: 'absolute'; at: string }
  /** Enhanced format (§9.2.3.12.3), kept as its 7 octets of hex. */
  | { kind: 'enhanced'; hex: string };

/** An SMS-SUBMIT read back (what the daemon sent, seen by the modem simulator and tests). */
export interface DecodedSubmit {
  type: 'submit';
  /** SMSC field ("" for "00": use the SIM's SMSC). */
  smsc: string;
  to: string;
  /** TP-MR. */
  messageRef: number;
  /** TP-SRR. */
  statusReport: boolean;
  /** TP-RD. */
  rejectDuplicates: boolean;
  validity?: SubmitValidity;
  encoding: Encoding;
  text: string;
  concat?: ConcatInfo;
}

/** A whole received message after reassembly. */
export interface ReceivedSms {
  from: string;
  sentAt: string;
  text: string;
  parts: number;
}
