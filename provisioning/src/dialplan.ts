// The dialplan contexts Callpoint owns:
//   callpoint          every call from our phones (their user_context) and
//                      every emergency call point;
//   callpoint-inbound  every call from a trunk (the context of its gateway).
//
// Two forms. The daemon answers each lookup through mod_xml_curl with one
// extension for that call: an alarm hotline or a conference room as below,
// anything else as the router decided (route-extension.ts). The static file
// dialplan/callpoint.xml is FreeSWITCH's fallback when the daemon does not
// answer (down, restarting, hung past the xml_curl timeout); it routes what
// must work without the daemon and refuses the rest:
//   callpoint-alarm-<point id>  an emergency call point calling. The SOS
//       phone's hotline dials this, or the daemon originates it when a
//       button is pressed (`originate loopback/callpoint-alarm-<id>/callpoint`).
//       The channel is tagged (callpoint_call=alarm, the point and its zone)
//       and parked; the daemon sees CHANNEL_PARK on the event socket and takes
//       it over (raises the alarm, answers with ring-back, rings the dispatch
//       desk, bridges the desk to this call). park_after_bridge: a dispatcher
//       hanging up unacknowledged parks the caller again for the next one. No
//       park timeout here: an alarm is never hung up by a timer.
//   an emergency number        out through the emergency trunks in order, as
//       dialled, then the dispatch desks (the same extension the router makes).
//   the dispatch number        every phone of the dispatch zones.
//   a configured extension      bridged to that phone (user/N@domain); only
//       the configured numbers match (an alternation of them, not \d{2,8}).
//   conf-<name>                 conference <name> in mod_conference's profile
//       "default" (conference.conf.xml must define it; vanilla does).
//   anything else               refused with congestion: without the daemon
//       nothing decides who may call out.
//   from a trunk                every call rings the dispatch desks.
//
// Regexes are PCRE (FreeSWITCH conditions); configured literals pass through
// regexEscape(), set-values through fsText(), everything through xmlEscape().
import type { Config } from '../../daemon/src/config/schema.js';
import type { RouteDecision, RouteDestination } from '../../daemon/src/contracts/routing.js';
import { dispatchPhonesOf } from '../../daemon/src/routing/tables.js';
import { extensionXml as extension, set } from './dialplan-xml.js';
import { REFUSAL_TONE_STREAMS, routeExtensionXml } from './route-extension.js';
import { CONTEXT, INBOUND_CONTEXT, checkedNumber } from './values.js';
import { fsText, indent, NOT_FOUND_XML, regexEscape } from './xml.js';

export const ALARM_PREFIX = 'callpoint-alarm-';
const CONFERENCE = /^conf-([a-z0-9-]+)$/;

type DialplanConfig = Pick<Config, 'phones' | 'points' | 'zones' | 'trunks' | 'numbering' | 'dataDir'>;

// Calls that arrive without a domain (loopback, originate) get the switch's own,
// so user/N@${domain_name} works. ${domain} falls back to the global variable.
const domainExtension = () => extension('callpoint-domain', '${domain_name}', '^$', [{ app: 'set', data: 'domain_name=${domain}' }], { continue: true });

function alarmExtension(p: Config['points'][number]): string {
  return extension(`${ALARM_PREFIX}${fsText(p.id)}`, 'destination_number', `^${regexEscape(ALARM_PREFIX + p.id)}$`, [
    set('callpoint_call', 'alarm'),
    set('callpoint_point', p.id),
    set('callpoint_point_zone', p.zone),
    // When a dispatcher leaves the call, the caller is parked again (not hung up): the daemon
    // has them wait with ring-back for the next dispatcher while the alarm is open.
    set('park_after_bridge', 'true'),
    { app: 'park' },
  ]);
}

const conferenceExtension = () => extension('callpoint-conference', 'destination_number', CONFERENCE.source, [set('callpoint_call', 'conference'), { app: 'conference', data: '$1@default' }]);

/** Where recordings go: the daemon's directory, checked as FreeSWITCH will use it. */
export function recordingsDirOf(config: Pick<Config, 'dataDir'>): string {
  const dir = `${config.dataDir.replace(/\/+$/, '')}/recordings`;
  if (!/^(\/[A-Za-z0-9_.-]+)+$/.test(dir)) throw new Error(`dataDir ${JSON.stringify(config.dataDir)} cannot be written into the dialplan (an absolute path of letters, digits, _ . - only)`);
  return dir;
}

const fallback = (rule: string, number: string, destinations: RouteDestination[], o: Partial<RouteDecision> = {}): RouteDecision => ({
  decision: 'route', rule, class: null, number, destinations, reason: null, treatment: null, record: false, priority: 'normal', skipped: [], preempt: null, trace: [], ...o,
});

/** The emergency and dispatch extensions of the static file: what the router would decide with every trunk up. */
function withoutDaemon(config: DialplanConfig): string[] {
  const desks = dispatchPhonesOf(config);
  const ring = (ringS: number): RouteDestination[] => (desks.length ? [{ kind: 'ring-group', extensions: desks, strategy: 'simultaneous', ringS }] : []);
  const order = config.numbering.emergencyTrunks.length ? config.numbering.emergencyTrunks : config.trunks.map((t) => t.id);
  const trunks = order.flatMap((id) => config.trunks.filter((t) => t.id === id));
  const ctx = (destination: string) => ({ destination, recordingsDir: recordingsDirOf(config), day: '${strftime(%Y-%m-%d)}', soundsDir: config.numbering.soundsDir });
  const out = config.numbering.emergency.map((n) => {
    const dests: RouteDestination[] = [...trunks.map((t): RouteDestination => ({ kind: 'trunk', trunk: t.id, trunkKind: t.kind, number: n, callerId: t.callerId ?? null })), ...ring(60)];
    return routeExtensionXml(fallback('emergency', n, dests, { class: 'emergency', priority: 'emergency', record: config.numbering.recordEmergency }), ctx(n), `callpoint-emergency-${n}`);
  });
  const dispatch = config.numbering.dispatch;
  if (dispatch && desks.length) out.push(routeExtensionXml(fallback('dispatch', dispatch, ring(30), { class: 'dispatch', priority: 'high' }), ctx(dispatch), 'callpoint-dispatch'));
  return out;
}

const unrouted = (why: string) =>
  extension('callpoint-unrouted', 'destination_number', '^', [
    set('callpoint_call', 'refused'),
    set('callpoint_refused', why),
    { app: 'pre_answer' },
    { app: 'playback', data: REFUSAL_TONE_STREAMS.congestion },
    { app: 'hangup', data: 'NORMAL_CIRCUIT_CONGESTION' },
  ]);

/** The callpoint context as the static fallback has it. */
export function callpointContextXml(config: DialplanConfig): string {
  const exts: string[] = [domainExtension(), ...config.points.map(alarmExtension), ...withoutDaemon(config)];
  const numbers = config.phones.map(checkedNumber);
  if (numbers.length)
    exts.push(
      extension('callpoint-local', 'destination_number', `^(${numbers.map(regexEscape).join('|')})$`, [
        set('callpoint_call', 'local'),
        set('hangup_after_bridge', 'true'),
        { app: 'bridge', data: 'user/$1@${domain_name}' },
      ]),
    );
  exts.push(conferenceExtension());
  exts.push(unrouted('the routing service did not answer: only emergency numbers, the dispatch desks and extensions are routed'));
  return contextXml(CONTEXT, exts);
}

/** The callpoint-inbound context as the static fallback has it: every call from a trunk rings the dispatch desks. */
export function inboundContextXml(config: DialplanConfig): string {
  const desks = dispatchPhonesOf(config);
  const exts = [domainExtension()];
  if (desks.length) {
    const d = fallback('inbound', '', [{ kind: 'ring-group', extensions: desks, strategy: 'simultaneous', ringS: 60 }]);
    exts.push(routeExtensionXml(d, { destination: '', recordingsDir: recordingsDirOf(config), day: '${strftime(%Y-%m-%d)}', soundsDir: config.numbering.soundsDir }, 'callpoint-inbound-dispatch'));
  }
  exts.push(unrouted('the routing service did not answer and no dispatch desk is configured'));
  return contextXml(INBOUND_CONTEXT, exts);
}

function contextXml(name: string, exts: string[]): string {
  return `<context name="${name}">
${exts.map((e) => indent(e, 2)).join('\n')}
</context>`;
}

/** dialplan/callpoint.xml: both contexts as a static file, the fallback when the daemon does not answer. */
export function staticDialplanXml(config: DialplanConfig): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by \`callpoint provision freeswitch\`; changes here are overwritten.
     The daemon answers every call through mod_xml_curl; this file is the fallback when it does not answer. -->
<include>
${indent(callpointContextXml(config), 2)}
${indent(inboundContextXml(config), 2)}
</include>
`;
}

export interface DialplanQuery {
  huntContext?: string;
  callerContext?: string;
  destination?: string;
}

/** Which of our contexts a lookup is for (the context being routed decides), or null: not ours. */
export function contextOf(q: DialplanQuery): typeof CONTEXT | typeof INBOUND_CONTEXT | null {
  const context = q.huntContext || q.callerContext;
  return context === CONTEXT || context === INBOUND_CONTEXT ? context : null;
}

/**
 * The extensions FreeSWITCH runs without asking the router: an alarm
 * hotline, a conference room. null: the router decides.
 */
export function fixedExtensions(config: Pick<Config, 'points'>, destination: string): string[] | null {
  const point = destination.startsWith(ALARM_PREFIX) ? config.points.find((p) => ALARM_PREFIX + p.id === destination) : undefined;
  if (point) return [domainExtension(), alarmExtension(point)];
  if (CONFERENCE.test(destination)) return [domainExtension(), conferenceExtension()];
  return null;
}

/** The answer to one dialplan lookup: these extensions in the context asked for. */
export function dialplanAnswerXml(context: string, extensions: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<document type="freeswitch/xml">
  <section name="dialplan" description="Callpoint">
${indent(contextXml(context, extensions), 4)}
  </section>
</document>
`;
}

/** The routed extension for this call, with the domain fix-up before it. */
export function routedExtensions(decision: RouteDecision, config: Pick<Config, 'dataDir' | 'numbering'>, destination: string, now: Date): string[] {
  return [domainExtension(), routeExtensionXml(decision, { destination, recordingsDir: recordingsDirOf(config), day: now.toISOString().slice(0, 10), soundsDir: config.numbering.soundsDir })];
}

export { NOT_FOUND_XML };
