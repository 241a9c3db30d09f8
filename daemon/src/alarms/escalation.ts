// Calling for one alarm: the plan's targets in order, round and round, until
// the alarm is acknowledged or cleared.
//
// When a target answers, the dispatcher can act at once: their leg listens for
// the acknowledge key from that moment and hears a tone (ring-back while the
// point's voice is being connected, an alert when the point has no intercom),
// while the point's voice is connected in the background — the SOS phone's
// own hotline call when the alarm came from it, else the intercom at the point,
// called with auto-answer — and bridged to the dispatcher when it answers. An
// answered call that ends unacknowledged means calling goes on.
//
// A busy extension is released (强拆) or barged (强插, after a warning tone)
// when the plan says so; both act on the desk's own leg and are audited.
//
// If FreeSWITCH goes away during a call, the alarm is no longer "connected":
// it is calling again, and the interrupted call is placed again as soon as
// FreeSWITCH is back (a round pause ends early when it returns).
import { randomUUID } from 'node:crypto';
import { Sleeper } from '../lifecycle/sleeper.js';
import type { Target, ToneName } from '../pbx/commands/builders.js';
import type { PbxLink } from '../pbx/gateway.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { Point } from './alarm-message.js';
import type { AlarmPbx } from './ports.js';
import type { StepKind, StepPatch } from './alarm-transitions.js';

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

/** Who the dispatcher sees calling: the point's label, and its number (configured, else its intercom extension). */
export function callerIdOf(point: Point): { callerIdName: string; callerIdNumber?: string } {
  const number = point.callerNumber ?? point.phone;
  return number ? { callerIdName: callerNameOf(point.label), callerIdNumber: number } : { callerIdName: callerNameOf(point.label) };
}

/**
 * The busy extension's own leg, to release or barge: the channel of that SIP
 * phone (sofia/…/<ext>@…), answered and not one of ours. Never the other
 * party's leg: releasing it would work by accident, but a barge there would
 * join the wrong side and only the other party's keys would acknowledge.
 */
export function busyCallOf(channels: LiveChannel[], extension: string, except: Set<string>): LiveChannel | undefined {
  return channels.find((c) => !except.has(c.uuid) && c.answeredAt && c.name.includes(`/${extension}@`));
}

/** What the escalation reports back to the service. */
export interface EscalationHost {
  /** Persist a step; returns false when the alarm is already acknowledged or cleared (stop calling). */
  step(kind: StepKind, patch: StepPatch, detail: string): Promise<boolean>;
  audit(action: string, target: string, detail: string): Promise<void>;
  indicate(indication: 'alarm-sent' | 'voice-connected'): void;
  /** Something running beside the calling failed (connecting the point's voice): logged, calling goes on. */
  failed(err: unknown, what: string): void;
}

type TalkEnd = 'ended' | 'stopped' | 'lost';

export class Escalation {
  private cancelled = false;
  private finished = false;
  private readonly sleeper = new Sleeper();
  /** Every call this alarm placed or joined: never released as "the other call" when the desk is busy. */
  readonly calls = new Set<string>();
  /** The dispatcher's side only: its key acknowledges. The point's leg is not in here —
   *  the person who raised the alarm (or a vandal) must not be able to acknowledge it. */
  readonly ackCalls = new Set<string>();
  /** Rounds in a row in which no call got through: the pause between rounds grows. */
  private failedRounds = 0;
  private endWaiter: ((how: TalkEnd) => void) | undefined;
  /** The dispatcher's leg of the call going on. */
  private current: string | undefined;
  /** The point's voice: the SOS phone's hotline leg, or the intercom leg we called. */
  private pointLeg: { uuid: string; hotline: boolean } | undefined;
  /** The intercom being called (its uuid is ours), to cancel if the dispatcher hangs up first. */
  private intercomRinging: string | undefined;

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
    if (uuid === this.pointLeg?.uuid) this.pointLeg = undefined;
  }

  /** FreeSWITCH went away, froze, or is back. */
  linkChanged(link: PbxLink): void {
    if (link !== 'up') {
      if (this.current) this.endWaiter?.('lost');
      return;
    }
    // Back: whatever pause we are in is over, and rounds start afresh.
    this.failedRounds = 0;
    this.sleeper.wake();
  }

  /**
   * The SOS phone's hotline call of this alarm's point, answered and hearing
   * ring-back: the point's voice from now on. Connected at once if a
   * dispatcher is on the line already.
   */
  adoptPointLeg(uuid: string): void {
    this.pointLeg = { uuid, hotline: true };
    const desk = this.current;
    if (desk) void this.bridgePoint(desk, uuid).catch((err: unknown) => this.host.failed(err, 'connecting the hotline call to the dispatcher'));
  }

  /** Resume with a call that is already connected (after a daemon restart). */
  async run(connected?: string): Promise<void> {
    const plan = this.point.escalation;
    if (connected) {
      // Ours whether or not it is still up: never release it as "the busy desk's other call".
      this.calls.add(connected);
      this.ackCalls.add(connected);
      if (this.pbx.channels.get(connected) && (await this.talkUntilEnd(connected, 'the resumed call')) === 'stopped') return;
    }
    let first = !connected;
    let i = 0;
    while (!this.cancelled) {
      const t = plan.targets[i]!;
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
        // Acknowledged or cleared (from the UI, by SMS, by central) while the target rang: its call,
        // just answered, is not left up.
        if (this.finished) await this.hangUp(uuid);
        return;
      }
      if (uuid) {
        this.failedRounds = 0;
        const how = await this.talkUntilEnd(uuid, describeTarget(t));
        if (how === 'stopped') return;
        if (how === 'lost') continue; // the same target again, now that FreeSWITCH is back
        if (!(await this.host.step('call-ended', { callUuid: null }, `${describeTarget(t)} hung up before acknowledging; calling on`))) return this.stop();
      }
      if (++i < plan.targets.length) continue;
      i = 0;
      if (this.cancelled) return;
      // When nothing gets through (FreeSWITCH down, every phone unregistered), calling goes on but
      // the pause doubles up to a minute: no tight loop of failed calls and database writes.
      // FreeSWITCH coming back ends the pause at once (linkChanged).
      const pauseS = Math.min(60, plan.pauseS * 2 ** Math.min(this.failedRounds, 6));
      this.failedRounds++;
      if (!(await this.host.step('round-failed', { target: null, callUuid: null }, `every target tried without acknowledgement; again in ${pauseS} s`))) return this.stop();
      await this.sleeper.sleep(pauseS * 1000);
    }
  }

  /**
   * Talk on a connected call until it ends, the alarm is done, or FreeSWITCH
   * is lost. A lost link is not "connected": the alarm goes back to calling,
   * and when FreeSWITCH returns, a call that survived (only the socket
   * dropped) is taken up again, one that died is placed again.
   */
  private async talkUntilEnd(uuid: string, who: string): Promise<'ended' | 'stopped' | 'lost'> {
    for (;;) {
      const how = await this.talk(uuid);
      if (how !== 'lost') return how;
      if (!(await this.host.step('call-lost', { callUuid: null }, `FreeSWITCH was lost during the call with ${who}; calling again as soon as it is back`))) {
        this.stop();
        return 'stopped';
      }
      this.host.indicate('alarm-sent');
      while (!this.cancelled && this.pbx.link !== 'up') await this.sleeper.sleep(1000);
      if (this.cancelled) return 'stopped';
      if (!this.pbx.channels.get(uuid)) return 'lost';
    }
  }

  private async hangUp(uuid: string | undefined): Promise<void> {
    if (uuid) await this.pbx.hangup(uuid);
    await this.dropIntercom();
  }

  /** Hang up the intercom we called (ringing or connected); a hotline call stays, waiting for the next dispatcher. */
  private async dropIntercom(): Promise<void> {
    const ringing = this.intercomRinging;
    this.intercomRinging = undefined;
    if (ringing) await this.pbx.hangup(ringing);
    const leg = this.pointLeg;
    if (leg && !leg.hotline) {
      this.pointLeg = undefined;
      await this.pbx.hangup(leg.uuid);
    }
  }

  /** Connected: wait until acknowledged (stop), the call ends, or FreeSWITCH is lost. */
  private async talk(uuid: string): Promise<TalkEnd> {
    this.current = uuid;
    this.calls.add(uuid);
    this.ackCalls.add(uuid);
    if (!(await this.host.step('connected', { callUuid: uuid }, `connected (${uuid})`))) {
      this.current = undefined;
      this.stop();
      return 'stopped';
    }
    const how = await new Promise<TalkEnd>((resolve) => {
      this.endWaiter = resolve;
      if (this.cancelled) resolve('stopped');
      else if (!this.pbx.channels.get(uuid)) resolve('ended');
      else if (this.pbx.link !== 'up') resolve('lost');
    });
    this.endWaiter = undefined;
    this.current = undefined;
    if (how === 'ended') {
      await this.dropIntercom();
      this.host.indicate('alarm-sent');
      // A hotline caller waits for the next dispatcher with ring-back again.
      if (this.pointLeg?.hotline) void this.pbx.playTone(this.pointLeg.uuid, 'ringback', 'aleg');
    }
    return how;
  }

  /** One call to one target; the uuid of the dispatcher's leg when answered. */
  private async call(t: PlanTarget): Promise<string | undefined> {
    const plan = this.point.escalation;
    const originate = () =>
      this.pbx.originate({
        target: toTarget(t),
        app: { app: 'park' },
        ...callerIdOf(this.point),
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
        // The desk's own leg: the warning tone to both parties, then the intercom joins three-way.
        // The desk acknowledges with its key on that leg.
        this.ackCalls.add(busy.uuid);
        this.calls.add(busy.uuid);
        await this.pbx.playTone(busy.uuid, 'barge-warning', 'both');
        const barge = await this.pbx.originate({
          target: { kind: 'extension', number: this.point.phone },
          app: { app: 'three_way', uuid: busy.uuid },
          callerIdName: callerNameOf(this.point.label),
          timeoutS: 20,
          variables: { callpoint_alarm_id: this.alarmId, callpoint_zone: this.point.zone, sip_auto_answer: 'true' },
        });
        await this.host.audit('alarm.barge', busy.uuid, `强插: the point's intercom ${this.point.phone} joined the call of extension ${t.extension} for alarm ${this.alarmId}: ${barge.ok ? 'done' : barge.message}`);
        if (barge.ok) {
          this.calls.add(barge.value.uuid);
          this.host.indicate('voice-connected');
          return busy.uuid;
        }
        this.ackCalls.delete(busy.uuid);
      }
    }
    if (!r.ok) {
      await this.host.step('call-failed', { callUuid: null }, `${describeTarget(t)}: ${r.message}`);
      return undefined;
    }
    const dispatcher = r.value.uuid;
    // From this moment the dispatcher's key acknowledges, and they hear something while the point is connected.
    this.calls.add(dispatcher);
    this.ackCalls.add(dispatcher);
    void this.connectPoint(dispatcher).catch((err: unknown) => this.host.failed(err, "connecting the point's voice to the dispatcher"));
    return dispatcher;
  }

  /**
   * The dispatcher has answered: a tone at once, then the point's voice — the
   * hotline call if there is one, else the intercom, called with auto-answer.
   * Runs on after acknowledgement: the dispatcher who acknowledged still wants
   * to talk to the point.
   */
  private async connectPoint(dispatcher: string): Promise<void> {
    const voice = this.pointLeg && this.pbx.channels.get(this.pointLeg.uuid) ? this.pointLeg : undefined;
    const tone: ToneName = voice || this.point.phone ? 'ringback' : 'alarm-no-voice';
    const played = await this.pbx.playTone(dispatcher, tone, 'aleg');
    if (!played.ok) await this.host.step('call-failed', {}, `no tone for the dispatcher: ${played.message}`);
    if (voice) return this.bridgePoint(dispatcher, voice.uuid);
    if (!this.point.phone) return;
    const uuid = randomUUID();
    this.intercomRinging = uuid;
    this.calls.add(uuid);
    const intercom = await this.pbx.originate({
      uuid,
      target: { kind: 'extension', number: this.point.phone },
      app: { app: 'park' },
      callerIdName: callerNameOf(this.point.label),
      timeoutS: 15,
      // Auto-answer (FreeSWITCH sends Call-Info: answer-after=0); when the dispatcher leaves, the intercom goes too.
      variables: { callpoint_alarm_id: this.alarmId, callpoint_zone: this.point.zone, sip_auto_answer: 'true', hangup_after_bridge: 'true' },
    });
    if (this.intercomRinging === uuid) this.intercomRinging = undefined;
    if (!intercom.ok) {
      await this.host.step('call-failed', {}, `the intercom ${this.point.phone} did not answer (${intercom.message}); the dispatcher is connected without voice to the point`);
      if (this.pbx.channels.get(dispatcher)) await this.pbx.playTone(dispatcher, 'alarm-no-voice', 'aleg');
      return;
    }
    if (!this.pbx.channels.get(dispatcher)) {
      // The dispatcher hung up while the intercom rang.
      await this.pbx.hangup(uuid);
      return;
    }
    this.pointLeg = { uuid, hotline: false };
    await this.bridgePoint(dispatcher, uuid);
  }

  private async bridgePoint(dispatcher: string, leg: string): Promise<void> {
    const b = await this.pbx.bridge(dispatcher, leg);
    if (b.ok) this.host.indicate('voice-connected');
    else await this.host.step('call-failed', {}, `could not connect the point's voice to the dispatcher: ${b.message}`);
  }
}
