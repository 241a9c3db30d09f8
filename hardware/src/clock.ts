// Time for drivers: debounce, long-press, flash patterns, polling and retries
// all go through a Clock so tests drive time by hand (sim/manual-clock.ts)
// and stay fast and deterministic.

/** Cancels a scheduled callback; calling it twice is harmless. */
export type Cancel = () => void;

export interface Clock {
  /** Milliseconds since the epoch (wall clock; event timestamps). */
  now(): number;
  /** Run `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): Cancel;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const h = setTimeout(fn, ms);
    return () => clearTimeout(h);
  },
};

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}
