// The emergency alarm service: the states and rules of ARCHITECTURE.md.
//
//   press → raised → calling → connected → acknowledged → cleared
//                        ↘ failed (every target tried; calling goes on)
//
// An alarm row is committed (synchronous=FULL) together with its `alarm`
// message before any output, call or other message. Every later change is
// committed with its message too, so central sees each state, in order (the
// outbox keeps order per alarm). When the database cannot take the write (a
// full disk, a failing card) life safety comes first: the lamps and the call
// go out at once, and the alarm is held in memory and in the reserve file
// (held-alarms.ts) until the database takes it. Repeated presses of a point
// while its alarm is open join that alarm; between acknowledgement and clearing a new press
// raises a new alarm (the person may need help again). Acknowledgement comes
// from the answering dispatcher's key, from central, or from the web UI;
// clearing from the point, a technician on site, or central — each recorded
// with who and when, and audited.
import type { Actor } from '../accounts/actor.js';
import { derived, type ConfigReader } from '../config/holder.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Alarm, AckSource, ClearSource } from '../contracts/alarms.js';
import type { AuditEntry } from '../contracts/accounts.js';
import { HANDLED_STATES, JOINING_STATES } from '../contracts/values.js';
import { phrase } from '../contracts/phrases/index.js';
import type { Repos, Store } from '../store/store.js';
import { alarmMessage, type Point } from './alarm-message.js';
import { afterFinish, afterStep, raisedAlarm, type StepKind, type StepPatch } from './alarm-transitions.js';
import { HeldAlarms } from './held-alarms.js';
import { Escalation } from './escalation.js';
import type { ParkedCall } from '../pbx/gateway.js';
import type { AlarmOutputs, AlarmPbx } from './ports.js';

export type AlarmResult = { ok: true; alarm: Alarm } | { ok: false; code: 'not_found' | 'conflict'; message: string };

/** Nobody needs calling any more. */
const DONE = HANDLED_STATES;

export interface AlarmServiceContext {
  /** Read at each press: a point added or changed by an apply is pressable at once (config/live-apply.ts). */
  config: ConfigReader<Pick<Config, 'points'>>;
  store: Store;
  pbx: AlarmPbx;
  outputs: AlarmOutputs;
  bus: EventBus;
  log: Logger;
  /** Where changes wait while the database cannot be written (default: in memory only). */
  held?: HeldAlarms;
  /** A write failed: the store's watch says so in health at once. */
  storeFailed?: (err: unknown) => void;
}

/** How long a press's transaction may take before the alarm goes out held (a stalled disk). */
export const PRESS_WRITE_DEADLINE_MS = 1000;

export class AlarmService {
  private readonly pointMap: () => Map<string, Point>;
  private readonly escalations = new Map<string, Escalation>();
  private readonly offs: Array<() => void> = [];
  /** Hotline calls taken over, by channel uuid → their alarm. */
  private readonly hotlineLegs = new Map<string, string>();
  /** Presses are handled one at a time per point, so ten quick presses cannot raise two alarms. */
  private readonly pointQueue = new Map<string, Promise<unknown>>();
  /**
   * Acknowledged alarms whose call goes on (call uuid → alarm): the escalation is
   * over, but the "voice connected" lamp must still go out when that call ends —
   * hung up, or force-released by a higher-priority call.
   */
  private readonly voice = new Map<string, Alarm>();

  private readonly store: Store;
  private readonly pbx: AlarmPbx;
  private readonly outputs: AlarmOutputs;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly held: HeldAlarms;
  private readonly storeFailed: (err: unknown) => void;

  constructor(ctx: AlarmServiceContext) {
    const { config } = ctx;
    ({ store: this.store, pbx: this.pbx, outputs: this.outputs, bus: this.bus, log: this.log } = ctx);
    this.held = ctx.held ?? new HeldAlarms({ store: ctx.store, log: ctx.log, notify: () => undefined });
    this.storeFailed = ctx.storeFailed ?? (() => undefined);
    this.pointMap = derived(() => config.current.points, (points) => new Map(points.map((p) => [p.id, p])));
  }

  async start(): Promise<void> {
    this.offs.push(this.pbx.onDtmf((uuid, digit) => void this.onDtmf(uuid, digit)));
    this.offs.push(this.bus.on('channel', ({ uuid, channel }) => {
      if (channel !== null) return;
      this.hotlineLegs.delete(uuid);
      for (const e of this.escalations.values()) e.channelGone(uuid);
      const talked = this.voice.get(uuid);
      if (talked) {
        this.voice.delete(uuid);
        this.outputs.point(talked.pointId, 'alarm-sent');
      }
    }));
    // FreeSWITCH lost or frozen: no alarm stays "connected"; back: calling resumes at once.
    this.offs.push(this.pbx.onLink((link) => {
      for (const e of this.escalations.values()) e.linkChanged(link);
    }));
    // The SOS phone's hotline, parked by our dialplan: the primary path for a point without a wired button.
    this.offs.push(this.pbx.onParked((p) => {
      if (p.kind === 'alarm') void this.hotline(p).catch((err: unknown) => this.log.error({ err, call: p.uuid }, 'hotline call not taken over'));
    }));
    // After a restart or a power cut: every open alarm is signalled at once, and called again —
    // once FreeSWITCH's live calls are known, so a call still up is kept, not re-placed or released.
    // Alarms the last run held in the reserve file (the disk was full) are among them.
    await this.held.start();
    const open = (await this.open()).filter((a) => !a.test);
    for (const a of open) this.outputs.point(a.pointId, a.state === 'connected' ? 'voice-connected' : 'alarm-sent');
    this.outputs.beacons(open.length > 0);
    if (!open.length) return;
    this.log.warn({ open: open.map((a) => `${a.id} ${a.state}`) }, 'open alarms resumed after start');
    this.resuming = (async () => {
      const ready = await this.pbx.whenReady(15_000);
      if (!ready) this.log.error('FreeSWITCH is not reachable: calling for the open alarms anyway (calls will fail and be retried)');
      for (const a of open) {
        if (this.stopped) return;
        const now = await this.alarmOf(a.id);
        if (now && !DONE.includes(now.state)) this.escalate(now, now.state === 'connected' ? (now.callUuid ?? undefined) : undefined);
      }
    })();
  }

  private resuming: Promise<void> | undefined;
  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    for (const e of this.escalations.values()) e.stop();
    this.escalations.clear();
    this.voice.clear();
    await this.held.stop();
  }

  /** An alarm as it stands: held (not yet written) first, else from the database. */
  private async alarmOf(id: string): Promise<Alarm | undefined> {
    return this.held.get(id) ?? (await this.store.urgent.alarms.byId(id).catch(() => undefined));
  }

  points(): Point[] {
    return [...this.pointMap().values()];
  }

  pointOf(id: string): Point | undefined {
    return this.pointMap().get(id);
  }

  /**
   * The point as an alarm knows it: the definition its calling started with
   * (an apply never changes an escalation under way), else the current one.
   */
  private pointFor(alarmId: string, pointId: string): Point | undefined {
    return this.escalations.get(alarmId)?.point ?? this.pointMap().get(pointId);
  }

  /** Open real alarms (not self-tests): what a configuration change of their point waits for. */
  async openAlarms(): Promise<Alarm[]> {
    return (await this.store.alarms.open()).filter((a) => !a.test);
  }

  /**
   * A press of a call point's button, or its SOS phone calling the hotline
   * (pointLeg: that call, which becomes the point's voice for the alarm).
   */
  press(pointId: string, source = 'button', pointLeg?: string): Promise<AlarmResult> {
    const prev = this.pointQueue.get(pointId) ?? Promise.resolve();
    const next = prev.then(() => this.handlePress(pointId, source, pointLeg), () => this.handlePress(pointId, source, pointLeg));
    this.pointQueue.set(pointId, next.catch(() => undefined));
    return next;
  }

  /**
   * The SOS phone dialled callpoint-alarm-<point> and our dialplan parked the
   * call: raise (or join) the alarm, answer the call with ring-back, and give
   * it to the escalation as the point's voice — the dispatcher who answers is
   * bridged to it.
   */
  private async hotline(p: ParkedCall): Promise<void> {
    // Parked again after a dispatcher left the call (park_after_bridge): while the alarm is open its
    // escalation has the caller wait with ring-back for the next; once it is done, the call ends.
    const known = this.hotlineLegs.get(p.uuid);
    if (known) {
      const a = await this.store.alarms.byId(known);
      if (!a || DONE.includes(a.state)) {
        this.hotlineLegs.delete(p.uuid);
        await this.pbx.hangup(p.uuid);
      }
      return;
    }
    const point = p.point ? this.pointMap().get(p.point) : undefined;
    if (!point) {
      // Our dialplan matches configured points only: a dialplan older than this configuration.
      this.log.error({ call: p.uuid, point: p.point }, 'hotline call for a point that is not configured: provision FreeSWITCH again');
      return;
    }
    const r = await this.press(point.id, `hotline call from ${p.callerNumber ?? 'an unknown number'}`, p.uuid);
    if (!r.ok) return;
    this.hotlineLegs.set(p.uuid, r.alarm.id);
    this.pbx.tag(p.uuid, { alarmId: r.alarm.id, zone: point.zone });
    const answered = await this.pbx.answer(p.uuid);
    if (!answered.ok) this.log.error({ call: p.uuid, alarm: r.alarm.id, reason: answered.message }, 'could not answer the hotline call');
    else await this.pbx.playTone(p.uuid, 'ringback', 'aleg');
  }

  private async handlePress(pointId: string, source: string, pointLeg?: string): Promise<AlarmResult> {
    const point = this.pointMap().get(pointId);
    if (!point) return { ok: false, code: 'not_found', message: `no call point ${pointId}` };
    const now = new Date().toISOString();
    // A point whose alarm is held (not yet written): the press joins it, held too.
    const heldOpen = this.held.openForPoint(pointId);
    if (heldOpen && JOINING_STATES.includes(heldOpen.state)) return this.joinHeld(heldOpen, source, now);
    // One urgent transaction decides join-or-raise and writes it: an emergency waits for the disk once.
    // Presses of one point are serialised (pointQueue), and acknowledgement re-reads inside its own
    // transaction; a press racing an acknowledgement at worst joins it a moment before it is acknowledged.
    // Durable first: the alarm and its message are on disk before anything signals it.
    const abandoned = { value: false };
    let outcome: { joined: Alarm } | { raised: Alarm };
    try {
      outcome = await deadline(this.store.tx(async (r): Promise<{ joined: Alarm } | { raised: Alarm }> => {
        // The deadline passed while this waited for the queue: the alarm went out held instead.
        if (abandoned.value) throw new Error('abandoned: the press was held instead');
        const open = await r.alarms.openForPoint(pointId);
        if (open && JOINING_STATES.includes(open.state)) {
          await r.alarms.update(open.id, { presses: open.presses + 1, updatedAt: now });
          await r.alarms.log(open.id, 'pressed-again', `${source}; joined the open alarm`, now);
          return { joined: { ...open, presses: open.presses + 1, updatedAt: now } };
        }
        const a = raisedAlarm(await r.alarms.nextId(new Date(now)), point, now);
        await r.alarms.insert(a);
        await r.alarms.log(a.id, 'raised', `${source}${open ? ` (after ${open.id} was acknowledged)` : ''}`, now);
        await r.outbox.enqueue('alarm', alarmMessage(a, point, 'raised'), a.id);
        // Past the deadline by now (a statement hung): roll back, the alarm went out held.
        if (abandoned.value) throw new Error('abandoned: the press was held instead');
        return { raised: a };
      }, { urgent: true }), PRESS_WRITE_DEADLINE_MS, abandoned);
    } catch (err) {
      return this.raiseHeld(point, source, now, err, pointLeg);
    }
    if ('joined' in outcome) {
      if (pointLeg) this.escalations.get(outcome.joined.id)?.adoptPointLeg(pointLeg);
      return { ok: true, alarm: outcome.joined };
    }
    this.signal(outcome.raised, point, pointLeg);
    return { ok: true, alarm: outcome.raised };
  }

  /** Stored (or held): now the call (its command is on the wire before this returns), the lamps, the message, the log. */
  private signal(alarm: Alarm, point: Point, pointLeg?: string): void {
    this.escalate(alarm, undefined, pointLeg);
    this.outputs.beacons(true);
    this.outputs.point(alarm.pointId, 'alarm-sent');
    this.bus.emit('alarm', alarm);
    this.log.warn({ alarm: alarm.id, point: alarm.pointId, label: point.label }, 'EMERGENCY ALARM raised');
  }

  /**
   * The database refused the press (a full disk, a failing card) or did not
   * start it in time: someone pressed for help, so the alarm goes out now —
   * lamps, beacons, the call, the message to central — and what would have
   * been written is held until the database takes it.
   */
  private async raiseHeld(point: Point, source: string, now: string, err: unknown, pointLeg?: string): Promise<AlarmResult> {
    this.storeFailed(err);
    // Reads still work on a full disk: an open alarm of this point in the database is joined —
    // as it stands now: held while this read waited (cleared, say), the held alarm is newer than its row.
    const stored = await this.store.urgent.alarms.openForPoint(point.id).catch(() => undefined);
    const open = stored && (this.held.get(stored.id) ?? stored);
    if (open && JOINING_STATES.includes(open.state)) {
      if (pointLeg) this.escalations.get(open.id)?.adoptPointLeg(pointLeg);
      return this.joinHeld(open, source, now);
    }
    const a = raisedAlarm(await this.held.newId(new Date(now)), point, now);
    this.held.hold(a, false, { log: { kind: 'raised', detail: `${source}; held: the database could not be written`, ts: now }, message: alarmMessage(a, point, 'raised') });
    this.log.fatal({ err, alarm: a.id, point: point.id }, 'CANNOT STORE AN EMERGENCY PRESS: signalled and called at once, the alarm is held until the database takes it');
    this.signal(a, point, pointLeg);
    return { ok: true, alarm: a };
  }

  /** A press joining an open alarm, held: the alarm is held already, or is a stored one whose write failed. */
  private joinHeld(open: Alarm, source: string, now: string): AlarmResult {
    const joined = { ...open, presses: open.presses + 1, updatedAt: now };
    this.held.hold(joined, !this.held.has(open.id), { log: { kind: 'pressed-again', detail: `${source}; joined the open alarm (held)`, ts: now } });
    return { ok: true, alarm: joined };
  }

  private escalate(a: Alarm, connected?: string, pointLeg?: string): void {
    // A press during start-up may already have started this alarm's calling.
    if (this.escalations.has(a.id)) return;
    const point = this.pointMap().get(a.pointId);
    if (!point) {
      this.log.error({ alarm: a.id, point: a.pointId }, 'open alarm of a point no longer configured: not called');
      return;
    }
    const esc = new Escalation(a.id, point, this.pbx, {
      step: (kind, patch, detail) => this.step(a.id, kind, patch, detail),
      audit: (action, target, detail) => this.store.audit.insert({ username: 'system', role: null, ip: null, action, target, outcome: 'ok', detail }).then((e) => this.bus.emit('audit', e)),
      indicate: (ind) => this.outputs.point(a.pointId, ind),
      failed: (err, what) => this.log.error({ err, alarm: a.id }, `${what} failed; calling goes on`),
    });
    this.escalations.set(a.id, esc);
    if (pointLeg) esc.adoptPointLeg(pointLeg);
    void esc.run(connected).catch((err: unknown) => this.log.error({ err, alarm: a.id }, 'escalation failed')).finally(() => {
      if (this.escalations.get(a.id) === esc) this.escalations.delete(a.id);
    });
  }

  /** Persist an escalation step with its message; false when the alarm is already done. */
  private async step(id: string, kind: StepKind, patch: StepPatch, detail: string): Promise<boolean> {
    const now = new Date().toISOString();
    let updated: { before: Alarm; after: Alarm } | undefined;
    if (this.held.has(id)) {
      updated = this.holdStep(this.held.get(id)!, kind, patch, detail, now, false);
    } else {
      try {
        updated = await this.store.tx(async (r) => {
          const a = await r.alarms.byId(id);
          const next = a && afterStep(a, kind, patch, now);
          if (!a || !next) return undefined;
          await r.alarms.update(id, { state: next.state, updatedAt: now, attempts: next.attempts, connectedAt: next.connectedAt, ...patch });
          await r.alarms.log(id, kind, detail, now);
          if (next.state !== a.state) await r.outbox.enqueue('alarm', alarmMessage(next, this.pointFor(id, a.pointId), next.state), id);
          return { before: a, after: next };
        }, { urgent: true });
      } catch (err) {
        // Calling goes on whatever the disk does; the step waits with the alarm.
        this.storeFailed(err);
        const stored = await this.store.urgent.alarms.byId(id).catch(() => undefined);
        // Held while this waited (cleared, say): the held alarm is newer than its row.
        const a = this.held.get(id) ?? stored;
        if (!a) {
          this.log.error({ err, alarm: id, step: kind }, 'cannot store an escalation step nor read the alarm: calling goes on');
          return true;
        }
        updated = this.holdStep(a, kind, patch, detail, now, true);
      }
    }
    if (!updated) return false;
    if (updated.after.state !== 'calling' || kind === 'calling') this.bus.emit('alarm', updated.after);
    this.log.info({ alarm: id, step: kind }, detail);
    return true;
  }

  private holdStep(a: Alarm, kind: StepKind, patch: StepPatch, detail: string, now: string, inDb: boolean): { before: Alarm; after: Alarm } | undefined {
    const next = afterStep(a, kind, patch, now);
    if (!next) return undefined;
    this.held.hold(next, inDb, { log: { kind, detail, ts: now }, message: next.state !== a.state ? alarmMessage(next, this.pointFor(a.id, a.pointId), next.state) : undefined });
    return { before: a, after: next };
  }

  private async onDtmf(uuid: string, digit: string): Promise<void> {
    for (const esc of this.escalations.values()) {
      if (!esc.ackCalls.has(uuid)) continue;
      // The key of the plan this alarm is calling with.
      if (digit === esc.point.escalation.ackDigit) {
        const who = this.pbx.channels.get(uuid);
        const by = who?.calleeNumber ?? who?.callerNumber ?? 'dispatcher';
        await this.acknowledge(esc.alarmId, { username: `ext:${by}`, role: null, ip: null }, 'dtmf');
      }
    }
  }

  async acknowledge(id: string, actor: Actor, source: AckSource): Promise<AlarmResult> {
    return this.finish(id, actor, source, 'acknowledged');
  }

  async clear(id: string, actor: Actor, source: ClearSource): Promise<AlarmResult> {
    return this.finish(id, actor, source, 'cleared');
  }

  private async finish(id: string, actor: Actor, source: AckSource | ClearSource, to: 'acknowledged' | 'cleared'): Promise<AlarmResult> {
    const now = new Date().toISOString();
    const by = actor.username ?? source;
    const action = to === 'acknowledged' ? 'alarm.acknowledge' : 'alarm.clear';
    let r: (AlarmResult & { ok: false }) | { ok: true; alarm: Alarm; entry?: AuditEntry };
    const held = this.held.get(id);
    if (held) {
      r = this.holdFinish(held, actor, source, to, now, false);
    } else {
      try {
        r = await this.store.tx(async (q: Repos): Promise<(AlarmResult & { ok: false }) | { ok: true; alarm: Alarm; entry: AuditEntry }> => {
          const a = await q.alarms.byId(id);
          if (!a) return { ok: false, code: 'not_found', message: `no alarm ${id}` };
          const f = afterFinish(a, to, by, source, now);
          if (!f.ok) return { ok: false, code: 'conflict', message: f.message };
          const next = f.alarm;
          await q.alarms.update(id, to === 'acknowledged' ? { state: to, updatedAt: now, acknowledgedAt: now, acknowledgedBy: by, ackSource: source as AckSource } : { state: to, updatedAt: now, clearedAt: now, clearedBy: by, clearSource: source as ClearSource });
          await q.alarms.log(id, to, `by ${by} (${source})`, now);
          await q.outbox.enqueue('alarm', alarmMessage(next, this.pointFor(id, a.pointId), to), id);
          const entry = await q.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action, target: id, outcome: 'ok', detail: `${source}; point ${a.pointId}`, phrase: phrase('audit.alarm.finished', { source, point: a.pointId }) });
          return { ok: true as const, alarm: next, entry };
        }, { urgent: true });
      } catch (err) {
        // Acknowledged or cleared while the disk is full: the calling still stops; the record waits.
        this.storeFailed(err);
        const stored = await this.store.urgent.alarms.byId(id).catch(() => undefined);
        // Held while this waited (an escalation step): the held alarm is newer than its row.
        const a = this.held.get(id) ?? stored;
        if (!a) throw err;
        r = this.holdFinish(a, actor, source, to, now, true);
      }
    }
    if (!r.ok) return r;
    if (r.entry) this.bus.emit('audit', r.entry);
    this.log.warn({ alarm: id, by, source }, `alarm ${to}`);
    const esc = this.escalations.get(id);
    if (esc) {
      esc.stop(true);
      this.escalations.delete(id);
    }
    this.bus.emit('alarm', r.alarm);
    // The lamps follow the call: acknowledged during a call, "voice connected" stays lit until it ends.
    for (const [uuid, talked] of this.voice) if (talked.id === id) this.voice.delete(uuid);
    if (to === 'acknowledged' && r.alarm.callUuid) {
      if (this.pbx.channels.get(r.alarm.callUuid)) this.voice.set(r.alarm.callUuid, r.alarm);
      else this.outputs.point(r.alarm.pointId, 'alarm-sent');
    }
    if (to === 'cleared') {
      this.outputs.point(r.alarm.pointId, 'idle');
      const stillOpen = (await this.open()).some((a) => !a.test);
      if (!stillOpen) this.outputs.beacons(false);
    }
    return { ok: true, alarm: r.alarm };
  }

  private holdFinish(a: Alarm, actor: Actor, source: AckSource | ClearSource, to: 'acknowledged' | 'cleared', now: string, inDb: boolean): (AlarmResult & { ok: false }) | { ok: true; alarm: Alarm } {
    const by = actor.username ?? source;
    const f = afterFinish(a, to, by, source, now);
    if (!f.ok) return { ok: false, code: 'conflict', message: f.message };
    this.held.hold(f.alarm, inDb, {
      log: { kind: to, detail: `by ${by} (${source})`, ts: now },
      message: alarmMessage(f.alarm, this.pointFor(a.id, a.pointId), to),
      audit: { username: actor.username, role: actor.role, ip: actor.ip, action: to === 'acknowledged' ? 'alarm.acknowledge' : 'alarm.clear', target: a.id, outcome: 'ok', detail: `${source}; point ${a.pointId}; held: the database could not be written`, ts: now },
    });
    return { ok: true, alarm: f.alarm };
  }

  /** The open alarms: those in the database and those held until it takes them. */
  async open(): Promise<Alarm[]> {
    // A held alarm is newer than its row (acknowledged or cleared while the disk was full).
    const stored = (await this.store.alarms.open().catch(() => [] as Alarm[])).filter((a) => !this.held.has(a.id));
    return [...stored, ...this.held.open()].sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  }

  /** The open alarm of a point (held or stored), for the simulation's press answer. */
  async openForPoint(pointId: string): Promise<Alarm | undefined> {
    return this.held.openForPoint(pointId) ?? (await this.store.alarms.openForPoint(pointId).catch(() => undefined));
  }
}

/**
 * The press's transaction, or a rejection once `ms` passed without it:
 * `abandoned` is set, so a transaction still waiting in the queue does nothing
 * when its turn comes (the alarm went out held instead).
 */
function deadline<T>(p: Promise<T>, ms: number, abandoned: { value: boolean }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abandoned.value = true;
        reject(new Error(`the database did not take the press within ${ms} ms`));
      }, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
