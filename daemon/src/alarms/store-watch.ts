// Is the database taking writes? Reads keep working on a full disk, so a read
// probe would say all is well while no alarm can be stored: this writes a
// small row every 10 s (Store.probeWrite), and anyone whose write
// failed says so at once. Health says why (`store` down: "the data disk is
// full…"), the held alarms and the store fault are written when writes work
// again, and health turns ok.
import { phrase, type Phrase } from '../contracts/phrases/index.js';
import type { HealthRegistry } from '../health/health.js';
import type { Component } from '../lifecycle/components.js';
import type { Logger } from '../log/logger.js';
import { storeFailure, type Store } from '../store/store.js';
import type { HeldAlarms } from './held-alarms.js';

export interface StoreWatchContext {
  store: Store;
  health: HealthRegistry;
  held: HeldAlarms;
  log: Logger;
  /** What health says while all is well. */
  okDetail: string;
  /** The same, in any language. */
  okPhrase?: Phrase;
}

export class StoreWatch implements Component {
  readonly name = 'store-watch';
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private probing: Promise<void> | undefined;

  constructor(
    private readonly ctx: StoreWatchContext,
    private readonly everyMs = 10_000,
  ) {}

  async start(): Promise<void> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.probing;
  }

  /** A write failed (`err` from SQLite): health says so now, not at the next probe. */
  failed(err: unknown): void {
    this.down(storeFailure(err));
  }

  get ok(): boolean {
    return !this.failing;
  }

  probe(): Promise<void> {
    return (this.probing ??= (async () => {
      const r = await this.ctx.store.probeWrite();
      if (!r.ok) return this.down(r.reason);
      // Writes work: what was held goes first; health is ok only once it is written.
      if (!(await this.ctx.held.flush())) return this.down('the database takes writes again, but the held alarms could not be written yet');
      if (this.failing) this.ctx.log.warn('the database takes writes again');
      this.failing = false;
      this.ctx.health.set('store', 'ok', this.ctx.okDetail, this.ctx.okPhrase);
    })().finally(() => (this.probing = undefined)));
  }

  private down(reason: string): void {
    if (!this.failing) this.ctx.log.fatal({ reason }, `THE DATABASE CANNOT BE WRITTEN: ${reason}; alarms are still signalled and called, held until it can`);
    this.failing = true;
    this.ctx.held.storeFailing(reason);
    this.ctx.health.set('store', 'down', `${reason}; alarms are signalled and called, and held until they can be written${this.ctx.held.size ? ` (${this.ctx.held.size} held)` : ''}`, phrase('health.store.writeFailed', { why: reason, held: this.ctx.held.size }));
  }
}
