// Channels and their life cycle: creation, ringing, answer, park, hangup,
// destroy — each step firing the events FreeSWITCH fires, in its order
// (sip-calls-plain.raw, call-loopback-plain.raw).
import { randomUUID } from 'node:crypto';
import { Q850, type Channel, type CallState, type RunState } from './channel.js';
import { nowUs, type EmittedEvent, type EventFactory } from './events.js';
import type { Phone } from './phone.js';

export interface EngineHost {
  factory: EventFactory;
  emit(ev: EmittedEvent): void;
  phones: Map<string, Phone>;
  domain: string;
  /** Called when a leg is answered and has an application to run (features.ts). */
  runApp(c: Channel, app: string, data: string): void;
  /** Called just before a leg's hangup events: stop recordings, drop eavesdroppers… */
  beforeHangup(c: Channel): void;
  /** Called right after CHANNEL_HANGUP, before the application ends: a conference member leaves here. */
  onHangup(c: Channel): void;
}

const stamp = (us: number): string => {
  const d = new Date(Math.floor(us / 1000));
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

export class CallEngine {
  readonly channels = new Map<string, Channel>();
  sessionsSinceStartup = 0;
  peakSessions = 0;
  private sessionId = 0;

  constructor(private readonly host: EngineHost) {}

  ev(name: string, c?: Channel, extra?: Record<string, string | undefined>, body?: string): void {
    this.host.emit(this.host.factory.make(name, { channel: c, extra, body }));
  }

  newChannel(init: Partial<Channel> & Pick<Channel, 'name' | 'kind' | 'direction' | 'destination' | 'callerIdNumber'>): Channel {
    const uuid = init.uuid ?? randomUUID();
    const c: Channel = {
      runState: 'CS_NEW', callState: 'DOWN', answerState: 'ringing', hitDialplan: false,
      calleeIdName: 'Outbound Call', calleeIdNumber: init.destination, source: 'src/switch_ivr_originate.c',
      context: 'default', codec: false, createdUs: nowUs(), progressUs: 0, answeredUs: 0, hangupUs: 0,
      transferUs: 0, bridgedUs: 0, lastHoldUs: 0, holdAccumUs: 0, vars: new Map(), held: false, timers: new Set(),
      ...init,
      uuid,
    };
    c.origCallerIdName = c.callerIdName;
    c.origCallerIdNumber = c.callerIdNumber;
    this.channels.set(uuid, c);
    this.sessionsSinceStartup++;
    this.peakSessions = Math.max(this.peakSessions, this.channels.size);
    c.vars.set('direction', c.direction);
    if (c.direction === 'outbound') c.vars.set('is_outbound', 'true');
    c.vars.set('uuid', uuid);
    c.vars.set('session_id', String(++this.sessionId));
    c.vars.set('channel_name', c.name);
    return c;
  }

  setState(c: Channel, s: RunState): void {
    c.runState = s;
    this.ev('CHANNEL_STATE', c);
  }

  setCallState(c: Channel, s: CallState): void {
    const orig = c.callState;
    c.callState = s;
    this.ev('CHANNEL_CALLSTATE', c, { 'Original-Channel-Call-State': orig, 'Channel-Call-State-Number': String(({ DOWN: 0, RINGING: 2, EARLY: 3, ACTIVE: 4, HELD: 5, HANGUP: 7 } as const)[s]) });
  }

  /**
   * A channel's presence. On state changes FreeSWITCH's check_presence reports
   * the state; on answer switch_channel_perform_mark_answered reports
   * "answered" (sip-calls-plain.raw, conference-plain.raw).
   */
  presence(c: Channel, info: string): void {
    if (c.kind !== 'sofia' || !c.presenceId) return;
    const answered = info === 'active';
    c.presenceCount = (c.presenceCount ?? 0) + 1;
    this.ev('PRESENCE_IN', c, {
      proto: 'any', login: 'src/switch_channel.c', from: c.presenceId, rpid: 'unknown', status: answered ? 'answered' : c.runState,
      event_type: 'presence', alt_event_type: 'dialog', 'presence-call-info-state': info,
      'presence-call-direction': c.direction, event_count: String(c.presenceCount - 1),
      'Presence-Calling-File': answered ? 'src/switch_channel.c' : 'src/switch_core_state_machine.c',
      'Presence-Calling-Function': answered ? 'switch_channel_perform_mark_answered' : 'check_presence', 'Presence-Calling-Line': answered ? '3904' : '521',
    });
  }

  later(c: Channel, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      c.timers.delete(t);
      if (this.channels.has(c.uuid)) fn();
    }, ms);
    c.timers.add(t);
  }

  /** The ringing phase of a leg toward a phone: PROGRESS, CALLSTATE RINGING. */
  ring(c: Channel): void {
    c.progressUs = nowUs();
    c.vars.set('progress_uepoch', String(c.progressUs));
    this.ev('CHANNEL_PROGRESS', c);
    this.setCallState(c, 'RINGING');
  }

  /** Answer a leg: ANSWER, (PRESENCE_IN), CALLSTATE ACTIVE. Returns false if it cannot be answered. */
  markAnswered(c: Channel): boolean {
    if (c.answeredUs || c.runState === 'CS_HANGUP' || c.runState === 'CS_REPORTING' || c.runState === 'CS_DESTROY') return false;
    c.codec = true;
    c.answeredUs = nowUs();
    c.answerState = 'answered';
    c.vars.set('answer_uepoch', String(c.answeredUs));
    this.ev('CHANNEL_ANSWER', c);
    this.presence(c, 'active');
    this.setCallState(c, 'ACTIVE');
    return true;
  }

  /**
   * On answer of an originated leg FreeSWITCH flips caller and callee id
   * (sip-calls-plain.raw: from CALL_UPDATE on, Caller-Caller-ID-Number is the
   * called phone and Caller-Callee-ID-Number the originator; Orig-* keep the originator).
   */
  flipCallerId(c: Channel): void {
    const [name, num] = [c.callerIdName, c.callerIdNumber];
    c.callerIdName = c.calleeIdName;
    c.callerIdNumber = c.calleeIdNumber;
    c.calleeIdName = name ?? '';
    c.calleeIdNumber = num;
    c.vars.set('channel_cid_flipped', 'true');
  }

  execute(c: Channel, app: string, data: string): void {
    c.application = app;
    c.applicationData = data;
    c.vars.set('current_application', app);
    if (data) c.vars.set('current_application_data', data);
    this.ev('CHANNEL_EXECUTE', c, { Application: app, 'Application-Data': data, 'Application-UUID': randomUUID() });
  }

  executeComplete(c: Channel, response = '_none_'): void {
    if (!c.application) return;
    const app = c.application;
    const data = c.applicationData ?? '';
    c.vars.set('last_app', app);
    if (data) c.vars.set('last_arg', data);
    c.application = undefined;
    c.applicationData = undefined;
    this.ev('CHANNEL_EXECUTE_COMPLETE', c, { Application: app, 'Application-Data': data, 'Application-Response': response, 'Application-UUID': randomUUID() });
  }

  park(c: Channel): void {
    if (c.runState !== 'CS_EXECUTE') this.setState(c, 'CS_EXECUTE');
    this.execute(c, 'park', '');
    this.ev('CHANNEL_PARK', c);
  }

  /** Leave the current application (park ends with UNPARK) before doing something else. */
  leaveApp(c: Channel): void {
    if (c.application === 'park') this.ev('CHANNEL_UNPARK', c);
    this.executeComplete(c);
  }

  /**
   * Hang a leg up with FreeSWITCH's event order. beforeDestroy runs between
   * HANGUP_COMPLETE and DESTROY (where the originate api reply lands).
   */
  hangup(c: Channel, cause: string, beforeDestroy?: () => void): void {
    if (c.hangupCause) return;
    for (const t of c.timers) clearTimeout(t);
    c.timers.clear();
    this.host.beforeHangup(c);
    c.hangupCause = cause;
    c.hangupUs = nowUs();
    c.answerState = 'hangup';
    this.ev('CHANNEL_HANGUP', c);
    this.host.onHangup(c);
    // The other side of a bridge or a loopback pair goes too.
    const others = [c.bridgedTo, c.peer, ...(c.legs ?? [])].filter((u): u is string => !!u && u !== c.uuid);
    const bridged = c.bridgedTo;
    if (c.bridgedTo) {
      const o = this.channels.get(c.bridgedTo);
      this.ev('CHANNEL_UNBRIDGE', c, { 'Bridge-A-Unique-ID': c.uuid, 'Bridge-B-Unique-ID': c.bridgedTo, 'Other-Type': 'originatee', 'Other-Leg-Unique-ID': c.bridgedTo });
      if (o) o.bridgedTo = undefined;
      c.bridgedTo = undefined;
    }
    this.leaveApp(c);
    this.setState(c, 'CS_HANGUP');
    this.setCallState(c, 'HANGUP');
    this.presence(c, 'terminated');
    for (const u of others) {
      const o = this.channels.get(u);
      if (!o || o.hangupCause) continue;
      // park_after_bridge: the other side of a bridge is parked again instead of hung up.
      if (u === bridged && o.vars.get('park_after_bridge') === 'true') {
        this.park(o);
        continue;
      }
      // A leg still ringing when its caller goes is cancelled; loopback halves share the cause (sip-calls-plain.raw).
      this.hangup(o, o.kind !== 'loopback' && !o.answeredUs ? 'ORIGINATOR_CANCEL' : cause);
    }
    this.setState(c, 'CS_REPORTING');
    this.setHangupVars(c);
    this.ev('CHANNEL_HANGUP_COMPLETE', c, { 'Hangup-Cause': cause });
    beforeDestroy?.();
    // An originate still waiting for this leg learns why it failed (the api reply lands here, before DESTROY).
    const failed = c.onOriginateFailed;
    c.onOriginateFailed = undefined;
    failed?.(cause);
    this.ev('CHANNEL_DESTROY', c);
    this.setState(c, 'CS_DESTROY');
    this.channels.delete(c.uuid);
  }

  /** CDR variables of CHANNEL_HANGUP_COMPLETE (names and units as in sip-calls-plain.raw). */
  private setHangupVars(c: Channel): void {
    const v = c.vars;
    const end = c.hangupUs;
    const s = (us: number): string => String(Math.floor(us / 1e6));
    const ms = (us: number): string => String(Math.floor(us / 1e3));
    v.set('hangup_cause', c.hangupCause ?? 'NORMAL_CLEARING');
    v.set('hangup_cause_q850', String(Q850[c.hangupCause ?? ''] ?? 0));
    v.set('start_stamp', stamp(c.createdUs));
    if (c.answeredUs) v.set('answer_stamp', stamp(c.answeredUs));
    if (c.progressUs) v.set('progress_stamp', stamp(c.progressUs));
    v.set('end_stamp', stamp(end));
    v.set('start_epoch', s(c.createdUs));
    v.set('start_uepoch', String(c.createdUs));
    v.set('answer_epoch', s(c.answeredUs));
    v.set('answer_uepoch', String(c.answeredUs));
    v.set('bridge_epoch', s(c.bridgedUs));
    v.set('bridge_uepoch', String(c.bridgedUs));
    v.set('progress_epoch', s(c.progressUs));
    v.set('progress_uepoch', String(c.progressUs));
    v.set('end_epoch', s(end));
    v.set('end_uepoch', String(end));
    if (!v.has('last_app') && c.application) v.set('last_app', c.application);
    v.set('caller_id', c.callerIdName ? `"${c.callerIdName}" <${c.callerIdNumber}>` : c.callerIdNumber);
    const dur = end - c.createdUs;
    const bill = c.answeredUs ? end - c.answeredUs : 0;
    const answer = c.answeredUs ? c.answeredUs - c.createdUs : 0;
    const progress = c.progressUs ? c.progressUs - c.createdUs : 0;
    v.set('duration', s(dur));
    v.set('billsec', s(bill));
    v.set('progresssec', s(progress));
    v.set('answersec', s(answer));
    v.set('waitsec', s(answer));
    v.set('mduration', ms(dur));
    v.set('billmsec', ms(bill));
    v.set('progressmsec', ms(progress));
    v.set('answermsec', ms(answer));
    v.set('waitmsec', ms(answer));
    v.set('uduration', String(dur));
    v.set('billusec', String(bill));
    v.set('progressusec', String(progress));
    v.set('answerusec', String(answer));
    v.set('waitusec', String(answer));
  }

  /** Every channel disappears without a single event (the process died). */
  vanish(): void {
    for (const c of this.channels.values()) for (const t of c.timers) clearTimeout(t);
    this.channels.clear();
  }

  get domain(): string {
    return this.host.domain;
  }
}
