// Alarms the database cannot take yet (a full disk, a failing card): life
// safety first — the alarm service signals and calls at once, and what it
// would have written waits here, in memory and in the reserve file (its space
// taken at start, so writing it needs no new blocks), until a transaction
// can take all of it: the alarm rows, their log, their messages for central,
// their audit rows, and the store's own fault (raised when the writes
// started failing, cleared when they work again), in one commit, in order.
//
// While the disk is full central learns of it at once from the retained
// `status` (health.components.store is down, with the reason); the fault's
// own events follow in the outbox once they can be written.
//
// An alarm raised while nothing can be written gets its id from the top of
// the day's range (A-20261125-99999, then 99998 …): the database hands out
// ids from the bottom, so the two never meet.
//
// Each step (and the store fault) is numbered as it is held, in one sequence
// that goes on across restarts, and a flush writes every step numbered up to
// its snapshot. It records that number (FLUSHED_KEY) in the same commit, so
// the database itself says which steps it has: a restart writes exactly the
// steps of the reserve file numbered above it. The file may be older than
// the last flush (a kill before it was rewritten), or newer than the
// flush's snapshot (steps held while the flush ran): either way no step is
// written twice — no alarm reopened by a stale state, no message to central
// sent again — and none is skipped.
import { phrase } from '../contracts/phrases/index.js';
import { join } from 'node:path';
import type { Alarm } from '../contracts/alarms.js';
import type { AlarmMessage } from '../contracts/mqtt.js';
import { OPEN_ALARM_STATES } from '../contracts/values.js';
import type { Logger } from '../log/logger.js';
import type { NewAuditEntry } from '../store/audit-repo.js';
import { RESERVE_FILE, ReserveFile } from '../store/reserve-file.js';
import type { Repos, Store } from '../store/store.js';
import type { FaultBook } from './faults.js';
import type { Fault } from '../contracts/faults.js';

/** One thing that would have been written with a change of the alarm. */
export interface HeldStep {
  log?: { kind: string; detail: string; ts: string };
  message?: AlarmMessage;
  audit?: NewAuditEntry;
}

/** Something held, with its number in the order things were held (`no`). */
type Numbered<T> = T & { no: number };

interface Held {
  alarm: Alarm;
  /** The row exists in the database (the alarm was written before the writes failed). */
  inDb: boolean;
  steps: Array<Numbered<HeldStep>>;
}

interface Saved {
  alarms: Held[];
  storeFault: Numbered<{ since: string; reason: string }> | null;
}

/**
 * Settings key: the number of the last held step written to the database
 * (every step numbered up to it is written; the ones above it are not).
 * Before steps were numbered it held the reserve file's sequence number.
 */
export const FLUSHED_KEY = 'alarms.reserve-flushed';
export const STORE_FAULT = 'store:write-failed';
const RETRY_MS = 2000;

export interface HeldAlarmsContext {
  /** Where the reserve file goes; without it alarms are held in memory only (tests). */
  dataDir?: string;
  store: Store;
  /** Where the store's own fault is recorded once it can be; without it, it is only logged. */
  faults?: FaultBook;
  log: Logger;
  /** After a flush committed: publish its messages now. */
  notify: () => void;
}

export class HeldAlarms {
  private readonly held = new Map<string, Held>();
  private storeFault: Saved['storeFault'] = null;
  /** The number given to the last step held (never below what the database has written). */
  private lastNo = 0;
  private reserve: ReserveFile | undefined;
  private saving: Promise<unknown> = Promise.resolve();
  private flushing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly ctx: HeldAlarmsContext) {}

  /** Open the reserve file; returns what a previous run held and did not write (to resume). */
  async start(): Promise<Alarm[]> {
    if (!this.ctx.dataDir) return [];
    // Unreadable: every step of the file is written again (a message twice rather than none).
    const flushed = (await this.ctx.store.settings.get<number>(FLUSHED_KEY).catch(() => undefined)) ?? 0;
    this.lastNo = flushed;
    try {
      this.reserve = await ReserveFile.open(join(this.ctx.dataDir, RESERVE_FILE));
    } catch (err) {
      this.ctx.log.error({ err }, `cannot prepare the alarm reserve file (${RESERVE_FILE}): while the database cannot be written, alarms will be held in memory only`);
      return [];
    }
    const saved = await this.reserve.load<Saved>().catch(() => undefined);
    if (!saved) return [];
    const state = unwritten(isNumbered(saved.state) ? saved.state : numberLegacy(saved, flushed), flushed);
    for (const no of numbers(state)) this.lastNo = Math.max(this.lastNo, no);
    if (!state.alarms.length && !state.storeFault) return [];
    for (const h of state.alarms) this.held.set(h.alarm.id, h);
    this.storeFault = state.storeFault;
    this.ctx.log.warn({ alarms: state.alarms.map((h) => h.alarm.id), storeFault: !!this.storeFault }, 'alarms held in the reserve file by the last run: writing them to the database');
    this.schedule(0);
    return state.alarms.map((h) => h.alarm);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.saving;
    await this.reserve?.close().catch(() => undefined);
  }

  get size(): number {
    return this.held.size;
  }

  has(id: string): boolean {
    return this.held.has(id);
  }

  get(id: string): Alarm | undefined {
    return this.held.get(id)?.alarm;
  }

  /** The held alarms that are open (not cleared). */
  open(): Alarm[] {
    return [...this.held.values()].map((h) => h.alarm).filter((a) => OPEN_ALARM_STATES.includes(a.state) && !a.test);
  }

  openForPoint(pointId: string): Alarm | undefined {
    return this.open().filter((a) => a.pointId === pointId).pop();
  }

  /** Hold a change of an alarm: its new state and what would have been written with it. */
  hold(alarm: Alarm, inDb: boolean, step: HeldStep): void {
    const h = this.held.get(alarm.id) ?? { alarm, inDb, steps: [] };
    h.alarm = alarm;
    h.steps.push({ ...step, no: ++this.lastNo });
    this.held.set(alarm.id, h);
    this.save();
    this.schedule(RETRY_MS);
  }

  /** The writes failed: remember since when and why (once), for the fault. */
  storeFailing(reason: string): void {
    if (this.storeFault) return;
    this.storeFault = { since: new Date().toISOString(), reason, no: ++this.lastNo };
    this.save();
    this.schedule(RETRY_MS);
  }

  /**
   * A new id for an alarm raised while the database cannot be written: the
   * highest number of today not used (read from the database — reads still
   * work on a full disk — and from what is held).
   */
  async newId(now: Date): Promise<string> {
    const day = now.toISOString().slice(0, 10).replaceAll('-', '');
    const used = new Set([...this.held.keys()]);
    const ids = await this.ctx.store.urgent.alarms.idsOfDay(day).catch(() => []);
    for (const id of ids) used.add(id);
    for (let n = 99999; n > 0; n--) if (!used.has(`A-${day}-${n}`)) return `A-${day}-${n}`;
    throw new Error('no alarm id left for today');
  }

  /** Try to write everything held, now. True when nothing is held any more. */
  flush(): Promise<boolean> {
    return (this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined)));
  }

  private async flushOnce(): Promise<boolean> {
    if (!this.held.size && !this.storeFault) return true;
    const batch = [...this.held.values()].map((h) => ({ h, n: h.steps.length, alarm: h.alarm }));
    const fault = this.storeFault;
    // Everything numbered up to here is in this batch (or was written before); what is held
    // from now on is numbered above it and waits for the next flush.
    const upTo = this.lastNo;
    let announced: Fault[];
    try {
      announced = await this.ctx.store.tx(async (r) => {
        for (const { h, n, alarm } of batch) await this.writeIn(r, h, n, alarm);
        const changed: Fault[] = [];
        if (fault && this.ctx.faults) {
          const now = new Date().toISOString();
          const raised = await this.ctx.faults.raiseIn(r, { key: STORE_FAULT, source: 'store', code: 'write-failed', phrase: phrase('fault.store.writeFailed', { why: fault.reason, since: fault.since, until: now }), detail: `${fault.reason} (from ${fault.since} to ${now}; held alarms written since)` }, fault.since);
          const cleared = await this.ctx.faults.clearIn(r, STORE_FAULT, now);
          for (const f of [raised, cleared]) if (f) changed.push(f);
        }
        // Without a reserve file there is nothing a restart could write again.
        if (this.reserve) await r.settings.set(FLUSHED_KEY, upTo, 'system');
        return changed;
      }, { urgent: true });
    } catch (err) {
      this.ctx.log.debug({ err }, 'held alarms still cannot be written');
      return false;
    }
    for (const { h, n } of batch) {
      h.steps.splice(0, n);
      h.inDb = true;
      if (!h.steps.length && this.held.get(h.alarm.id) === h) this.held.delete(h.alarm.id);
    }
    if (fault === this.storeFault) this.storeFault = null;
    this.ctx.log.warn({ alarms: batch.map((b) => b.alarm.id), storeFault: !!fault }, 'the database takes writes again: held alarms, their messages and the store fault written');
    for (const f of announced) this.ctx.faults?.announce(f);
    this.ctx.notify();
    this.save();
    return !this.held.size && !this.storeFault;
  }

  private async writeIn(r: Repos, h: Held, n: number, alarm: Alarm): Promise<void> {
    const { id, ...rest } = alarm;
    if (!h.inDb) await r.alarms.insert(alarm);
    await r.alarms.update(id, rest);
    for (const s of h.steps.slice(0, n)) {
      if (s.log) await r.alarms.log(id, s.log.kind, s.log.detail, s.log.ts);
      if (s.message) await r.outbox.enqueue('alarm', s.message, id);
      if (s.audit) await r.audit.insert(s.audit);
    }
  }

  /** Write the held state to the reserve file (one save at a time, the newest state each). */
  private save(): void {
    const reserve = this.reserve;
    if (!reserve) return;
    this.saving = this.saving.then(async () => {
      try {
        await reserve.save({ alarms: [...this.held.values()], storeFault: this.storeFault } satisfies Saved);
      } catch (err) {
        this.ctx.log.error({ err }, 'cannot write the alarm reserve file: the held alarms are in memory only');
      }
    });
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().then((done) => {
        if (!done) this.schedule(RETRY_MS);
      });
    }, ms);
    this.timer.unref();
  }
}

/** The numbers of everything a state holds. */
function numbers(state: Saved): number[] {
  return [...state.alarms.flatMap((h) => h.steps.map((s) => s.no)), ...(state.storeFault ? [state.storeFault.no] : [])];
}

/**
 * What of a saved state the database does not have: the steps numbered above
 * the last flush. An alarm some of whose steps were written has its row.
 */
function unwritten(state: Saved, flushed: number): Saved {
  const alarms = state.alarms.flatMap((h) => {
    const steps = h.steps.filter((s) => s.no > flushed);
    return steps.length ? [{ ...h, inDb: h.inDb || steps.length < h.steps.length, steps }] : [];
  });
  return { alarms, storeFault: state.storeFault && state.storeFault.no > flushed ? state.storeFault : null };
}

function isNumbered(state: Saved): boolean {
  return numbers(state).every((no) => typeof no === 'number');
}

/**
 * A file written before steps were numbered (by an older version): the key
 * then held the file's sequence number, and a file up to it was written
 * whole. Its steps get numbers above both, so once written they count as
 * written whichever way the file is read next.
 */
function numberLegacy(saved: { seq: number; state: Saved }, flushed: number): Saved {
  if (flushed >= saved.seq) return { alarms: [], storeFault: null };
  let no = Math.max(flushed, saved.seq);
  return {
    alarms: saved.state.alarms.map((h) => ({ ...h, steps: h.steps.map((s) => ({ ...s, no: ++no })) })),
    storeFault: saved.state.storeFault && { ...saved.state.storeFault, no: ++no },
  };
}
