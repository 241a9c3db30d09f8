// Calling for one alarm: the plan's targets in order, round and round, until
// the alarm is acknowledged or cleared. An answered call is connected to the
// point's intercom; if it ends unacknowledged, calling goes on. A busy
// extension is released (强拆) or barged (强插, after a warning tone) when the
// plan says so; both are audited.
import { Sleeper } from '../lifecycle/sleeper.js';
import type { Target } from '../pbx/commands/builders.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { Point } from './alarm-message.js';
import type { AlarmPbx } from './ports.js';

export type PlanTarget = Point['escalation']['targets'][number];

export function describeTarget(t: PlanTarget): string {
  if ('extension' in t) return `extension ${t.extension}`;
  if ('gsm' in t) return `GSM ${t.gsm}`;
  return `${t.gateway} ${t.number}`;
}

export function toTarget(t: PlanTarget): Target {
  if ('extension' in t) return { kind: 'extension', number: t.extension };
  if ('gsm' in t) return { kind: 'gsm', number: t.gsm };
  return { kind: 'gateway', gateway: t.gateway, number: t.number };
}

/** A caller-ID name FreeSWITCH accepts, from a label ("SOS km 1.2 east" → "SOS_km_1.2_east"). */
export function callerNameOf(label: string): string {
  const name = [...label.replace(/\s+/g, '_')].filter((c) => /[\p{L}\p{N}_.-]/u.test(c)).join('').slice(0, 40);
  return name || 'Callpoint_alarm';
}

/** The live call an extension is on (not one of ours), to release or barge. */
export function busyCallOf(channels: LiveChannel[], extension: string, except: Set<string>): LiveChannel | undefined {
  return channels.find(
    (c) => !except.has(c.uuid) && c.answeredAt && (c.name.includes(`/${extension}@`) || c.calleeNumber === extension || c.callerNumber === extension),
  );
}

/** What the escalation reports back to the service. */
export interface EscalationHost {
  /** Persist a step; returns false when the alarm is already acknowledged or cleared (stop calling). */
  step(kind: 'calling' | 'connected' | 'call-failed' | 'call-ended' | 'round-failed', patch: { target?: string | null; callUuid?: string | null }, detail: string): Promise<boolean>;
  audit(action: string, target: string, detail: string): Promise<void>;
  indicate(indication: 'alarm-sent' | 'voice-connected'): void;
}

export class Escalation {
  private cancelled = false;
  private finished = false;
  private readonly sleeper = new Sleeper();
  /** Every call this alarm placed or joined: never released as "the other call" when the desk is busy. */
  readonly calls = new Set<string>();
  /** The dispatcher's side only: its key acknowledges. The intercom at the point is not in here —
   *  the person who raised the alarm (or a vandal) must not be able to acknowledge it. */
  readonly ackCalls = new Set<string>();
  /** Rounds in a row in which no call got through: the pause between rounds grows. */
  private failedRounds = 0;
  private endWaiter: ((how: 'ended' | 'stopped') => void) | undefined;
  private current: string | undefined;
  /** The point's intercom leg bridged to the current call. */
  private intercom: string | undefined;

  constructor(
    readonly alarmId: string,
    /** The point as it was when calling began: its plan, intercom and label hold until the alarm ends. */
    readonly point: Point,
    private readonly pbx: AlarmPbx,
    private readonly host: EscalationHost,
  ) {}

  /** `finished`: the alarm was acknowledged or cleared (a call still ringing is then hung up); otherwise the daemon is stopping. */
  stop(finished = false): void {
    this.finished ||= finished;
    this.cancelled = true;
    this.sleeper.wake();
    this.endWaiter?.('stopped');
  }

  get stopped(): boolean {
    return this.cancelled;
  }

  /** A channel is gone: if it was the connected call, calling resumes. */
  channelGone(uuid: string): void {
    if (uuid === this.current) this.endWaiter?.('ended');
  }


  /** Resume with a call that is already connected (after a daemon restart). */
  async run(connected?: string): Promise<void> {
    const plan = this.point.escalation;
    if (connected) {
      // Ours whether or not it is still up: never release it as "the busy desk's other call".
      this.calls.add(connected);
      this.ackCalls.add(connected);
      if (this.pbx.channels.get(connected) && (await this.talk(connected)) === 'stopped') return;
    }
    let first = !connected;
    while (!this.cancelled) {
      for (const t of plan.targets) {
        if (this.cancelled) return;
        const calling = this.host.step('calling', { target: describeTarget(t), callUuid: null }, `calling ${describeTarget(t)}`);
        let uuid: string | undefined;
        if (first) {
          // The first call of an alarm goes out while its `calling` step commits: the alarm itself
          // is already durable, and an emergency call must not wait for a second disk sync.
          first = false;
          const [ok, u] = await Promise.all([calling, this.call(t)]);
          if (!ok) {
            await this.hangUp(u);
            return this.stop();
          }
          uuid = u;
        } else {
          if (!(await calling)) return this.stop();
          uuid = await this.call(t);
        }
        if (this.cancelled) {
          // Acknowledged or cleared while the target rang: its call, just answered, is not left up.
          if (this.finished) await this.hangUp(uuid);
          return;
        }
        if (!uuid) continue;
        this.failedRounds = 0;
        if ((await this.talk(uuid)) === 'stopped') return;
        if (!(await this.host.step('call-ended', { callUuid: null }, `${describeTarget(t)} hung up before acknowledging; calling on`))) return this.stop();
      }
      if (this.cancelled) return;
      // When nothing gets through (FreeSWITCH down, every phone unregistered), calling goes on but
      // the pause doubles up to a minute: no tight loop of failed calls and database writes.
      const pauseS = Math.min(60, plan.pauseS * 2 ** Math.min(this.failedRounds, 6));
      this.failedRounds++;
      if (!(await this.host.step('round-failed', { target: null, callUuid: null }, `every target tried without acknowledgement; again in ${pauseS} s`))) return this.stop();
      await this.sleeper.sleep(pauseS * 1000);
    }
  }

  private async hangUp(uuid: string | undefined): Promise<void> {
    if (uuid) await this.pbx.hangup(uuid);
    if (this.intercom) await this.pbx.hangup(this.intercom);
    this.intercom = undefined;
  }

  /** Connected: wait until acknowledged (stop) or the call ends. */
  private async talk(uuid: string): Promise<'ended' | 'stopped'> {
    this.current = uuid;
    this.calls.add(uuid);
    this.ackCalls.add(uuid);
    if (!(await this.host.step('connected', { callUuid: uuid }, `connected (${uuid})`))) {
      this.stop();
      return 'stopped';
    }
    this.host.indicate('voice-connected');
    const how = await new Promise<'ended' | 'stopped'>((resolve) => {
      this.endWaiter = resolve;
      if (this.cancelled) resolve('stopped');
      else if (!this.pbx.channels.get(uuid)) resolve('ended');
    });
    this.endWaiter = undefined;
    this.current = undefined;
    if (how === 'ended') {
      if (this.intercom) await this.pbx.hangup(this.intercom);
      this.intercom = undefined;
      this.host.indicate('alarm-sent');
    }
    return how;
  }

  /** One call to one target; the uuid of the dispatcher's leg when answered and connected to the point. */
  private async call(t: PlanTarget): Promise<string | undefined> {
    const plan = this.point.escalation;
    const originate = () =>
      this.pbx.originate({
        target: toTarget(t),
        app: { app: 'park' },
        callerIdName: callerNameOf(this.point.label),
        timeoutS: t.ringS,
        variables: { callpoint_alarm_id: this.alarmId, callpoint_zone: this.point.zone, callpoint_point: this.point.id },
      });
    let r = await originate();
    if (!r.ok && r.message === 'USER_BUSY' && 'extension' in t && plan.onBusy !== 'next' && !this.cancelled) {
      const busy = busyCallOf(this.pbx.channels.list(), t.extension, this.calls);
      if (busy && plan.onBusy === 'release') {
        const rel = await this.pbx.forceRelease(busy.uuid);
        await this.host.audit('alarm.force-release', busy.uuid, `强拆: released the call of extension ${t.extension} for alarm ${this.alarmId}: ${rel.ok ? 'done' : rel.message}`);
        if (rel.ok) {
          await this.sleeper.sleep(300);
          if (!this.cancelled) r = await originate();
        }
      } else if (busy && plan.onBusy === 'barge' && this.point.phone) {
        await this.pbx.playTone(busy.uuid, 'barge-warning', 'both');
        const barge = await this.pbx.originate({
          target: { kind: 'extension', number: this.point.phone },
          app: { app: 'three_way', uuid: busy.uuid },
          callerIdName: callerNameOf(this.point.label),
          timeoutS: 20,
          variables: { callpoint_alarm_id: this.alarmId, sip_auto_answer: 'true' },
        });
        await this.host.audit('alarm.barge', busy.uuid, `强插: the point's intercom ${this.point.phone} joined the call of extension ${t.extension} for alarm ${this.alarmId}: ${barge.ok ? 'done' : barge.message}`);
        if (barge.ok) {
          // The dispatcher acknowledges on their own call; its end ends the barge.
          this.calls.add(busy.uuid);
          this.ackCalls.add(busy.uuid);
          if (barge.ok) this.calls.add(barge.value.uuid);
          return busy.uuid;
        }
      }
    }
    if (!r.ok) {
      await this.host.step('call-failed', { callUuid: null }, `${describeTarget(t)}: ${r.message}`);
      return undefined;
    }
    const dispatcher = r.value.uuid;
    if (this.point.phone) {
      // Connect the dispatcher to the intercom at the point (auto-answer).
      const intercom = await this.pbx.originate({
        target: { kind: 'extension', number: this.point.phone },
        app: { app: 'park' },
        callerIdName: callerNameOf(this.point.label),
        timeoutS: 15,
        variables: { callpoint_alarm_id: this.alarmId, sip_auto_answer: 'true' },
      });
      if (intercom.ok) {
        this.calls.add(intercom.value.uuid);
        this.intercom = intercom.value.uuid;
        const b = await this.pbx.bridge(dispatcher, intercom.value.uuid);
        if (!b.ok) await this.host.step('call-failed', {}, `could not connect the intercom ${this.point.phone}: ${b.message}`);
      } else {
        await this.host.step('call-failed', {}, `the intercom ${this.point.phone} did not answer (${intercom.message}); the dispatcher is connected without voice to the point`);
      }
    }
    return dispatcher;
  }
}
