// A routing decision (daemon/src/routing) as the dialplan extension FreeSWITCH
// runs for that one call, answered through mod_xml_curl.
//
// Routed: the decision is written onto the channel (callpoint_route, the
// class, the priority, the trunks skipped and why), then each destination in
// order. A trunk is one `bridge` with continue_on_fail, so a trunk that fails
// (busy, 503, timeout) gives way to the next; each failure is appended to
// callpoint_attempts as trunk:cause, and callpoint_trunk_id names the trunk
// last tried — the call record reads both at hangup. The trunk's own leg
// carries callpoint_trunk_leg and callpoint_priority: the daemon counts a
// trunk's channels and chooses what an emergency call pre-empts from them. hangup_after_bridge ends
// the extension once a bridge was answered. When every destination failed the
// caller hears congestion.
//
// Refused: the reason on the channel (callpoint_refused), then the treatment
// — a tone or an announcement as early media (the caller is not charged),
// then the hang-up with the cause that gives the SIP response (603, 486, 404,
// 503); or at once for reject and busy.
//
// Only checked values reach the XML: numbers and names passed the router's
// and the builders' grammars (bridgeData); free text (reasons, details) goes
// through fsText(); everything through xmlEscape(). The `${…}` expansions here
// are our own constants, never a value.
import { bridgeData, type BridgeLeg } from '../../daemon/src/pbx/commands/builders.js';
import type { RouteDecision, RouteDestination, Treatment } from '../../daemon/src/contracts/routing.js';
import { extensionXml, set, type Action } from './dialplan-xml.js';
import { fsText, regexEscape } from './xml.js';

/** Chinese national tones (450 Hz), and the special information tone before "this number cannot be reached". */
export const REFUSAL_TONE_STREAMS = {
  busy: 'tone_stream://%(350,350,450);loops=6',
  congestion: 'tone_stream://%(700,700,450);loops=3',
  sit: 'tone_stream://%(330,0,950);%(330,0,1400);%(330,1000,1800);loops=2',
} as const;

/** The hangup cause each treatment ends with: it becomes the SIP response the caller's phone shows. */
function causeOf(t: Treatment): string {
  switch (t.kind) {
    case 'reject':
    case 'announcement':
      return 'CALL_REJECTED';
    case 'busy':
      return 'USER_BUSY';
    case 'tone':
      return t.tone === 'sit' ? 'UNALLOCATED_NUMBER' : t.tone === 'busy' ? 'USER_BUSY' : 'NORMAL_CIRCUIT_CONGESTION';
  }
}

export interface RouteXmlContext {
  /** The dialled number as FreeSWITCH asked for it; matched literally when it is a valid number. */
  destination: string;
  /** Where recordings go (dataDir/recordings, checked) and the day's folder (YYYY-MM-DD, or FreeSWITCH's strftime in the static file). */
  recordingsDir: string;
  day: string;
  soundsDir: string;
}

const soundPath = (ctx: RouteXmlContext, name: string) => `${ctx.soundsDir}/${name}.wav`;

function treatmentActions(t: Treatment, ctx: RouteXmlContext): Action[] {
  const cause = causeOf(t);
  switch (t.kind) {
    case 'reject':
    case 'busy':
      return [{ app: 'hangup', data: cause }];
    case 'tone':
      return [{ app: 'pre_answer' }, { app: 'playback', data: REFUSAL_TONE_STREAMS[t.tone] }, { app: 'hangup', data: cause }];
    case 'announcement':
      return [{ app: 'pre_answer' }, { app: 'playback', data: soundPath(ctx, fsText(t.name)) }, { app: 'hangup', data: cause }];
  }
}

/** The actions that try one destination; a failure falls through to the next. */
function destinationActions(x: RouteDestination, ctx: RouteXmlContext, priority: string): Action[] {
  switch (x.kind) {
    case 'extension':
      return [{ app: 'bridge', data: bridgeData([{ target: { kind: 'extension', number: x.number } }], 'sequential') }];
    case 'ring-group': {
      const legs: BridgeLeg[] = x.extensions.map((n) => ({ target: { kind: 'extension', number: n }, timeoutS: x.ringS }));
      return [{ app: 'bridge', data: bridgeData(legs, x.strategy === 'sequential' ? 'sequential' : 'simultaneous') }];
    }
    case 'trunk': {
      // The trunk's leg says which trunk it holds and at which priority: the daemon counts channels in use and picks what to pre-empt from them.
      const leg: BridgeLeg = { target: { kind: 'gateway', gateway: x.trunk, number: x.number }, variables: { callpoint_trunk_leg: x.trunk, callpoint_priority: priority } };
      if (x.callerId !== null) leg.callerIdNumber = x.callerId;
      return [
        set('callpoint_trunk', x.trunkKind),
        set('callpoint_trunk_id', x.trunk),
        { app: 'bridge', data: bridgeData([leg], 'sequential') },
        // Our own expansion: the failure of this attempt, appended (trunk:cause;).
        { app: 'set', data: `callpoint_attempts=\${callpoint_attempts}${x.trunk}:\${originate_disposition};` },
      ];
    }
    case 'conference':
      return [{ app: 'answer' }, { app: 'conference', data: `${fsText(x.name)}@default` }];
    case 'announcement':
      return [{ app: 'answer' }, { app: 'playback', data: soundPath(ctx, fsText(x.name)) }, { app: 'hangup', data: 'NORMAL_CLEARING' }];
    case 'queue': {
      // The daemon's ACD (daemon/src/desk): the call is answered and parked with the queue named on it;
      // the CHANNEL_PARK event hands it to the desk, which plays the hold tone and bridges an agent
      // (uuid_bridge). The dialplan ends at park: what follows is the daemon's.
      const acts: Action[] = [set('callpoint_queue', x.id)];
      if (x.skill) acts.push(set('callpoint_queue_skill', x.skill));
      if (x.emergency) acts.push(set('callpoint_queue_urgency', 'emergency'));
      return [...acts, { app: 'answer' }, { app: 'park' }];
    }
    case 'ivr':
      // The slot of a later feature: no menu exists in this version (config check refuses it).
      return [set('callpoint_refused', `no ${x.kind} ${x.id} in this version`)];
  }
}

const condition = (ctx: RouteXmlContext) => (/^\+?[0-9*#]{1,32}$/.test(ctx.destination) ? `^${regexEscape(ctx.destination)}$` : '^');

/** The one extension for this call. */
export function routeExtensionXml(d: RouteDecision, ctx: RouteXmlContext, name?: string): string {
  const head: Action[] = [set('callpoint_route', d.rule ?? 'none')];
  if (d.class) head.push(set('callpoint_class', d.class));
  if (d.decision === 'refuse' || !d.destinations.length) {
    const t = d.treatment ?? { kind: 'tone', tone: 'congestion' };
    return extensionXml(name ?? 'callpoint-refuse', 'destination_number', condition(ctx), [
      set('callpoint_call', 'refused'),
      ...head,
      set('callpoint_refused', (d.reason ?? 'refused').slice(0, 200)),
      ...treatmentActions(t, ctx),
    ]);
  }
  const acts: Action[] = [set('callpoint_call', d.priority === 'emergency' ? 'emergency' : 'routed'), ...head, set('callpoint_priority', d.priority)];
  // "trunk reason; trunk reason" (the call record splits it again: no ';' inside a reason).
  if (d.skipped.length) acts.push(set('callpoint_skipped', d.skipped.map((k) => `${k.trunk} ${k.reason.replaceAll(';', ',')}`).join('; ').slice(0, 400)));
  if (d.record) {
    // ${uuid} is FreeSWITCH's own channel uuid: the file is named like the daemon's recordings.
    const path = `${ctx.recordingsDir}/${ctx.day}/\${uuid}.wav`;
    acts.push({ app: 'set', data: `callpoint_recording=${path}` }, { app: 'record_session', data: path });
  }
  acts.push(set('hangup_after_bridge', 'true'), set('continue_on_fail', 'true'));
  for (const x of d.destinations) acts.push(...destinationActions(x, ctx, d.priority));
  // Nothing answered: a phone that was busy gives busy back; a way out that failed, congestion.
  // (A conference or an announcement ends the call itself.)
  const bridged = d.destinations.filter((x) => x.kind === 'extension' || x.kind === 'ring-group' || x.kind === 'trunk');
  if (bridged.length && bridged.every((x) => x.kind !== 'trunk')) acts.push({ app: 'hangup', data: '${originate_disposition}' });
  else if (bridged.length) acts.push(...treatmentActions({ kind: 'tone', tone: 'congestion' }, ctx));
  return extensionXml(name ?? 'callpoint-route', 'destination_number', condition(ctx), acts);
}
