// The systemd watchdog: WATCHDOG=1 at half the interval, but only while the
// daemon is really well — the event loop is not stalled and the store answers.
// If either fails, we stay silent and systemd restarts us (Restart=on-failure).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from '../log/logger.js';
import type { Notifier } from './sd-notify.js';

export interface WatchdogChecks {
  /** Resolves true when the store answers a trivial query. */
  storeAlive(): Promise<boolean>;
}

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private histogram: IntervalHistogram | undefined;
  private lastTick = 0;
  /** Event-loop lag above this (ms) withholds the ping. */
  readonly maxLagMs: number;

  constructor(
    private readonly notifier: Notifier,
    private readonly checks: WatchdogChecks,
    private readonly log: Logger,
  ) {
    this.maxLagMs = Math.max(250, Math.floor(notifier.watchdogMs / 4));
  }

  start(): void {
    if (!this.notifier.enabled || this.notifier.watchdogMs <= 0) return;
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    const every = Math.max(100, Math.floor(this.notifier.watchdogMs / 2));
    this.lastTick = performance.now();
    this.timer = setInterval(() => void this.tick(every), every);
    this.log.info({ intervalMs: this.notifier.watchdogMs, pingEveryMs: every }, 'systemd watchdog armed');
  }

  private async tick(every: number): Promise<void> {
    const now = performance.now();
    const drift = now - this.lastTick - every;
    this.lastTick = now;
    const lagMs = Math.max(drift, (this.histogram?.max ?? 0) / 1e6);
    this.histogram?.reset();
    if (lagMs > this.maxLagMs) {
      this.log.error({ lagMs: Math.round(lagMs) }, 'event loop stalled; withholding the watchdog ping');
      return;
    }
    if (!(await this.checks.storeAlive())) {
      this.log.error('store does not answer; withholding the watchdog ping');
      return;
    }
    await this.notifier.send('WATCHDOG=1');
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
  }
}
