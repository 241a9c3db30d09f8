// The channel model: what the emulator knows about one call leg, and the
// channel block of headers FreeSWITCH puts into every channel event.
import { CHANNEL_HEADERS } from './capture-data.js';

export type RunState = 'CS_NEW' | 'CS_INIT' | 'CS_ROUTING' | 'CS_EXECUTE' | 'CS_EXCHANGE_MEDIA' | 'CS_PARK'
  | 'CS_CONSUME_MEDIA' | 'CS_HANGUP' | 'CS_REPORTING' | 'CS_DESTROY' | 'CS_NONE';
export type CallState = 'DOWN' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HELD' | 'HANGUP';
export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup';

const STATE_NUMBER: Record<RunState, number> = {
  CS_NEW: 0, CS_INIT: 1, CS_ROUTING: 2, CS_EXECUTE: 4, CS_EXCHANGE_MEDIA: 5, CS_PARK: 6,
  // CS_NONE: the running state before the state machine starts; the captures show number 1 (CS_INIT) with it.
  CS_CONSUME_MEDIA: 7, CS_HANGUP: 10, CS_REPORTING: 11, CS_DESTROY: 12, CS_NONE: 1,
};
export const CALL_STATE_NUMBER: Record<CallState, number> = { DOWN: 0, RINGING: 2, EARLY: 3, ACTIVE: 4, HELD: 5, HANGUP: 7 };

export const Q850: Record<string, number> = {
  UNALLOCATED_NUMBER: 1, NO_ROUTE_DESTINATION: 3, NORMAL_CLEARING: 16, USER_BUSY: 17, NO_USER_RESPONSE: 18,
  NO_ANSWER: 19, CALL_REJECTED: 21, DESTINATION_OUT_OF_ORDER: 27, NORMAL_UNSPECIFIED: 31,
  NORMAL_TEMPORARY_FAILURE: 41, ORIGINATOR_CANCEL: 487, MANAGER_REQUEST: 503, LOSE_RACE: 502,
  USER_NOT_REGISTERED: 606, SYSTEM_SHUTDOWN: 48, ALLOTTED_TIMEOUT: 602, UNKNOWN: 0,
};

export type EavesdropMode = 'listen' | 'whisper-aleg' | 'whisper-bleg' | 'whisper-both' | 'barge';

export interface Channel {
  uuid: string;
  name: string;
  kind: 'sofia' | 'loopback' | 'gateway';
  direction: 'inbound' | 'outbound';
  runState: RunState;
  callState: CallState;
  answerState: AnswerState;
  hangupCause?: string;
  presenceId?: string;
  hitDialplan: boolean;
  dialplan?: string;
  callerIdName?: string;
  callerIdNumber: string;
  /** The caller id the leg was created with (Caller-Orig-Caller-ID-*); callerId* flip on answer of an originate. */
  origCallerIdName?: string;
  origCallerIdNumber?: string;
  calleeIdName: string;
  calleeIdNumber: string;
  networkAddr?: string;
  destination: string;
  source: string;
  context: string;
  codec: boolean;
  createdUs: number;
  progressUs: number;
  answeredUs: number;
  hangupUs: number;
  transferUs: number;
  bridgedUs: number;
  lastHoldUs: number;
  holdAccumUs: number;
  /** Channel variables in the order they were set. */
  vars: Map<string, string>;
  /** The phone (extension) this leg rings or comes from, if any. */
  phone?: string;
  /** For loopback: the other half. */
  peer?: string;
  /** Legs a dialplan bridge is ringing for this channel: cancelled if it hangs up first. */
  legs?: Set<string>;
  bridgedTo?: string;
  application?: string;
  applicationData?: string;
  held: boolean;
  /** PRESENCE_IN events so far (their event_count). */
  presenceCount?: number;
  recording?: { path: string; startUs: number };
  conference?: { name: string; memberId: number; muted: boolean };
  eavesdrop?: { target: string; mode: EavesdropMode };
  timers: Set<NodeJS.Timeout>;
  /** Set while the leg rings: what answering it does (originate or dial flow). */
  onAnswer?: () => void;
  /** Set while an originate waits for this leg: called with the cause if the leg ends first. */
  onOriginateFailed?: (cause: string) => void;
}

/** The header values of the channel block; undefined = header left out. */
function channelValue(c: Channel, name: string): string | undefined {
  const t = (us: number): string => String(us);
  switch (name) {
    case 'Channel-State': return c.runState;
    case 'Channel-Call-State': return c.callState;
    case 'Channel-State-Number': return String(STATE_NUMBER[c.runState]);
    case 'Channel-Name': case 'Caller-Channel-Name': return c.name;
    case 'Unique-ID': case 'Caller-Unique-ID': case 'Channel-Call-UUID': return c.uuid;
    case 'Call-Direction': case 'Presence-Call-Direction': case 'Caller-Direction': case 'Caller-Logical-Direction': return c.direction;
    case 'Channel-HIT-Dialplan': return String(c.hitDialplan);
    case 'Channel-Presence-ID': return c.presenceId;
    case 'Answer-State': return c.answerState;
    case 'Hangup-Cause': return c.hangupCause;
    case 'Channel-Read-Codec-Name': case 'Channel-Write-Codec-Name': return c.codec ? 'PCMU' : undefined;
    case 'Channel-Read-Codec-Rate': case 'Channel-Write-Codec-Rate': return c.codec ? '8000' : undefined;
    case 'Channel-Read-Codec-Bit-Rate': case 'Channel-Write-Codec-Bit-Rate': return c.codec ? '64000' : undefined;
    case 'Caller-Dialplan': return c.dialplan;
    case 'Caller-Caller-ID-Name': return c.callerIdName;
    case 'Caller-Orig-Caller-ID-Name': return c.origCallerIdName ?? c.callerIdName;
    case 'Caller-Caller-ID-Number': return c.callerIdNumber;
    case 'Caller-Orig-Caller-ID-Number': case 'Caller-ANI': return c.origCallerIdNumber ?? c.callerIdNumber;
    case 'Caller-Callee-ID-Name': return c.calleeIdName;
    case 'Caller-Callee-ID-Number': return c.calleeIdNumber;
    case 'Caller-Network-Addr': return c.networkAddr;
    case 'Caller-Destination-Number': return c.destination;
    case 'Caller-Source': return c.source;
    case 'Caller-Context': return c.context;
    case 'Caller-Profile-Index': return '1';
    case 'Caller-Profile-Created-Time': case 'Caller-Channel-Created-Time': return t(c.createdUs);
    case 'Caller-Channel-Answered-Time': return t(c.answeredUs);
    case 'Caller-Channel-Progress-Time': return t(c.progressUs);
    case 'Caller-Channel-Progress-Media-Time': return '0';
    case 'Caller-Channel-Hangup-Time': return t(c.hangupUs);
    case 'Caller-Channel-Transfer-Time': return t(c.transferUs);
    case 'Caller-Channel-Resurrect-Time': return '0';
    case 'Caller-Channel-Bridged-Time': return t(c.bridgedUs);
    case 'Caller-Channel-Last-Hold': return t(c.lastHoldUs);
    case 'Caller-Channel-Hold-Accum': return t(c.holdAccumUs);
    case 'Caller-Screen-Bit': return 'true';
    case 'Caller-Privacy-Hide-Name': case 'Caller-Privacy-Hide-Number': return 'false';
    default: return undefined;
  }
}

export function channelHeaders(c: Channel): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of CHANNEL_HEADERS) {
    const v = channelValue(c, name);
    if (v !== undefined) out.push([name, v]);
  }
  return out;
}

export function variableHeaders(c: Channel): Array<[string, string]> {
  return [...c.vars].map(([k, v]) => [`variable_${k}`, v]);
}

/** A JSON-able live snapshot for tests and the demo UI. */
export interface ChannelSnapshot {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  state: RunState;
  callState: CallState;
  /** Who placed the call (the caller id the leg was created with; not flipped on answer). */
  callerNumber: string;
  callerName?: string;
  destination: string;
  answered: boolean;
  held: boolean;
  phone?: string;
  bridgedTo?: string;
  recording?: string;
  conference?: { name: string; memberId: number; muted: boolean };
  eavesdrop?: { target: string; mode: EavesdropMode };
  variables: Record<string, string>;
}

export function snapshot(c: Channel): ChannelSnapshot {
  return {
    uuid: c.uuid, name: c.name, direction: c.direction, state: c.runState, callState: c.callState,
    callerNumber: c.origCallerIdNumber ?? c.callerIdNumber, callerName: c.origCallerIdName ?? c.callerIdName, destination: c.destination,
    answered: c.answeredUs > 0, held: c.held, phone: c.phone, bridgedTo: c.bridgedTo,
    recording: c.recording?.path, conference: c.conference ? { ...c.conference } : undefined,
    eavesdrop: c.eavesdrop ? { ...c.eavesdrop } : undefined, variables: Object.fromEntries(c.vars),
  };
}
