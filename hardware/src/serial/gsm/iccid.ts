// The SIM's ICCID, which names the card (ITU-T E.118). The command differs
// per vendor — SIM800 AT+CCID, Quectel AT+QCCID, SIM7x00 AT+CICCID, others
// AT+ICCID — so they are tried in that order until one answers. EF ICCID is
// readable without the PIN (ETSI TS 102 221 §13.2: access condition READ
// ALW), and these modems read it before the PIN is entered; a firmware that
// refuses (+CME ERROR: SIM PIN required) leaves it unknown.
import type { AtResult } from '../at/types.js';
import { findIdentity } from './signal.js';

const ICCID_COMMANDS = ['AT+CCID', 'AT+QCCID', 'AT+CICCID', 'AT+ICCID'];

export async function readIccid(at: (cmd: string) => Promise<AtResult>): Promise<string | undefined> {
  for (const cmd of ICCID_COMMANDS) {
    const r = await at(cmd);
    const iccid = r.kind === 'ok' ? findIdentity(r.lines, 'iccid') : undefined;
    if (iccid) return iccid;
    // Answered without an ICCID, or gone: do not try the others. An error means
    // "not this vendor's command" — or, before the PIN, "not now": the next one may still answer.
    if (r.kind !== 'error') return undefined;
  }
  return undefined;
}
