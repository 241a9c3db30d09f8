// +CME ERROR / +CMS ERROR: numbers to readable text.
//
// A modem reports a failed command as "+CME ERROR: <err>" (3GPP TS 27.007
// §9.2, mobile equipment errors) or, for SMS commands, "+CMS ERROR: <err>"
// (3GPP TS 27.005 §3.2.5). AT+CMEE=1 gives numbers, AT+CMEE=2 verbose text
// ("+CME ERROR: SIM PIN required"), AT+CMEE=0 a bare "ERROR". Verbose text is
// kept as the modem sent it; its number is looked up when the text is a
// standard one, so callers can switch on `n` whatever the CMEE setting.

/** 3GPP TS 27.007 §9.2.1 (general) and §9.2.2 (GPRS/packet domain) values. */
export const CME_ERRORS: Readonly<Record<number, string>> = {
  0: 'phone failure',
  1: 'no connection to phone',
  2: 'phone-adaptor link reserved',
  3: 'operation not allowed',
  4: 'operation not supported',
  5: 'PH-SIM PIN required',
  6: 'PH-FSIM PIN required',
  7: 'PH-FSIM PUK required',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  15: 'SIM wrong',
  16: 'incorrect password',
  17: 'SIM PIN2 required',
  18: 'SIM PUK2 required',
  20: 'memory full',
  21: 'invalid index',
  22: 'not found',
  23: 'memory failure',
  24: 'text string too long',
  25: 'invalid characters in text string',
  26: 'dial string too long',
  27: 'invalid characters in dial string',
  30: 'no network service',
  31: 'network timeout',
  32: 'network not allowed - emergency calls only',
  40: 'network personalization PIN required',
  41: 'network personalization PUK required',
  42: 'network subset personalization PIN required',
  43: 'network subset personalization PUK required',
  44: 'service provider personalization PIN required',
  45: 'service provider personalization PUK required',
  46: 'corporate personalization PIN required',
  47: 'corporate personalization PUK required',
  48: 'hidden key required',
  49: 'EAP method not supported',
  50: 'incorrect parameters',
  51: 'command implemented but currently disabled',
  52: 'command aborted by user',
  53: 'not attached to network due to MT functionality restrictions',
  54: 'modem not allowed - MT restricted to emergency calls only',
  55: 'operation not allowed because of MT functionality restrictions',
  56: 'fixed dial number only allowed',
  57: 'temporarily out of service due to other MT usage',
  58: 'language/alphabet not supported',
  59: 'unexpected data value',
  60: 'system failure',
  61: 'data missing',
  62: 'call barred',
  63: 'message waiting indication subscription failure',
  100: 'unknown',
  // §9.2.2: GPRS errors, 24.008 reject causes + 100.
  103: 'illegal MS',
  106: 'illegal ME',
  107: 'GPRS services not allowed',
  111: 'PLMN not allowed',
  112: 'location area not allowed',
  113: 'roaming not allowed in this location area',
  132: 'service option not supported',
  133: 'requested service option not subscribed',
  134: 'service option temporarily out of order',
  148: 'unspecified GPRS error',
  149: 'PDP authentication failure',
  150: 'invalid mobile class',
};

/** 3GPP TS 27.005 §3.2.5 values 300–500 (ME/TA errors). */
export const CMS_ERRORS: Readonly<Record<number, string>> = {
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  312: 'PH-SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  315: 'SIM wrong',
  316: 'SIM PUK required',
  317: 'SIM PIN2 required',
  318: 'SIM PUK2 required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  340: 'no +CNMA acknowledgement expected',
  500: 'unknown error',
};

/**
 * +CMS ERROR 0–127: the network refused the message, with an RP-Cause of
 * 3GPP TS 24.011 Annex E.2 (what the SMSC / MSC said).
 */
export const CMS_NETWORK_CAUSES: Readonly<Record<number, string>> = {
  1: 'unassigned (unallocated) number',
  8: 'operator determined barring',
  10: 'call barred',
  17: 'network failure',
  21: 'short message transfer rejected',
  22: 'memory capacity exceeded',
  27: 'destination out of order',
  28: 'unidentified subscriber',
  29: 'facility rejected',
  30: 'unknown subscriber',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'congestion',
  47: 'resources unavailable, unspecified',
  50: 'requested facility not subscribed',
  69: 'requested facility not implemented',
  81: 'invalid short message transfer reference value',
  95: 'semantically incorrect message',
  96: 'invalid mandatory information',
  97: 'message type non-existent or not implemented',
  98: 'message not compatible with short message protocol state',
  99: 'information element non-existent or not implemented',
  111: 'protocol error, unspecified',
  127: 'interworking, unspecified',
};

/** +CMS ERROR 128–255: the SMSC's TP-Failure-Cause, 3GPP TS 23.040 §9.2.3.22. */
export const CMS_TP_FAILURE_CAUSES: Readonly<Record<number, string>> = {
  0x80: 'telematic interworking not supported',
  0x81: 'short message type 0 not supported',
  0x82: 'cannot replace short message',
  0x8f: 'unspecified TP-PID error',
  0x90: 'data coding scheme (alphabet) not supported',
  0x91: 'message class not supported',
  0x9f: 'unspecified TP-DCS error',
  0xa0: 'command cannot be actioned',
  0xa1: 'command unsupported',
  0xaf: 'unspecified TP-Command error',
  0xb0: 'TPDU not supported',
  0xc0: 'SC busy',
  0xc1: 'no SC subscription',
  0xc2: 'SC system failure',
  0xc3: 'invalid SME address',
  0xc4: 'destination SME barred',
  0xc5: 'SM rejected - duplicate SM',
  0xc6: 'TP-VPF not supported',
  0xc7: 'TP-VP not supported',
  0xd0: 'SIM SMS storage full',
  0xd1: 'no SMS storage capability in SIM',
  0xd2: 'error in MS',
  0xd3: 'memory capacity exceeded',
  0xd4: 'SIM Application Toolkit busy',
  0xd5: 'SIM data download error',
  0xff: 'unspecified error cause',
};

export function cmeMessage(n: number): string {
  return CME_ERRORS[n] ?? `CME error ${n} (manufacturer specific or unknown)`;
}

export function cmsMessage(n: number): string {
  if (n < 128) {
    const cause = CMS_NETWORK_CAUSES[n];
    return cause ? `${cause} (network cause ${n})` : `network cause ${n}`;
  }
  if (n < 256) {
    const cause = CMS_TP_FAILURE_CAUSES[n];
    return cause ? `${cause} (SMSC failure cause ${n})` : `SMSC failure cause ${n}`;
  }
  return CMS_ERRORS[n] ?? `CMS error ${n} (manufacturer specific or unknown)`;
}

function reverse(table: Readonly<Record<number, string>>): Map<string, number> {
  return new Map(Object.entries(table).map(([n, text]) => [text.toLowerCase(), Number(n)]));
}
const CME_BY_TEXT = reverse(CME_ERRORS);
const CMS_BY_TEXT = reverse(CMS_ERRORS);

export interface ParsedError {
  code: 'CME' | 'CMS';
  n?: number;
  message: string;
}

/** "+CME ERROR: 11", "+CMS ERROR: 330", "+CME ERROR: SIM PIN required" → code, number, text. */
export function parseErrorLine(line: string): ParsedError | undefined {
  const m = /^\+(CME|CMS) ERROR:\s*(.*)$/i.exec(line);
  if (!m) return undefined;
  const code = m[1]!.toUpperCase() === 'CME' ? 'CME' : 'CMS';
  const arg = m[2]!.trim();
  if (/^\d+$/.test(arg)) {
    const n = Number(arg);
    return { code, n, message: code === 'CME' ? cmeMessage(n) : cmsMessage(n) };
  }
  // Verbose (AT+CMEE=2): keep the modem's words; the number is known when the text is the standard one.
  const n = (code === 'CME' ? CME_BY_TEXT : CMS_BY_TEXT).get(arg.toLowerCase());
  const message = arg === '' ? 'unknown error' : arg;
  return n === undefined ? { code, message } : { code, n, message };
}
