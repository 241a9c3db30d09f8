// Typed FreeSWITCH commands. Every builder checks each value against the
// grammar and assembles the command text itself; the only way to obtain a
// SafeCommand is through a builder, so the ESL client cannot be handed a raw,
// unchecked string by accident.
import { randomUUID } from 'node:crypto';
import * as g from './grammar.js';
import { CommandValueError } from './grammar.js';

declare const safe: unique symbol;
/** Command text that passed the grammar. */
export type SafeCommand = string & { readonly [safe]: true };
const mark = (text: string) => text as SafeCommand;

/** Where a call goes. */
export type Target =
  | { kind: 'extension'; number: string }
  | { kind: 'ring-group'; name: string; domain: string }
  | { kind: 'gateway'; gateway: string; number: string }
  | { kind: 'gsm'; number: string }
  /** FreeSWITCH's loopback endpoint, into our dialplan (used for tests and IVR legs). */
  | { kind: 'loopback'; extension: string };

/** The FreeSWITCH gateway that carries GSM voice (a SIP-GSM gateway or mod_gsmopen), named by provisioning. */
export const GSM_GATEWAY = 'gsm';

export function dialString(t: Target, field = 'target'): string {
  switch (t.kind) {
    case 'extension':
      return `user/${g.extension(`${field}.number`, t.number)}`;
    case 'ring-group':
      return `group/${g.name(`${field}.name`, t.name)}@${g.domain(`${field}.domain`, t.domain)}`;
    case 'gateway':
      return `sofia/gateway/${g.name(`${field}.gateway`, t.gateway)}/${g.phoneNumber(`${field}.number`, t.number)}`;
    case 'gsm':
      return `sofia/gateway/${GSM_GATEWAY}/${g.phoneNumber(`${field}.number`, t.number)}`;
    case 'loopback':
      return `loopback/${g.extension(`${field}.extension`, t.extension)}`;
    default:
      throw new CommandValueError(field, (t as { kind?: unknown }).kind, 'unknown kind of target');
  }
}

/** What the originated leg does once answered. */
export type OriginateApp =
  | { app: 'park' }
  | { app: 'bridge'; target: Target }
  | { app: 'playback'; path: string }
  | { app: 'conference'; name: string }
  /** 监听 listen, 耳语 whisper to the a-leg: eavesdrop on a call. */
  | { app: 'eavesdrop'; uuid: string; mode: 'listen' | 'whisper' }
  /** 强插 three-way barge: the originated phone joins the call, both parties hear it. */
  | { app: 'three_way'; uuid: string };

function appText(a: OriginateApp): string {
  switch (a.app) {
    case 'park':
      return '&park()';
    case 'bridge':
      return `&bridge(${dialString(a.target, 'app.target')})`;
    case 'playback':
      return `&playback(${g.absolutePath('app.path', a.path)})`;
    case 'conference':
      return `&conference(${g.name('app.name', a.name)}@default)`;
    case 'eavesdrop':
      return `&eavesdrop(${g.uuid('app.uuid', a.uuid)})`;
    case 'three_way':
      return `&three_way(${g.uuid('app.uuid', a.uuid)})`;
    default:
      throw new CommandValueError('app', (a as { app?: unknown }).app, 'unknown application');
  }
}

export interface OriginateOptions {
  target: Target;
  app: OriginateApp;
  /** Our own channel UUID, so events can be tied to the request before FreeSWITCH answers. */
  uuid?: string;
  callerIdNumber?: string;
  callerIdName?: string;
  /** Ring time in seconds (originate_timeout). */
  timeoutS?: number;
  variables?: Record<string, string>;
}

export function originate(o: OriginateOptions): { command: SafeCommand; uuid: string } {
  const id = o.uuid === undefined ? randomUUID() : g.uuid('uuid', o.uuid);
  const vars: string[] = [`origination_uuid=${id}`];
  if (o.callerIdNumber !== undefined) vars.push(`origination_caller_id_number=${g.callerNumber('callerIdNumber', o.callerIdNumber)}`);
  if (o.callerIdName !== undefined) vars.push(`origination_caller_id_name=${g.callerName('callerIdName', o.callerIdName)}`);
  if (o.timeoutS !== undefined) vars.push(`originate_timeout=${g.seconds('timeoutS', o.timeoutS, 1, 600)}`);
  if (o.app.app === 'eavesdrop' && o.app.mode === 'whisper') vars.push('eavesdrop_whisper_aleg=true');
  for (const [k, v] of Object.entries(o.variables ?? {})) {
    const key = g.variableName(`variables key`, k);
    if (key.startsWith('origination_') || key === 'originate_timeout' || key.startsWith('eavesdrop_')) throw new CommandValueError(`variables.${key}`, k, 'set through its own option, not as a variable');
    vars.push(`${key}=${g.variableValue(`variables.${key}`, v)}`);
  }
  const dial = dialString(o.target);
  return { command: mark(`originate {${vars.join(',')}}${dial} ${appText(o.app)}`), uuid: id };
}

/** Where a registered extension can be reached; FreeSWITCH answers `error/user_not_registered` when it is not registered. */
export const sofiaContact = (extension: string) => mark(`sofia_contact ${g.extension('extension', extension)}`);

/** Answer an inbound leg that waits unanswered (the SOS phone's hotline, parked by our dialplan). */
export const answer = (uuid: string) => mark(`uuid_answer ${g.uuid('uuid', uuid)}`);

export const hangup = (uuid: string, cause: g.HangupCause = 'NORMAL_CLEARING') => mark(`uuid_kill ${g.uuid('uuid', uuid)} ${g.hangupCause('cause', cause)}`);

/** 强拆 force-release: end a lower-priority call so an emergency call gets the line. */
export const forceRelease = (uuid: string) => hangup(uuid, 'PRE_EMPTED');

/** Transfer a call (or its other leg) to an extension in our dialplan. */
export const transfer = (uuid: string, destination: string, leg: 'aleg' | 'bleg' | 'both' = 'aleg') =>
  mark(`uuid_transfer ${g.uuid('uuid', uuid)} ${leg === 'aleg' ? '' : `-${leg} `}${g.extension('destination', destination)} XML callpoint`);

export const bridge = (a: string, b: string) => mark(`uuid_bridge ${g.uuid('a', a)} ${g.uuid('b', b)}`);

export const hold = (uuid: string, on: boolean) => mark(`uuid_hold ${on ? '' : 'off '}${g.uuid('uuid', uuid)}`);

/** Tones Callpoint plays, as FreeSWITCH tone_stream definitions we own (no caller-supplied tone text). */
export const TONES = {
  /** The warning before a barge-in (强插): three short high beeps. */
  'barge-warning': 'tone_stream://%(200,100,1400);loops=3',
  /** Ring-back (China, 450 Hz, 1 s on 4 s off), until something else is played or bridged: for whoever waits on an emergency line. */
  ringback: 'tone_stream://%(1000,4000,450);loops=-1',
  /** For a dispatcher on an alarm call of a point without an intercom: two short beeps every 4 s (press the acknowledge key). */
  'alarm-no-voice': 'tone_stream://%(250,150,880);%(250,3350,880);loops=-1',
  /** For a caller waiting in an ACD queue: a soft two-note chime every 5 s (not ring-back: nobody is being rung yet). */
  'queue-hold': 'tone_stream://%(300,100,523);%(300,4300,659);loops=-1',
} as const;
export type ToneName = keyof typeof TONES;

export function playTone(uuid: string, tone: ToneName, leg: 'aleg' | 'bleg' | 'both' = 'both'): SafeCommand {
  const stream = TONES[tone];
  if (!stream) throw new CommandValueError('tone', tone, `must be one of ${Object.keys(TONES).join(', ')}`);
  return mark(`uuid_broadcast ${g.uuid('uuid', uuid)} ${stream} ${leg}`);
}

export const playFile = (uuid: string, path: string, leg: 'aleg' | 'bleg' | 'both' = 'aleg') => mark(`uuid_broadcast ${g.uuid('uuid', uuid)} ${g.absolutePath('path', path)} ${leg}`);

export const sendDtmf = (uuid: string, digits: string) => mark(`uuid_send_dtmf ${g.uuid('uuid', uuid)} ${g.dtmf('digits', digits)}`);

export const recordStart = (uuid: string, path: string) => mark(`uuid_record ${g.uuid('uuid', uuid)} start ${g.absolutePath('path', path)}`);
export const recordStop = (uuid: string, path: string) => mark(`uuid_record ${g.uuid('uuid', uuid)} stop ${g.absolutePath('path', path)}`);

export const conferenceList = (conf: string) => mark(`conference ${g.name('conference', conf)} list`);
export const conferenceKick = (conf: string, member: string | number) => mark(`conference ${g.name('conference', conf)} kick ${g.memberId('member', member)}`);
export const conferenceMute = (conf: string, member: string | number, mute: boolean) => mark(`conference ${g.name('conference', conf)} ${mute ? 'mute' : 'unmute'} ${g.memberId('member', member)}`);
export const conferencePlay = (conf: string, path: string) => mark(`conference ${g.name('conference', conf)} play ${g.absolutePath('path', path)}`);

/** Paging: every phone of the group is auto-answered into one conference; the announcement plays into it. */
export function pageLegs(conf: string, extensions: string[]): SafeCommand[] {
  g.name('conference', conf);
  if (!Array.isArray(extensions) || extensions.length === 0 || extensions.length > 64) throw new CommandValueError('extensions', extensions, 'a page needs 1–64 extensions');
  return extensions.map((ext, i) =>
    originate({
      target: { kind: 'extension', number: g.extension(`extensions[${i}]`, ext) },
      app: { app: 'conference', name: conf },
      variables: { sip_auto_answer: 'true', callpoint_page: conf },
      timeoutS: 20,
    }).command,
  );
}

/**
 * Make FreeSWITCH read its XML configuration again (mod_commands `reloadxml`):
 * the directory and dialplan it serves from its own files and caches follow
 * a configuration change. It takes no value, so none can be smuggled in; live
 * calls are not touched. FreeSWITCH 1.10 answers `+OK [Success]` (or `+OK [<the
 * XML error>]`: the old configuration stays), see reloadXmlOutcome().
 */
export const reloadXml = () => mark('reloadxml');

/** `+OK [Success]` → ok; `+OK [error text]` → the XML error (FreeSWITCH kept its old configuration). */
export function reloadXmlOutcome(reply: string): { ok: true } | { ok: false; error: string } {
  const m = /^\+OK \[(.*)\]\s*$/s.exec(reply);
  if (m && m[1] === 'Success') return { ok: true };
  return { ok: false, error: m ? m[1]! : reply.trim() };
}

/** Read-only queries. */
export const showChannels = () => mark('show channels as json');
/** The running FreeSWITCH's Core-UUID: a new one means it restarted (every call it had is gone). */
export const coreUuid = () => mark('global_getvar core_uuid');
/** Every SIP registration of every profile, from FreeSWITCH's core table (mod_commands `show registrations`): no value of ours in it. */
export const showRegistrations = () => mark('show registrations as json');
export const channelDump = (uuid: string) => mark(`uuid_dump ${g.uuid('uuid', uuid)} json`);
export const status = () => mark('status');

/** One leg of a bridge from the dialplan: where, with which per-leg variables, ringing how long. */
export interface BridgeLeg {
  target: Target;
  /** Per-leg channel variables ([name=value]), each through the grammar. */
  variables?: Record<string, string>;
  callerIdNumber?: string;
  /** leg_timeout: how long this leg rings before the next (sequential) or before giving up. */
  timeoutS?: number;
}

/**
 * The data of a dialplan `bridge`: legs joined by `|` (one after the other:
 * failover) or `,` (all at once: a ring group), each leg's variables in its
 * own `[…]` block. Every value passes the grammar, so nothing a person or a
 * caller wrote can add a leg, a variable or an application.
 */
export function bridgeData(legs: BridgeLeg[], join: 'sequential' | 'simultaneous'): string {
  if (!Array.isArray(legs) || legs.length === 0 || legs.length > 64) throw new CommandValueError('legs', legs, 'a bridge needs 1–64 legs');
  return legs
    .map((l, i) => {
      const vars: string[] = [];
      if (l.timeoutS !== undefined) vars.push(`leg_timeout=${g.seconds(`legs[${i}].timeoutS`, l.timeoutS, 1, 600)}`);
      if (l.callerIdNumber !== undefined) vars.push(`origination_caller_id_number=${g.callerNumber(`legs[${i}].callerIdNumber`, l.callerIdNumber)}`);
      for (const [k, v] of Object.entries(l.variables ?? {})) vars.push(`${g.variableName(`legs[${i}].variables key`, k)}=${g.variableValue(`legs[${i}].variables.${k}`, v)}`);
      return `${vars.length ? `[${vars.join(',')}]` : ''}${dialString(l.target, `legs[${i}].target`)}`;
    })
    .join(join === 'sequential' ? '|' : ',');
}

/** Every sofia gateway's registration and ping state, as XML (mod_sofia cmd_xml_status; parsed by pbx/sofia-status.ts). */
export const sofiaGatewayStatus = () => mark('sofia xmlstatus gateway');
