// Which lines are unsolicited result codes (URCs), not part of a command's
// response. Pure: a line and the command in flight in, a verdict out.
//
// Sources:
// - 3GPP TS 27.007: RING/+CRING (§6.11), +CLIP (§7.6), +CCWA (§7.12),
//   +CSSI/+CSSU (§7.17), +CUSD (§7.15), +CREG (§7.2), +CGREG (§10.1.20),
//   +CEREG (§10.1.22), +C5GREG (§10.1.48), +CGEV (§10.1.19), +CIEV (§8.10),
//   +CTZV/+CTZE (§8.41), +CPIN (read response, sent unsolicited by SIMCom).
// - 3GPP TS 27.005 §3.4.1 (+CNMI): +CMTI/+CDSI/+CBMI (index in storage);
//   +CMT/+CBM (the message follows on the next line, in PDU or text mode);
//   +CDS: in PDU mode "+CDS: <length>" followed by the PDU line, in text mode
//   a single line.
// - ITU-T V.250 §6.3.1: NO CARRIER / BUSY / NO ANSWER / NO DIALTONE are the
//   final results of ATD/ATA. For a voice call ("ATD…;") the modem answers OK
//   at once and reports the end of the call later, so outside ATD/ATA they
//   are URCs.
// - SIMCom SIM800 Series AT Command Manual v1.10: RDY, Call Ready, SMS Ready,
//   +CFUN, +CPIN, NORMAL POWER DOWN, UNDER-VOLTAGE POWER DOWN/WARNNING (sic),
//   OVER-VOLTAGE POWER DOWN/WARNNING, *PSUTTZ/+PSUTTZ/DST (network time),
//   MO RING/MO CONNECTED (AT+MORING=1), +CLCC (AT+CLCC=1).
//   +CMTE (temperature warning / power-down, SIM800C Hardware Design §4.2.2.4;
//   the hardware designs also write "… POWER OFF" for "… POWER DOWN").
// - Quectel EC2x: "POWERED DOWN" (AT+QPOWD); Quectel M95/MC60/M50: the SIMCom
//   voltage words with an underscore ("UNDER_VOLTAGE WARNING"); see
//   gsm/power-notices.ts for what each means.
// - SIM7x00 / Quectel: "VOICE CALL: BEGIN|END", PB DONE, +QIND, +SIMCARD;
//   Huawei-style "^NAME:" lines are all treated as URCs.

export interface InFlight {
  /** The command line as sent, without the trailing CR. */
  command: string;
  /** AtCommandOptions.prefix: lines starting with it are the response. */
  prefix?: string;
}

export interface UrcMatch {
  /** "+CMTI", "RING", "UNDER-VOLTAGE WARNNING", … */
  name: string;
  /** What follows "NAME: " ('' for bare words). */
  args: string;
  /** The next line is this URC's body (+CMT, +CBM, +CDS in PDU mode). */
  bodyFollows: boolean;
}

/** "+NAME:" URCs (27.007 / 27.005 / vendor). */
const PREFIXED = new Set([
  '+CRING', '+CLIP', '+CCWA', '+CSSI', '+CSSU', '+CUSD', '+CREG', '+CGREG', '+CEREG', '+C5GREG', '+CGEV',
  '+CIEV', '+CTZV', '+CTZE', '+CMTI', '+CDSI', '+CBMI', '+CMT', '+CBM', '+CDS', '+CPIN', '+CFUN', '+CLCC',
  '+QIND', '+SIMCARD', '+PSUTTZ', '*PSUTTZ', 'DST', 'VOICE CALL', '+CSQN', '+STIN', '+CMTE',
]);

/** Whole-line URCs that never belong to a command. */
const BARE = new Set([
  'RING', 'RDY', 'Call Ready', 'SMS Ready', 'PB DONE', 'NORMAL POWER DOWN', 'NORMAL POWER OFF', 'POWERED DOWN',
  'UNDER-VOLTAGE POWER DOWN', 'UNDER-VOLTAGE POWER OFF', 'UNDER-VOLTAGE WARNNING', 'UNDER-VOLTAGE WARNING',
  'OVER-VOLTAGE POWER DOWN', 'OVER-VOLTAGE POWER OFF', 'OVER-VOLTAGE WARNNING', 'OVER-VOLTAGE WARNING',
  'UNDER_VOLTAGE POWER DOWN', 'UNDER_VOLTAGE WARNING', 'OVER_VOLTAGE POWER DOWN', 'OVER_VOLTAGE WARNING',
  'MO RING', 'MO CONNECTED',
].map((s) => s.toUpperCase()));

/** Call results: final for ATD/ATA, unsolicited otherwise (V.250 §6.3.1). */
export const CALL_RESULTS = ['NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE'] as const;

/** ATD (dial, incl. ATDL redial) and ATA (answer) wait for a call result. */
export function isCallCommand(command: string): boolean {
  return /^AT[DA]/i.test(command.trim());
}

export type CommandForm = 'read' | 'test' | 'set' | 'exec';

/**
 * The information-response prefix of an extended command (27.007 §4.1):
 * AT+CSQ → "+CSQ:" (exec), AT+CREG? → "+CREG:" (read), AT+CPIN="1234" → set.
 */
export function responsePrefix(command: string): { prefix: string; form: CommandForm } | undefined {
  const m = /^AT([+^*$%][A-Z0-9]+)(=\?|\?|=)?/i.exec(command.trim());
  if (!m) return undefined;
  const form: CommandForm = m[2] === '=?' ? 'test' : m[2] === '?' ? 'read' : m[2] === '=' ? 'set' : 'exec';
  return { prefix: `${m[1]!.toUpperCase()}:`, form };
}

function splitName(line: string): { name: string; args: string } | undefined {
  // "+CMTI: "SM",3", "^RSSI:12", "VOICE CALL: END: 0012"
  const m = /^([+*^]?[A-Za-z0-9][A-Za-z0-9 ]*?):\s*(.*)$/.exec(line);
  return m ? { name: m[1]!.toUpperCase(), args: m[2]! } : undefined;
}

/**
 * Is `line` a URC, given the command in flight (if any)?
 *
 * A "+NAME:" line that both a URC and a response use (+CREG, +CPIN, +CUSD, +CLCC …)
 * is the command's response when `inFlight.prefix` names it, or when the
 * command is the read/test/exec form of that same NAME. For the set form
 * (AT+CPIN="1234", AT+CUSD=1,"*100#", AT+CFUN=1) the standard response has no
 * such line, and the +NAME: that follows is the state change: a URC.
 */
export function classifyUrc(line: string, inFlight?: InFlight): UrcMatch | undefined {
  const upper = line.toUpperCase();
  if (inFlight?.prefix && upper.startsWith(inFlight.prefix.toUpperCase())) return undefined;
  if (BARE.has(upper)) return { name: line, args: '', bodyFollows: false };
  if ((CALL_RESULTS as readonly string[]).includes(upper)) {
    return inFlight && isCallCommand(inFlight.command) ? undefined : { name: upper, args: '', bodyFollows: false };
  }
  const named = splitName(line);
  if (!named) return undefined;
  const vendor = named.name.startsWith('^');
  if (!vendor && !PREFIXED.has(named.name)) return undefined;
  if (inFlight) {
    const own = responsePrefix(inFlight.command);
    if (own && own.form !== 'set' && own.prefix === `${named.name}:`) return undefined;
  }
  const bodyFollows =
    named.name === '+CMT' || named.name === '+CBM' || (named.name === '+CDS' && /^\d+$/.test(named.args.trim()));
  return { name: named.name, args: named.args, bodyFollows };
}
