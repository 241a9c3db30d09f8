// The state of the simulated GSM modem and the replies its handlers share
// (gsm-modem-sim-commands.ts for the general and call commands,
// gsm-modem-sim-sms.ts for SMS): 3GPP TS 27.007 / 27.005 result and error codes.
import { CME_ERRORS, CMS_ERRORS } from '../../serial/at/errors.js';

/** Which family the simulator imitates; they differ in the ICCID command and LTE support. */
export type SimModel = 'sim800' | 'sim7600' | 'ec25';
export type SimCardState = 'ready' | 'pin' | 'puk' | 'absent';

/** A memory slot ("SM"): a received SMS-DELIVER or a stored status report, as the hex the network delivered. */
export interface SmsSlot {
  /** 27.005 <stat> in PDU mode: 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT. */
  stat: 0 | 1 | 2 | 3;
  hex: string;
  /** 27.005 §3.1 <length>: octets of the TPDU, the SMSC field not counted (also when the firmware leaves that field out). */
  length: number;
  kind: 'deliver' | 'status-report';
}

export interface CallState {
  dir: 'in' | 'out';
  number: string;
  state: 'ringing' | 'dialing' | 'active';
}

export interface ModemState {
  model: SimModel;
  echo: boolean;
  /** +CMEE: 0 plain ERROR, 1 numeric, 2 verbose. */
  cmee: 0 | 1 | 2;
  sim: SimCardState;
  /** The SIM asks for its PIN after a power cycle (setSim('pin', …) enables it). */
  pinEnabled: boolean;
  pin: string;
  puk: string;
  pinAttempts: number;
  pukAttempts: number;
  /** 27.007 +CREG <stat>: 0 not searching, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming. */
  regStat: number;
  cregN: number;
  ceregN: number;
  rssi: number;
  ber: number;
  operator: string;
  lac: string;
  ci: string;
  imei: string;
  imsi: string;
  iccid: string;
  /** The ICCID is answered before the PIN (real modems: EF ICCID is READ ALW, ETSI TS 102 221 §13.2); false for a firmware that will not. */
  iccidBeforePin: boolean;
  smsc: string;
  cmgf: 0 | 1;
  cscs: string;
  /** +CNMI <mode>,<mt>,<bm>,<ds>,<bfr>. */
  cnmi: [number, number, number, number, number];
  clip: boolean;
  cusdN: number;
  slots: (SmsSlot | undefined)[];
  call: CallState | undefined;
  ussdReplies: Record<string, string>;
}

/** What a command line produced: info lines and a final result code, or the SMS prompt. */
export type Reply = { lines: string[]; final: string } | { prompt: number };

/** Side effects a handler needs from the simulator. */
export interface ModemActions {
  ussd(code: string): void;
  dial(number: string): void;
  answer(): void;
  hangup(): void;
  registrationChanged(): void;
  /** Slots (1-based) were freed by +CMGD. */
  deleted(indexes: number[]): void;
}

export function cmeError(s: ModemState, n: number): Reply {
  return { lines: [], final: errorText(s, 'CME', n, CME_ERRORS[n] ?? 'unknown') };
}

export function cmsError(s: ModemState, n: number): Reply {
  return { lines: [], final: errorText(s, 'CMS', n, CMS_ERRORS[n] ?? 'unknown error') };
}

function errorText(s: ModemState, kind: 'CME' | 'CMS', n: number, text: string): string {
  if (s.cmee === 0) return 'ERROR';
  return `+${kind} ERROR: ${s.cmee === 1 ? String(n) : text}`;
}

export const ok = (...lines: string[]): Reply => ({ lines, final: 'OK' });
export const ERROR: Reply = { lines: [], final: 'ERROR' };

/** The registration the network grants: nothing without a usable SIM. */
export function effectiveReg(s: ModemState): number {
  return s.sim === 'ready' ? s.regStat : 0;
}

export function isRegistered(s: ModemState): boolean {
  const r = effectiveReg(s);
  return r === 1 || r === 5;
}

/** +CREG / +CEREG as a read response (with <n>) or a URC (without). */
export function regLine(s: ModemState, name: 'CREG' | 'CEREG', urc: boolean): string {
  const n = name === 'CREG' ? s.cregN : s.ceregN;
  const stat = effectiveReg(s);
  const loc = n >= 2 && (stat === 1 || stat === 5) ? `,"${s.lac}","${s.ci}"${name === 'CEREG' || s.model !== 'sim800' ? ',7' : ''}` : '';
  return urc ? `+${name}: ${stat}${loc}` : `+${name}: ${n},${stat}${loc}`;
}

/** Split "a,\"b,c\",d" into a, b,c, d (quotes removed). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Octets of the TPDU (after the SMSC field) of a PDU in hex: what +CMGR/+CMGL/+CMT report as <length>. */
export function tpduLength(hex: string): number {
  const sca = parseInt(hex.slice(0, 2), 16);
  return hex.length / 2 - 1 - (Number.isNaN(sca) ? 0 : sca);
}

/** Guard for commands that need the SIM: 27.007 +CME errors 10/11/12. */
export function simBlockCme(s: ModemState): Reply | undefined {
  if (s.sim === 'absent') return cmeError(s, 10);
  if (s.sim === 'pin') return cmeError(s, 11);
  if (s.sim === 'puk') return cmeError(s, 12);
  return undefined;
}

/** The ICCID needs a card, and the PIN only on a firmware that reads it late. */
export function iccidBlock(s: ModemState): Reply | undefined {
  if (s.sim === 'absent' || !s.iccidBeforePin) return simBlockCme(s);
  return undefined;
}

/** The same for SMS commands, which report 27.005 +CMS errors 310/311/316. */
export function simBlockCms(s: ModemState): Reply | undefined {
  if (s.sim === 'absent') return cmsError(s, 310);
  if (s.sim === 'pin') return cmsError(s, 311);
  if (s.sim === 'puk') return cmsError(s, 316);
  return undefined;
}
