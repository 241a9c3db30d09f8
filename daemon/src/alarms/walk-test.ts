// The commissioning walk test: after wiring a tunnel, installers press every
// call point to prove it. While a walk test runs, a press of a point in its
// zones is recorded as a test — the point's lamps flash, central gets an
// `event` of kind `test`, nobody is called — and the checklist shows the
// point as tested. Safety first:
//   - only the zones chosen are in test; every other point raises real alarms;
//   - a point with an open real alarm is never in test (its presses join it);
//   - the walk test ends by itself at its end time (a forgotten one must not
//     leave points silent), and at a restart (the daemon starts live);
//   - central is told when it starts and ends.
import type { ConfigReader } from '../config/holder.js';
import type { Config } from '../config/schema.js';
import type { WalkTestReport, WalkTestSession, WalkTestView } from '../contracts/walk-test.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { Actor } from '../accounts/actor.js';
import type { Point } from './alarm-message.js';
import type { AlarmOutputs } from './ports.js';

/** How long a test press flashes the point's lamps. */
const FLASH_MS = 3000;

export interface WalkTestContext {
  config: ConfigReader<Pick<Config, 'site' | 'node' | 'points'>>;
  store: Store;
  bus: EventBus;
  outputs: AlarmOutputs;
  log: Logger;
  /** Wake the uplink: an event was queued. */
  notify: () => void;
}

export type WalkTestResult<T> = { ok: true; value: T } | { ok: false; code: 'conflict' | 'invalid' | 'not_found'; message: string };

export class WalkTest {
  private session: WalkTestSession | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly flashes = new Map<string, NodeJS.Timeout>();

  constructor(private readonly c: WalkTestContext) {}

  /** A walk test left running by a previous run ends now: the daemon starts live. */
  async start(): Promise<void> {
    const left = await this.c.store.walkTests.active();
    if (left) await this.finish(left, 'system', 'restart');
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    for (const t of this.flashes.values()) clearTimeout(t);
    this.flashes.clear();
  }

  get active(): WalkTestSession | undefined {
    return this.session;
  }

  /** Is this point's press a test now? (No database read: the emergency path asks this for every press.) */
  takes(point: Point): boolean {
    const s = this.session;
    return !!s && (s.zones === null || s.zones.includes(point.zone));
  }

  /** A press of a point in test: recorded as a test, unless its real alarm is open ('alarm': press it as an alarm). */
  async press(point: Point): Promise<'tested' | 'alarm'> {
    const s = this.session;
    if (!s || !this.takes(point)) return 'alarm';
    if (await this.c.store.alarms.openForPoint(point.id)) return 'alarm';
    const at = new Date().toISOString();
    await this.c.store.tx(async (r) => {
      await r.walkTests.recordPress({ walkTest: s.id, pointId: point.id, input: point.input, zone: point.zone, label: point.label, at });
      await r.outbox.enqueue('event', { kind: 'test', walkTest: s.id, point: point.id, label: point.label, zone: point.zone, input: point.input, at, by: s.startedBy }, null);
    });
    this.c.notify();
    this.flash(point.id);
    this.c.log.info({ point: point.id, walkTest: s.id }, `walk test: ${point.id} "${point.label}" pressed`);
    this.c.bus.emit('walk-test', { active: s, tested: { point: point.id, at } });
    return 'tested';
  }

  private flash(pointId: string): void {
    clearTimeout(this.flashes.get(pointId));
    this.c.outputs.point(pointId, 'test');
    const t = setTimeout(() => {
      this.flashes.delete(pointId);
      // Back to dark unless a real alarm of the point opened meanwhile (its lamp is the alarm service's then).
      void this.c.store.alarms.openForPoint(pointId).then((open) => {
        if (!open) this.c.outputs.point(pointId, 'idle');
      });
    }, FLASH_MS);
    t.unref();
    this.flashes.set(pointId, t);
  }

  async begin(o: { zones: string[] | null; minutes: number }, actor: Actor): Promise<WalkTestResult<WalkTestSession>> {
    if (this.session) return { ok: false, code: 'conflict', message: `walk test ${this.session.id} is running (started by ${this.session.startedBy}); stop it first` };
    const known = new Set(this.c.config.current.points.map((p) => p.zone));
    const unknown = (o.zones ?? []).filter((z) => !known.has(z));
    if (unknown.length) return { ok: false, code: 'invalid', message: `no call point in zone ${unknown.join(', ')}` };
    if (o.zones && !o.zones.length) return { ok: false, code: 'invalid', message: 'choose at least one zone' };
    const now = new Date();
    const by = actor.username ?? 'unknown';
    const s = await this.c.store.tx(async (r) => {
      const started = await r.walkTests.start({ startedAt: now.toISOString(), startedBy: by, zones: o.zones, endsAt: new Date(now.getTime() + o.minutes * 60_000).toISOString() });
      await r.outbox.enqueue('event', { kind: 'walk-test', state: 'started', walkTest: started.id, zones: started.zones, startedBy: by, startedAt: started.startedAt, endsAt: started.endsAt, endedAt: null, endedBy: null, endReason: null }, null);
      await r.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action: 'walk-test.start', target: String(started.id), outcome: 'ok', detail: `zones ${o.zones?.join(', ') ?? 'all'}; for ${o.minutes} min: presses there are tests, nobody is called` });
      return started;
    });
    this.session = s;
    this.arm(s);
    this.c.notify();
    this.c.log.warn({ walkTest: s.id, zones: s.zones ?? 'all', endsAt: s.endsAt, by }, 'WALK TEST started: presses in its zones call nobody until it ends');
    this.c.bus.emit('walk-test', { active: s, tested: null });
    return { ok: true, value: s };
  }

  async end(actor: Actor): Promise<WalkTestResult<WalkTestSession>> {
    const s = this.session;
    if (!s) return { ok: false, code: 'conflict', message: 'no walk test is running' };
    return { ok: true, value: await this.finish(s, actor.username ?? 'unknown', 'stopped', actor) };
  }

  private arm(s: WalkTestSession): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.finish(s, 'system', 'timeout').catch((err: unknown) => this.c.log.error({ err }, 'walk test: could not end it')), Math.max(0, Date.parse(s.endsAt) - Date.now()));
    this.timer.unref();
  }

  private async finish(s: WalkTestSession, by: string, reason: 'stopped' | 'timeout' | 'restart', actor?: Actor): Promise<WalkTestSession> {
    clearTimeout(this.timer);
    this.session = undefined;
    const at = new Date().toISOString();
    const ended: WalkTestSession = { ...s, endedAt: at, endedBy: by, endReason: reason };
    await this.c.store.tx(async (r) => {
      await r.walkTests.end(s.id, at, by, reason);
      await r.outbox.enqueue('event', { kind: 'walk-test', state: 'ended', walkTest: s.id, zones: s.zones, startedBy: s.startedBy, startedAt: s.startedAt, endsAt: s.endsAt, endedAt: at, endedBy: by, endReason: reason }, null);
      await r.audit.insert({ username: actor?.username ?? by, role: actor?.role ?? null, ip: actor?.ip ?? null, action: 'walk-test.end', target: String(s.id), outcome: 'ok', detail: reason === 'stopped' ? 'stopped' : reason === 'timeout' ? 'ended at its end time' : 'ended by a restart of Callpoint' });
    });
    this.c.notify();
    this.c.log.warn({ walkTest: s.id, reason }, 'walk test ended: every press raises an alarm again');
    this.c.bus.emit('walk-test', { active: null, tested: null });
    return ended;
  }

  /** The checklist: every point, whether it is in test, its last test, its test in the active walk test. */
  async view(): Promise<WalkTestView> {
    const last = await this.c.store.walkTests.lastPerPoint();
    const s = this.session;
    const now = s ? await this.c.store.walkTests.pressesOf(s.id) : new Map<string, string>();
    const points = this.c.config.current.points.map((p) => ({
      id: p.id, label: p.label, location: p.location, zone: p.zone, input: p.input,
      inTest: this.takes(p), lastTestAt: last.get(p.id) ?? null, testedAt: now.get(p.id) ?? null,
    }));
    return { active: s ?? null, points, sessions: await this.c.store.walkTests.list(20) };
  }

  /** The commissioning report of one walk test: every point configured now, with its result in that test. */
  async report(id: number): Promise<WalkTestReport | undefined> {
    const s = await this.c.store.walkTests.get(id);
    if (!s) return undefined;
    const pressed = await this.c.store.walkTests.pressesOf(id);
    const { site, node, points } = this.c.config.current;
    return {
      site, node, session: s, generatedAt: new Date().toISOString(),
      points: points.map((p) => {
        const at = pressed.get(p.id) ?? null;
        const inTest = s.zones === null || s.zones.includes(p.zone);
        return { id: p.id, label: p.label, location: p.location, zone: p.zone, input: p.input, result: at ? 'passed' : inTest ? 'not-tested' : 'not-in-test', at };
      }),
    };
  }
}
