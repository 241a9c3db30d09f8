// The emergency alarm service: the states and rules of ARCHITECTURE.md.
//
//   press → raised → calling → connected → acknowledged → cleared
//                        ↘ failed (every target tried; calling goes on)
//
// An alarm row is committed (synchronous=FULL) together with its `alarm`
// message before any output, call or other message. Every later change is
// committed with its message too, so central sees each state, in order (the
// outbox keeps order per alarm). Repeated presses of a point while its alarm
// is open join that alarm; between acknowledgement and clearing a new press
// raises a new alarm (the person may need help again). Acknowledgement comes
// from the answering dispatcher's key, from central, or from the web UI;
// clearing from the point, a technician on site, or central — each recorded
// with who and when, and audited.
import type { Actor } from '../accounts/actor.js';
import { derived, type ConfigReader } from '../config/holder.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Alarm, AckSource, AlarmState, ClearSource } from '../contracts/alarms.js';
import type { AuditEntry } from '../contracts/accounts.js';
import { HANDLED_STATES, JOINING_STATES } from '../contracts/values.js';
import type { Repos, Store } from '../store/store.js';
import { alarmMessage, type Point } from './alarm-message.js';
import { Escalation } from './escalation.js';
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
}

export class AlarmService {
  private readonly pointMap: () => Map<string, Point>;
  private readonly escalations = new Map<string, Escalation>();
  private readonly offs: Array<() => void> = [];
  /** Presses are handled one at a time per point, so ten quick presses cannot raise two alarms. */
  private readonly pointQueue = new Map<string, Promise<unknown>>();

  private readonly store: Store;
  private readonly pbx: AlarmPbx;
  private readonly outputs: AlarmOutputs;
  private readonly bus: EventBus;
  private readonly log: Logger;

  constructor(ctx: AlarmServiceContext) {
    const { config } = ctx;
    ({ store: this.store, pbx: this.pbx, outputs: this.outputs, bus: this.bus, log: this.log } = ctx);
    this.pointMap = derived(() => config.current.points, (points) => new Map(points.map((p) => [p.id, p])));
  }

  async start(): Promise<void> {
    this.offs.push(this.pbx.onDtmf((uuid, digit) => void this.onDtmf(uuid, digit)));
    this.offs.push(this.bus.on('channel', ({ uuid, channel }) => {
      if (channel === null) for (const e of this.escalations.values()) e.channelGone(uuid);
    }));
    // After a restart or a power cut: every open alarm is signalled at once, and called again —
    // once FreeSWITCH's live calls are known, so a call still up is kept, not re-placed or released.
    const open = (await this.store.alarms.open()).filter((a) => !a.test);
    for (const a of open) this.outputs.point(a.pointId, a.state === 'connected' ? 'voice-connected' : 'alarm-sent');
    this.outputs.beacons(open.length > 0);
    if (!open.length) return;
    this.log.warn({ open: open.map((a) => `${a.id} ${a.state}`) }, 'open alarms resumed after start');
    this.resuming = (async () => {
      const ready = await this.pbx.whenReady(15_000);
      if (!ready) this.log.error('FreeSWITCH is not reachable: calling for the open alarms anyway (calls will fail and be retried)');
      for (const a of open) {
        if (this.stopped) return;
        const now = await this.store.alarms.byId(a.id);
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

  /** A press of a call point's button. */
  press(pointId: string, source = 'button'): Promise<AlarmResult> {
    const prev = this.pointQueue.get(pointId) ?? Promise.resolve();
    const next = prev.then(() => this.handlePress(pointId, source), () => this.handlePress(pointId, source));
    this.pointQueue.set(pointId, next.catch(() => undefined));
    return next;
  }

  private async handlePress(pointId: string, source: string): Promise<AlarmResult> {
    const point = this.pointMap().get(pointId);
    if (!point) return { ok: false, code: 'not_found', message: `no call point ${pointId}` };
    const now = new Date().toISOString();
    // One urgent transaction decides join-or-raise and writes it: an emergency waits for the disk once.
    // Presses of one point are serialised (pointQueue), and acknowledgement re-reads inside its own
    // transaction; a press racing an acknowledgement at worst joins it a moment before it is acknowledged.
    // Durable first: the alarm and its message are on disk before anything signals it.
    const outcome = await this.persistPress(pointId, () => this.store.tx(async (r): Promise<{ joined: Alarm } | { raised: Alarm }> => {
      const open = await r.alarms.openForPoint(pointId);
      if (open && JOINING_STATES.includes(open.state)) {
        await r.alarms.update(open.id, { presses: open.presses + 1, updatedAt: now });
        await r.alarms.log(open.id, 'pressed-again', `${source}; joined the open alarm`, now);
        return { joined: { ...open, presses: open.presses + 1, updatedAt: now } };
      }
      const a: Alarm = {
        id: await r.alarms.nextId(new Date(now)), pointId, zone: point.zone, state: 'raised', test: false, raisedAt: now, updatedAt: now, presses: 1, attempts: 0,
        target: null, callUuid: null, connectedAt: null, acknowledgedAt: null, acknowledgedBy: null, ackSource: null, clearedAt: null, clearedBy: null, clearSource: null,
      };
      await r.alarms.insert(a);
      await r.alarms.log(a.id, 'raised', `${source}${open ? ` (after ${open.id} was acknowledged)` : ''}`, now);
      await r.outbox.enqueue('alarm', alarmMessage(a, point, 'raised'), a.id);
      return { raised: a };
    }, { urgent: true }));
    if ('joined' in outcome) return { ok: true, alarm: outcome.joined };
    const alarm = outcome.raised;
    // Stored: now the call (its command is on the wire before this returns), the lamps, the message, the log.
    this.escalate(alarm);
    this.outputs.beacons(true);
    this.outputs.point(pointId, 'alarm-sent');
    this.bus.emit('alarm', alarm);
    this.log.warn({ alarm: alarm.id, point: pointId, label: point.label }, 'EMERGENCY ALARM raised');
    return { ok: true, alarm };
  }

  /**
   * Write a press, whatever it takes. If the database refuses (full disk, a
   * failing SD card), the point's lamp and the beacons go on anyway — someone
   * pressed for help — and the write is retried until it succeeds; only then
   * is the dispatch desk called, because the alarm must exist to be handled.
   */
  private async persistPress<T>(pointId: string, write: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (attempt === 0) {
          this.outputs.beacons(true);
          this.outputs.point(pointId, 'alarm-sent');
        }
        const delay = Math.min(10_000, 250 * 2 ** attempt);
        this.log.fatal({ err, point: pointId, attempt, retryMs: delay }, 'CANNOT STORE AN EMERGENCY PRESS: indications are on, retrying the write');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private escalate(a: Alarm, connected?: string): void {
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
    });
    this.escalations.set(a.id, esc);
    void esc.run(connected).catch((err: unknown) => this.log.error({ err, alarm: a.id }, 'escalation failed')).finally(() => {
      if (this.escalations.get(a.id) === esc) this.escalations.delete(a.id);
    });
  }

  /** Persist an escalation step with its message; false when the alarm is already done. */
  private async step(id: string, kind: 'calling' | 'connected' | 'call-failed' | 'call-ended' | 'round-failed', patch: { target?: string | null; callUuid?: string | null }, detail: string): Promise<boolean> {
    const now = new Date().toISOString();
    const updated = await this.store.tx(async (r) => {
      const a = await r.alarms.byId(id);
      if (!a || DONE.includes(a.state)) return undefined;
      // Once every target failed the alarm stays `failed` while calling goes on (one message, not two per
      // round), until someone answers.
      const state: AlarmState =
        kind === 'calling' ? (a.state === 'failed' ? 'failed' : 'calling') : kind === 'connected' ? 'connected' : kind === 'round-failed' ? 'failed' : a.state === 'connected' ? 'calling' : a.state;
      const next: Alarm = {
        ...a,
        ...patch,
        state,
        updatedAt: now,
        attempts: a.attempts + (kind === 'calling' ? 1 : 0),
        connectedAt: kind === 'connected' ? now : a.connectedAt,
      };
      await r.alarms.update(id, { state, updatedAt: now, attempts: next.attempts, connectedAt: next.connectedAt, ...patch });
      await r.alarms.log(id, kind, detail, now);
      if (state !== a.state) await r.outbox.enqueue('alarm', alarmMessage(next, this.pointFor(id, a.pointId), state), id);
      return next;
    }, { urgent: true });
    if (!updated) return false;
    if (updated.state !== 'calling' || kind === 'calling') this.bus.emit('alarm', updated);
    this.log.info({ alarm: id, step: kind }, detail);
    return true;
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
    const r = await this.store.tx(async (q: Repos): Promise<(AlarmResult & { ok: false }) | { ok: true; alarm: Alarm; entry: AuditEntry }> => {
      const a = await q.alarms.byId(id);
      if (!a) return { ok: false, code: 'not_found', message: `no alarm ${id}` };
      if (a.state === 'cleared') return { ok: false, code: 'conflict', message: `alarm ${id} is already cleared` };
      if (to === 'acknowledged' && a.state === 'acknowledged') return { ok: false, code: 'conflict', message: `alarm ${id} is already acknowledged by ${a.acknowledgedBy}` };
      const next: Alarm =
        to === 'acknowledged'
          ? { ...a, state: to, updatedAt: now, acknowledgedAt: now, acknowledgedBy: by, ackSource: source as AckSource }
          : { ...a, state: to, updatedAt: now, clearedAt: now, clearedBy: by, clearSource: source as ClearSource, acknowledgedAt: a.acknowledgedAt };
      await q.alarms.update(id, to === 'acknowledged' ? { state: to, updatedAt: now, acknowledgedAt: now, acknowledgedBy: by, ackSource: source as AckSource } : { state: to, updatedAt: now, clearedAt: now, clearedBy: by, clearSource: source as ClearSource });
      await q.alarms.log(id, to, `by ${by} (${source})`, now);
      await q.outbox.enqueue('alarm', alarmMessage(next, this.pointFor(id, a.pointId), to), id);
      const entry = await q.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action: to === 'acknowledged' ? 'alarm.acknowledge' : 'alarm.clear', target: id, outcome: 'ok', detail: `${source}; point ${a.pointId}` });
      return { ok: true as const, alarm: next, entry };
    }, { urgent: true });
    if (!r.ok) return r;
    this.bus.emit('audit', r.entry);
    this.log.warn({ alarm: id, by, source }, `alarm ${to}`);
    const esc = this.escalations.get(id);
    if (esc) {
      esc.stop(true);
      this.escalations.delete(id);
    }
    this.bus.emit('alarm', r.alarm);
    if (to === 'cleared') {
      this.outputs.point(r.alarm.pointId, 'idle');
      const stillOpen = (await this.store.alarms.open()).some((a) => !a.test);
      if (!stillOpen) this.outputs.beacons(false);
    }
    return { ok: true, alarm: r.alarm };
  }

  open(): Promise<Alarm[]> {
    return this.store.alarms.open();
  }
}
