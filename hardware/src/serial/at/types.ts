// The AT engine's vocabulary (3GPP TS 27.007 / 27.005). Commands report
// failure as values, never by throwing, and every command has a timeout
// (STYLE.md 3).

/** How a command ended. */
export type AtResult =
  | { kind: 'ok'; /** Intermediate/information lines that belong to this command, in order. */ lines: string[] }
  | {
      kind: 'error';
      /** `ERROR`, `+CME ERROR`, `+CMS ERROR`, or a call result such as `NO CARRIER`, `BUSY`, `NO ANSWER`, `NO DIALTONE`. */
      code: 'ERROR' | 'CME' | 'CMS' | 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE';
      /** The numeric code of +CME/+CMS ERROR when given as a number. */
      n?: number;
      /** Readable text: "SIM PIN required", "incorrect password", … (from the number or the modem's verbose text). */
      message: string;
      lines: string[];
    }
  | { kind: 'timeout'; lines: string[] }
  | { kind: 'disconnected' };

export interface AtCommandOptions {
  /** Default 5000 ms; +COPS=? and +CMGS need longer. */
  timeoutMs?: number;
  /**
   * Information lines starting with this prefix (e.g. "+CSQ:") are this command's
   * response, not unsolicited codes. Lines without a known URC prefix are also the
   * command's. Needed because +CREG: / +CEREG: / +CUSD: are both URCs and responses.
   */
  prefix?: string;
  /** For AT+CMGS: after the "> " prompt, send this (PDU hex) followed by Ctrl-Z. */
  body?: string;
}

/** An unsolicited result code, separated from command responses. */
export interface Urc {
  /** RING, +CLIP, +CMTI, +CDSI, +CMT, +CDS, +CREG, +CEREG, +CUSD, NO CARRIER, NORMAL POWER DOWN, UNDER-VOLTAGE POWER DOWN, UNDER-VOLTAGE WARNNING, +CPIN, … */
  name: string;
  /** Everything after "NAME: " (empty for RING etc.). */
  args: string;
  /** The raw line. */
  line: string;
  /** For +CMT / +CDS, which carry the PDU on the following line. */
  pdu?: string;
}
