// Components start in order and stop in reverse. A stop that overruns its
// share of the bound is abandoned (logged) so shutdown always ends in time.
import type { Logger } from '../log/logger.js';

export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class Lifecycle {
  private readonly started: Component[] = [];

  constructor(private readonly log: Logger) {}

  /** Start `c` now; if it fails, the caller stops what already started. */
  async start(c: Component): Promise<void> {
    const t0 = performance.now();
    await c.start();
    this.started.push(c);
    this.log.debug({ component: c.name, ms: Math.round(performance.now() - t0) }, 'started');
  }

  /** Stop everything started, newest first, within `boundMs` in all. Returns false if anything overran or failed. */
  async stopAll(boundMs: number): Promise<boolean> {
    const deadline = performance.now() + boundMs;
    let clean = true;
    while (this.started.length) {
      const c = this.started.pop()!;
      const left = Math.max(50, deadline - performance.now());
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        c.stop().then(() => 'ok' as const, (err: unknown) => err),
        new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), left); }),
      ]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        clean = false;
        this.log.error({ component: c.name, ms: Math.round(left) }, 'did not stop in time; abandoned');
      } else if (outcome !== 'ok') {
        clean = false;
        this.log.error({ component: c.name, err: outcome }, 'failed to stop cleanly');
      } else {
        this.log.debug({ component: c.name }, 'stopped');
      }
    }
    return clean;
  }
}

/** A component that runs `tick` every `ms` while started (a failing tick is the tick's own business: it must not throw). */
export function periodic(name: string, ms: number, tick: () => unknown): Component {
  let timer: NodeJS.Timeout | undefined;
  return {
    name,
    start: async () => {
      timer = setInterval(() => void Promise.resolve().then(tick).catch(() => undefined), ms);
      timer.unref();
    },
    stop: async () => clearInterval(timer),
  };
}
