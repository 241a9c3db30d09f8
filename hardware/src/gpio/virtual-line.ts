// A line whose level is set by code: the "pressed" line derived from a
// supervised analog loop, and the base of the simulated GPIO.
import type { GpioLine, Level } from './line.js';

export class VirtualLine implements GpioLine {
  protected level: Level;
  private watcher: ((level: Level) => void) | undefined;

  constructor(
    readonly name: string,
    initial: Level = 0,
  ) {
    this.level = initial;
  }

  read(): Level {
    return this.level;
  }

  write(level: Level): void {
    this.level = level;
  }

  watch(cb: (level: Level) => void): void {
    this.watcher = cb;
  }

  unwatch(): void {
    this.watcher = undefined;
  }

  close(): void {
    this.watcher = undefined;
  }

  /** Set the level from outside; the watcher sees every change. */
  setLevel(level: Level): void {
    if (level === this.level) return;
    this.level = level;
    this.watcher?.(level);
  }
}
