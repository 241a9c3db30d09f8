// The configuration the daemon runs on now, for the services: read `current`
// when you need a value, or subscribe to changes when you keep something
// derived from it (a map of points by input). Set by the live apply
// (config/live-apply.ts) once a new version is on disk; what it holds is the
// file's configuration except what still waits — the point of an open alarm,
// a key that needs a restart (see `pending`).
import type { Config } from './schema.js';

export interface ConfigReader<C = Config> {
  readonly current: C;
  /** Called after each change with the new and the previous configuration; returns the unsubscribe function. */
  onChange(fn: (next: C, prev: C) => void): () => void;
}

export class ConfigHolder<C = Config> implements ConfigReader<C> {
  private readonly listeners = new Set<(next: C, prev: C) => void>();

  constructor(private value: C) {}

  get current(): C {
    return this.value;
  }

  onChange(fn: (next: C, prev: C) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Replace the configuration; every subscriber is told, one's error never stops the others. */
  set(next: C, onError: (err: unknown) => void = () => undefined): void {
    const prev = this.value;
    this.value = next;
    for (const fn of [...this.listeners]) {
      try {
        fn(next, prev);
      } catch (err) {
        onError(err);
      }
    }
  }
}

/** A configuration that never changes (tests, tools). */
export const fixedConfig = <C>(c: C): ConfigReader<C> => new ConfigHolder(c);

/**
 * A value derived from the configuration (a map of points by input), built
 * again only when what it is derived from is another object: the holder
 * replaces what changed, so reading it per press costs one comparison.
 */
export function derived<S, T>(select: () => S, build: (source: S) => T): () => T {
  let from: S | undefined;
  let value: T | undefined;
  let built = false;
  return () => {
    const now = select();
    if (!built || now !== from) {
      value = build(now);
      from = now;
      built = true;
    }
    return value as T;
  };
}
