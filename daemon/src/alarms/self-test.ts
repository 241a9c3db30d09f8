// The self-test (EN 81-28: a periodic test alarm, at most every 3 days): a
// test alarm goes the same way as a real one — stored, then published to
// central — without calling anyone. It passes when central's broker has
// acknowledged its message (the outbox row is gone after PUBACK) within the
// deadline; then the test alarm is cleared, and its cleared state goes to
// central like any alarm's. A test that is not delivered in
// time, or is overdue because the daemon was down, is a fault: logged, kept
// in the settings (shown by GET /api/alarms) and sent to central as an event.
// Technicians run one for a point from the UI; central with cmd/self-test.
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Alarm, SelfTestResult as SelfTestResultRecord } from '../contracts/alarms.js';
import { english, phrase, phraseList, type Phrase } from '../contracts/phrases/index.js';
import type { Role } from '../contracts/values.js';
import type { Repos, Store } from '../store/store.js';
import { Sleeper } from '../lifecycle/sleeper.js';
import { alarmMessage, type Point } from './alarm-message.js';
import type { AlarmPbx } from './ports.js';
import type { FaultBook } from './faults.js';
import type { Fault } from '../contracts/faults.js';

/** Fault keys: the last test failed; a periodic test was missed (the daemon was down when it was due). */
export const SELF_TEST_FAILED = 'self-test:failed';
export const SELF_TEST_MISSED = 'self-test:missed';

export const SELF_TEST_KEY = 'system.self-test';

/** As GET /api/alarms shows it (contracts/alarms.ts): `ok` null while waiting for central's broker. */
export type SelfTestResult = SelfTestResultRecord;

/** Who started a test: a user (with their role at the time), central, or the schedule. */
export interface SelfTestBy {
  name: string;
  role?: Role | null;
}

const said = (p: Phrase) => ({ detail: english(p), phrase: p });

export interface SelfTestOptions {
  everyMs?: number;
  /** How long central's broker has to take the test message. */
  deadlineMs?: number;
  /** The first test after installation comes this soon. */
  firstAfterMs?: number;
  pollMs?: number;
  /** Places the test call of a point with `testCall`. */
  pbx?: Pick<AlarmPbx, 'originate' | 'hangup'>;
  /** How long the test line may take to answer. */
  testCallRingS?: number;
}

export interface SelfTestContext {
  /** The call points as configured now. */
  points: () => Point[];
  store: Store;
  bus: EventBus;
  log: Logger;
  notify: () => void;
  faults: FaultBook;
}

export class SelfTest {
  private readonly sleeper = new Sleeper();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly everyMs: number;
  private readonly deadlineMs: number;
  private readonly firstAfterMs: number;
  private readonly pollMs: number;
  private readonly pbx: Pick<AlarmPbx, 'originate' | 'hangup'> | undefined;
  private readonly testCallRingS: number;

  private readonly points: () => Point[];
  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly notify: () => void;
  private readonly faults: FaultBook;

  constructor(ctx: SelfTestContext, o: SelfTestOptions = {}) {
    ({ points: this.points, store: this.store, bus: this.bus, log: this.log, notify: this.notify, faults: this.faults } = ctx);
    this.everyMs = o.everyMs ?? 72 * 3_600_000;
    this.deadlineMs = o.deadlineMs ?? 10 * 60_000;
    this.firstAfterMs = o.firstAfterMs ?? 10 * 60_000;
    this.pollMs = o.pollMs ?? 2000;
    this.pbx = o.pbx;
    this.testCallRingS = o.testCallRingS ?? 20;
  }

  async last(): Promise<SelfTestResult | undefined> {
    return this.store.settings.get<SelfTestResult>(SELF_TEST_KEY);
  }

  async start(): Promise<void> {
    // Test alarms a shutdown interrupted: their message is still queued for central; close them.
    const now = new Date().toISOString();
    const interrupted = (await this.store.alarms.open()).filter((x) => x.test);
    for (const a of interrupted) {
      await this.store.tx(async (r) => {
        await this.closeIn(r, a, now, 'self-test-interrupted', 'the daemon stopped before central took the test alarm');
        // The result the UI shows must not stay "waiting" for ever.
        const last = await r.settings.get<SelfTestResult>(SELF_TEST_KEY);
        if (last?.alarmId === a.id && last.ok === null)
          await r.settings.set(SELF_TEST_KEY, { ...last, ok: false, ...said(phrase('selfTest.interrupted')) }, 'system');
      });
    }
    if (interrupted.length) this.notify();
    this.loop = this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.loop;
  }

  private async schedule(): Promise<void> {
    while (!this.stopped) {
      const last = await this.last();
      const due = last ? Date.parse(last.startedAt) + this.everyMs : Date.now() + this.firstAfterMs;
      if (last && Date.now() - Date.parse(last.startedAt) > this.everyMs + this.deadlineMs) {
        this.log.error({ lastAt: last.startedAt }, 'the periodic self-test is overdue (the daemon was down?): running it now');
        await this.faults.raise({ key: SELF_TEST_MISSED, source: 'self-test', code: 'missed', phrase: phrase('fault.self-test.missed', { at: last.startedAt }) });
      }
      await this.sleeper.sleep(Math.max(0, due - Date.now()));
      if (this.stopped) return;
      await this.begin(undefined, 'periodic', { name: 'system' })
        .then((t) => t.done)
        .catch((err: unknown) => this.log.error({ err }, 'self-test could not run'));
    }
  }

  /**
   * Send one test alarm for a point (the first configured one for the
   * periodic test). Resolves once it is stored and queued for central;
   * `done` resolves with the outcome when central's broker took it, or the
   * deadline passed.
   */
  async begin(pointId: string | undefined, source: 'periodic' | 'technician' | 'central', who: SelfTestBy): Promise<{ alarmId: string; done: Promise<SelfTestResult> }> {
    const by = who.name;
    const runBy = { by, ...(who.role !== undefined ? { role: who.role } : {}) };
    const point = pointId === undefined ? this.points()[0] : this.points().find((p) => p.id === pointId);
    if (pointId !== undefined && !point) throw new Error(`no call point ${pointId}`);
    const now = new Date().toISOString();
    const { alarm, seq } = await this.store.tx(async (r) => {
      const a: Alarm = {
        id: await r.alarms.nextId(new Date(now)), pointId: point?.id ?? 'system', zone: point?.zone ?? 'system', state: 'test', test: true, raisedAt: now, updatedAt: now,
        presses: 0, attempts: 0, target: null, callUuid: null, connectedAt: null, acknowledgedAt: null, acknowledgedBy: null, ackSource: null, clearedAt: null, clearedBy: null, clearSource: null,
      };
      await r.alarms.insert(a);
      await r.alarms.log(a.id, 'self-test', `${source} by ${by}`, now);
      const env = await r.outbox.enqueue('alarm', alarmMessage(a, point, 'self-test'), a.id);
      const result: SelfTestResult = { alarmId: a.id, pointId: a.pointId, source, startedAt: now, ok: null, ...said(phrase('selfTest.waiting')), ...runBy };
      await r.settings.set(SELF_TEST_KEY, result, by);
      return { alarm: a, seq: env.seq };
    });
    this.log.info({ alarm: alarm.id, source }, 'self-test alarm sent');
    this.bus.emit('alarm', alarm);
    this.notify();
    const call = point?.testCall ? this.testCall(alarm, point.testCall) : Promise.resolve(undefined);
    return { alarmId: alarm.id, done: this.outcome(alarm, seq, source, runBy, now, call) };
  }

  /**
   * Close a test alarm: cleared, logged, and its final state queued for
   * central like any alarm's (`event` names how the test ended), in the
   * caller's transaction.
   */
  private async closeIn(r: Repos, a: Alarm, at: string, kind: string, detail: string): Promise<Alarm> {
    const cleared: Alarm = { ...a, state: 'cleared', updatedAt: at, clearedAt: at, clearedBy: 'self-test', clearSource: 'self-test' };
    await r.alarms.update(a.id, { state: 'cleared', updatedAt: at, clearedAt: at, clearedBy: 'self-test', clearSource: 'self-test' });
    await r.alarms.log(a.id, kind, detail, at);
    await r.outbox.enqueue('alarm', alarmMessage(cleared, this.points().find((p) => p.id === a.pointId), kind), a.id);
    return cleared;
  }

  /** The voice path: a call to the point's test line, hung up once answered. undefined = passed, else why not. */
  private async testCall(alarm: Alarm, extension: string): Promise<{ phrase: Phrase; detail: string } | undefined> {
    if (!this.pbx) return said(phrase('selfTest.noTelephony'));
    const r = await this.pbx.originate({
      target: { kind: 'extension', number: extension }, app: { app: 'park' }, callerIdName: 'Callpoint_self-test', timeoutS: this.testCallRingS,
      variables: { callpoint_alarm_id: alarm.id, callpoint_self_test: 'true' },
    });
    if (!r.ok) return { phrase: phrase('selfTest.callFailed', { extension }), detail: `the test call to ${extension} failed: ${r.message}` };
    await this.pbx.hangup(r.value.uuid);
    await this.store.alarms.log(alarm.id, 'self-test-call', `test line ${extension} answered`).catch(() => undefined);
    return undefined;
  }

  private async outcome(alarm: Alarm, seq: number, source: string, runBy: { by: string; role?: Role | null }, now: string, call: Promise<{ phrase: Phrase; detail: string } | undefined>): Promise<SelfTestResult> {
    const by = runBy.by;
    const end = Date.now() + this.deadlineMs;
    while (!this.stopped && Date.now() < end && (await this.store.outbox.has(seq))) await this.sleeper.sleep(this.pollMs);
    const delivered = !(await this.store.outbox.has(seq));
    const callProblem = await call;
    if (this.stopped && !delivered) {
      // Shutting down: not a failure; the next start closes the test alarm (its message stays in the outbox).
      return { alarmId: alarm.id, pointId: alarm.pointId, source, startedAt: now, ok: null, ...said(phrase('selfTest.shutdown')), ...runBy };
    }
    const done = new Date().toISOString();
    const passed = delivered && !callProblem;
    const parts = [
      said(delivered ? phrase('selfTest.delivered', { seconds: Math.round((Date.parse(done) - Date.parse(now)) / 1000) }) : phrase('selfTest.notDelivered', { minutes: Math.round(this.deadlineMs / 60_000) })),
      ...(callProblem ? [callProblem] : this.points().find((p) => p.id === alarm.pointId)?.testCall ? [said(phrase('selfTest.lineAnswered'))] : []),
    ];
    const summary = phraseList(parts.map((x) => x.phrase));
    const result: SelfTestResult = { alarmId: alarm.id, pointId: alarm.pointId, source, startedAt: now, ok: passed, detail: parts.map((x) => x.detail).join('; '), phrase: summary, ...runBy };
    const { cleared, changed } = await this.store.tx(async (r) => {
      await r.settings.set(SELF_TEST_KEY, result, by);
      const cleared = await this.closeIn(r, alarm, done, passed ? 'self-test-passed' : 'self-test-failed', result.detail);
      // A failed test is a fault (an `event` to central, and in the UI) until a test passes.
      const changed: Array<Fault | undefined> = passed
        ? [await this.faults.clearIn(r, SELF_TEST_FAILED, done), await this.faults.clearIn(r, SELF_TEST_MISSED, done)]
        : [await this.faults.raiseIn(r, { key: SELF_TEST_FAILED, source: 'self-test', code: 'failed', subject: alarm.pointId, phrase: phrase('fault.self-test.failed', { alarm: alarm.id, point: alarm.pointId, result: summary }), detail: `self-test ${alarm.id} (${alarm.pointId}): ${result.detail}` }, done)];
      return { cleared, changed };
    });
    this.notify();
    this.bus.emit('alarm', cleared);
    for (const f of changed) if (f) this.faults.announce(f);
    (passed ? this.log.info.bind(this.log) : this.log.error.bind(this.log))({ alarm: alarm.id }, `self-test ${passed ? 'passed' : 'FAILED'}: ${result.detail}`);
    return result;
  }
}
