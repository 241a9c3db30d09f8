// The alarm state rules as pure functions: what an escalation step and an
// acknowledgement or clearing make of an alarm. The alarm service applies
// them in a transaction — or, while the database cannot be written, to the
// alarm it holds in memory — so both paths follow the same rules.
import type { AckSource, Alarm, AlarmState, ClearSource } from '../contracts/alarms.js';
import { HANDLED_STATES } from '../contracts/values.js';

export type StepKind = 'calling' | 'connected' | 'call-failed' | 'call-ended' | 'call-lost' | 'round-failed';
export type StepPatch = { target?: string | null; callUuid?: string | null };

/** The alarm after an escalation step, or undefined when it is already done (stop calling). */
export function afterStep(a: Alarm, kind: StepKind, patch: StepPatch, now: string): Alarm | undefined {
  if (HANDLED_STATES.includes(a.state)) return undefined;
  // Once every target failed the alarm stays `failed` while calling goes on (one message, not two per
  // round), until someone answers.
  const state: AlarmState =
    kind === 'calling' ? (a.state === 'failed' ? 'failed' : 'calling') : kind === 'connected' ? 'connected' : kind === 'round-failed' ? 'failed' : a.state === 'connected' ? 'calling' : a.state;
  return { ...a, ...patch, state, updatedAt: now, attempts: a.attempts + (kind === 'calling' ? 1 : 0), connectedAt: kind === 'connected' ? now : a.connectedAt };
}

/** The alarm acknowledged or cleared, or why not. */
export function afterFinish(a: Alarm, to: 'acknowledged' | 'cleared', by: string, source: AckSource | ClearSource, now: string): { ok: true; alarm: Alarm } | { ok: false; message: string } {
  if (a.state === 'cleared') return { ok: false, message: `alarm ${a.id} is already cleared` };
  if (to === 'acknowledged' && a.state === 'acknowledged') return { ok: false, message: `alarm ${a.id} is already acknowledged by ${a.acknowledgedBy}` };
  return {
    ok: true,
    alarm: to === 'acknowledged'
      ? { ...a, state: to, updatedAt: now, acknowledgedAt: now, acknowledgedBy: by, ackSource: source as AckSource }
      : { ...a, state: to, updatedAt: now, clearedAt: now, clearedBy: by, clearSource: source as ClearSource },
  };
}

/** A new alarm, raised by a press. */
export function raisedAlarm(id: string, point: { id: string; zone: string }, now: string): Alarm {
  return {
    id, pointId: point.id, zone: point.zone, state: 'raised', test: false, raisedAt: now, updatedAt: now, presses: 1, attempts: 0,
    target: null, callUuid: null, connectedAt: null, acknowledgedAt: null, acknowledgedBy: null, ackSource: null, clearedAt: null, clearedBy: null, clearSource: null,
  };
}
