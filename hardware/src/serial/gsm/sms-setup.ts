// SMS set-up once the SIM is usable, and the SIM's identity.
//
// AT+CMGF=0: PDU mode (27.005 §3.2.3), the only mode that carries UCS2 and
// concatenation exactly. Right after the PIN the SIM is still loading its
// phone book and SMS storage and answers +CMS ERROR: 314 (SIM busy) for a few
// seconds, so AT+CMGF is retried.
//
// AT+CNMI=2,1,0,2,0 (27.005 §3.4.1): mode 2 buffers indications while the
// port is busy; mt=1 stores a new SMS and announces "+CMTI: <mem>,<index>" —
// the message lives in the modem's memory until we delete it, so nothing is
// lost while the daemon is down; ds=2 stores status reports and announces
// +CDSI for the same reason. Modems without ds=2 get 2,1,0,1,0 (+CDS: the
// report in the URC itself), then 2,1,0,0,0 (no reports).
//
// Identity: AT+CIMI (IMSI) and the ICCID (iccid.ts).
import { sleep, type Clock } from '../../clock.js';
import type { AtResult } from '../at/types.js';
import { readIccid } from './iccid.js';
import { findIdentity } from './signal.js';

const SIM_BUSY_TRIES = 5;
const SIM_BUSY_WAIT_MS = 1000;
const CNMI_CHOICES = ['AT+CNMI=2,1,0,2,0', 'AT+CNMI=2,1,0,1,0', 'AT+CNMI=2,1,0,0,0'];

export async function setupSms(
  at: (cmd: string) => Promise<AtResult>,
  clock: Clock,
  stale: () => boolean,
): Promise<{ imsi?: string; iccid?: string }> {
  for (let i = 0; i < SIM_BUSY_TRIES; i++) {
    const r = await at('AT+CMGF=0');
    if (r.kind === 'ok' || r.kind === 'disconnected' || stale()) break;
    await sleep(clock, SIM_BUSY_WAIT_MS);
  }
  for (const cnmi of CNMI_CHOICES) if ((await at(cnmi)).kind !== 'error') break;
  const out: { imsi?: string; iccid?: string } = {};
  const imsi = await at('AT+CIMI');
  const found = findIdentity(imsi.kind === 'ok' ? imsi.lines : [], 'imsi');
  if (found) out.imsi = found;
  const iccid = await readIccid(at);
  if (iccid) out.iccid = iccid;
  return out;
}
