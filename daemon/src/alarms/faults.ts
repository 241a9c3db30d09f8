// Supervision faults: the one place a fault is raised or cleared. Each change
// is a row (table faults) and an `event` message to central, committed
// together, then shown live in the UI (bus 'fault') and logged once — at
// error when raised, at info when cleared, never once per poll.
//
// Changes are applied one at a time in arrival order, so a quick
// raise-clear-raise of the same key can never commit out of order.
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { NewFault } from '../store/faults-repo.js';
import type { Fault } from '../contracts/faults.js';
import { english, type Phrase } from '../contracts/phrases/index.js';
import type { FaultEventMessage } from '../contracts/mqtt.js';
import type { Repos, Store } from '../store/store.js';

/**
 * A fault as supervision reports it: `phrase` says it in any language (the UI
 * shows it in the reader's); `detail`, in English for central and the log, is
 * the phrase's English unless the report has more to say (a driver's words).
 */
export type FaultReport = Omit<NewFault, 'subject' | 'detail' | 'phrase'> & { subject?: string | null; phrase: Phrase; detail?: string };

/** The `event` message central receives for a fault change. */
export function faultMessage(f: Fault, state: 'raised' | 'cleared'): FaultEventMessage {
  return { kind: 'fault', state, id: f.id, key: f.key, source: f.source, code: f.code, subject: f.subject, detail: f.detail, phrase: f.phrase, raisedAt: f.raisedAt, clearedAt: f.clearedAt };
}

export interface FaultBookContext {
  store: Store;
  bus: EventBus;
  log: Logger;
  notify: () => void;
}

export class FaultBook {
  private chain: Promise<unknown> = Promise.resolve();
  /** Faults whose detail was refreshed in a transaction not yet announced. */
  private readonly refreshed = new WeakSet<Fault>();

  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly notify: () => void;

  constructor(ctx: FaultBookContext) {
    ({ store: this.store, bus: this.bus, log: this.log, notify: this.notify } = ctx);
  }

  /**
   * Inside a caller's transaction: open a fault. Returns it when it is new, or
   * when an open one got a new detail (then call `announce` after the commit).
   */
  async raiseIn(r: Repos, f: FaultReport, at = new Date().toISOString()): Promise<Fault | undefined> {
    const res = await r.faults.raise({ ...f, subject: f.subject ?? null, detail: f.detail ?? english(f.phrase) }, at);
    if (!res) return undefined;
    if (res.fresh) await r.outbox.enqueue('event', faultMessage(res.fault, 'raised'), null);
    else this.refreshed.add(res.fault);
    return res.fault;
  }

  /** Inside a caller's transaction: close a fault. Returns it when one was open. */
  async clearIn(r: Repos, key: string, at = new Date().toISOString()): Promise<Fault | undefined> {
    const fault = await r.faults.clear(key, at);
    if (fault) await r.outbox.enqueue('event', faultMessage(fault, 'cleared'), null);
    return fault;
  }

  /** After the commit of raiseIn/clearIn: log, UI, uplink. */
  announce(f: Fault): void {
    if (this.refreshed.delete(f)) {
      // Only the detail changed (e.g. "unreachable for 3 min" → "for 4 min"): the UI, not the log or central.
      this.bus.emit('fault', f);
      return;
    }
    if (f.clearedAt) this.log.info({ fault: f.key, id: f.id }, `fault cleared: ${f.detail}`);
    else this.log.error({ fault: f.key, id: f.id, code: f.code }, `FAULT: ${f.detail}`);
    this.bus.emit('fault', f);
    this.notify();
  }

  raise(f: FaultReport): Promise<Fault | undefined> {
    return this.serial(async () => {
      const fault = await this.store.tx((r) => this.raiseIn(r, f));
      if (fault) this.announce(fault);
      return fault;
    }, `cannot record the fault ${f.key}`);
  }

  clear(key: string): Promise<Fault | undefined> {
    return this.serial(async () => {
      const fault = await this.store.tx((r) => this.clearIn(r, key));
      if (fault) this.announce(fault);
      return fault;
    }, `cannot record that the fault ${key} cleared`);
  }

  /** Raise or clear by a condition: the common shape of supervision code. */
  set(bad: boolean, f: FaultReport): Promise<Fault | undefined> {
    return bad ? this.raise(f) : this.clear(f.key);
  }

  open(): Promise<Fault[]> {
    return this.store.faults.open();
  }

  recent(limit = 100): Promise<Fault[]> {
    return this.store.faults.recent(limit);
  }

  /** Wait for every change asked for so far (tests, shutdown). */
  async settled(): Promise<void> {
    await this.chain;
  }

  // A full disk or a dead database must not take the caller down: the fault
  // is still in health and the log; the store's own fault shows in health.
  private serial<T>(fn: () => Promise<T>, what: string): Promise<T | undefined> {
    const next = this.chain.then(fn).catch((err: unknown) => {
      this.log.error({ err }, what);
      return undefined;
    });
    this.chain = next;
    return next;
  }
}
