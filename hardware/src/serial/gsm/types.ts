// The GSM modem driver's vocabulary: status snapshot, faults, events.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { ReceivedSms } from '../sms/types.js';
import type { PinMemory } from './pin-memory.js';
import type { Registration } from './signal.js';

export type GsmState = 'starting' | 'ready' | 'fault' | 'stopped';
export type SimState = 'ready' | 'pin' | 'puk' | 'absent' | 'unknown';

export type GsmFaultCode =
  /** AT+CPIN? → +CME ERROR: SIM not inserted. */
  | 'no-sim'
  /** The SIM wants a PIN and none is configured. */
  | 'pin-required'
  /** The SIM refused the PIN: it is not entered again (across restarts, with a durable PinMemory) until a person gives a PIN or the card changes. */
  | 'wrong-pin'
  /** The SIM is blocked (three wrong PINs): only a PUK unlocks it, by hand. */
  | 'sim-puk'
  /** Not registered (home or roaming) for longer than the grace period. */
  | 'not-registered'
  /** rssi 0 or 99 for longer than the grace period. */
  | 'no-signal'
  /** The modem does not answer AT, or its port is gone. */
  | 'modem-silent'
  /** The modem switched off, or warned of its supply voltage or temperature, in its family's words (power-notices.ts). */
  | 'power-down';

export interface GsmFault {
  code: GsmFaultCode;
  /** What a technician reads: "SIM PIN refused (incorrect password); not retried — check the PIN in the settings". */
  detail: string;
}

export interface GsmStatus {
  id: string;
  state: GsmState;
  sim: SimState;
  registration: Registration;
  operator?: string;
  /** 27.007 +CSQ <rssi> (0–31, 99 unknown). */
  rssi?: number;
  dbm?: number;
  /** 0–5 (signal.ts barsForDbm). */
  bars: number;
  imei?: string;
  iccid?: string;
  imsi?: string;
  faults: GsmFault[];
  /** Clock time of the last change of `state`. */
  since: number;
}

/** One part the network took: its number (1-based) and the TP-MR the modem gave it (+CMGS), which its delivery report names. */
export interface SentPart {
  part: number;
  ref: number;
}

/**
 * `refs` are the TP-MRs of the parts sent by this call, in order. A failure
 * after some parts went out names them (`parts`), with the message's part
 * count and concatenation reference, so the rest can be sent alone.
 */
export type SendSmsResult =
  | { ok: true; refs: number[]; parts: SentPart[]; total: number; concatRef?: number }
  | { ok: false; error: string; parts?: SentPart[]; total?: number; concatRef?: number };
export type UssdResult = { ok: true; text: string } | { ok: false; error: string };
export type CallResult = { ok: true } | { ok: false; error: string };

export interface DeliveryReport {
  /** TP-MR of the part this reports on (one of SendSmsResult.refs). */
  ref: number;
  delivered: boolean;
  /** TP-ST (23.040 §9.2.3.15). */
  status: number;
  /** Final (delivered or given up) rather than "still trying". */
  final: boolean;
  recipient: string;
}

export type CallEvent =
  | { kind: 'ringing'; from?: string }
  | { kind: 'answered' }
  | { kind: 'dialing'; to: string }
  | { kind: 'ended'; reason: string };

export interface BadPdu {
  /** Memory slot it was read from (undefined for +CMT/+CDS direct delivery). */
  index?: number;
  hex: string;
  error: string;
}

export interface GsmModemEvents {
  status: [status: GsmStatus];
  fault: [fault: GsmFault];
  'fault-cleared': [fault: GsmFault];
  /** An SMS was handed to the onSms handler, which resolved. */
  sms: [sms: ReceivedSms];
  delivery: [report: DeliveryReport];
  call: [call: CallEvent];
  /** A stored or delivered PDU that does not decode (logged with its hex and deleted). */
  'bad-pdu': [bad: BadPdu];
}

export interface GsmModemContext {
  id: string;
  log: Logger;
  /** SIM PIN, when no `pins` memory is given; never entered again after a refusal within this process. */
  pin?: string;
  /** Where the PIN comes from and where a refusal is remembered beyond this process (pin-memory.ts). */
  pins?: PinMemory;
  clock?: Clock;
  /** Signal/registration/operator poll. Default 30000 ms. */
  pollMs?: number;
  /** How long "not registered" is tolerated before the fault (searching after boot takes 10–60 s). Default 120000 ms. */
  registrationGraceMs?: number;
  /** How long "no signal" is tolerated before the fault. Default 60000 ms. */
  signalGraceMs?: number;
  /** After the SMS handler failed: when the message is offered again. Default 60000 ms. */
  smsRetryMs?: number;
  /** How long an incomplete multi-part SMS waits for its missing parts. Default 24 h. */
  partsTimeoutMs?: number;
}

export type SmsHandler = (sms: ReceivedSms) => Promise<void>;
