// A push button on a line: debounced, optionally active-low, with long press
// and stuck detection. Debounce restarts on every edge and the line is read
// when it has been quiet for `debounceMs`: contact bounce inside the window
// gives one press, and a press shorter than the window is ignored.
//
// A button already held when start() runs is reported as a press (after the
// debounce) and, if it stays held, as stuck: an emergency input must not
// swallow a press because the daemon restarted in the middle of it.
import type { Clock, Cancel } from '../clock.js';
import { Emitter } from '../emitter.js';
import type { GpioLine } from './line.js';

export interface DebounceOptions {
  /** Pressed = low (button to GND with a pull-up). */
  activeLow: boolean;
  debounceMs: number;
  /** 'long-press' after held this long; none when absent. */
  longPressMs?: number;
  /** 'stuck' after held this long, 'unstuck' on release; none when absent. */
  stuckAfterMs?: number;
}

/** Each event carries the clock time it was decided. */
export interface DebouncedInputEvents {
  pressed: [at: number];
  released: [at: number];
  'long-press': [at: number];
  stuck: [at: number];
  unstuck: [at: number];
}

export class DebouncedInput extends Emitter<DebouncedInputEvents> {
  private pressed = false;
  private stuck = false;
  private cancelSettle: Cancel | undefined;
  private cancelLong: Cancel | undefined;
  private cancelStuck: Cancel | undefined;

  constructor(
    private readonly line: GpioLine,
    private readonly opts: DebounceOptions,
    private readonly clock: Clock,
    onListenerError?: (err: unknown) => void,
  ) {
    super(onListenerError);
    if (!(opts.debounceMs >= 0)) throw new RangeError('debounceMs must be >= 0');
  }

  start(): void {
    this.line.watch(() => this.edge());
    this.edge();
  }

  stop(): void {
    this.line.unwatch();
    for (const c of [this.cancelSettle, this.cancelLong, this.cancelStuck]) c?.();
    this.cancelSettle = this.cancelLong = this.cancelStuck = undefined;
  }

  isPressed(): boolean {
    return this.pressed;
  }

  isStuck(): boolean {
    return this.stuck;
  }

  private edge(): void {
    this.cancelSettle?.();
    this.cancelSettle = this.clock.setTimeout(() => this.settle(), this.opts.debounceMs);
  }

  private settle(): void {
    this.cancelSettle = undefined;
    const level = this.line.read();
    const pressed = this.opts.activeLow ? level === 0 : level === 1;
    if (pressed === this.pressed) return;
    this.pressed = pressed;
    const at = this.clock.now();
    if (pressed) {
      if (this.opts.longPressMs !== undefined) this.cancelLong = this.clock.setTimeout(() => this.emit('long-press', this.clock.now()), this.opts.longPressMs);
      if (this.opts.stuckAfterMs !== undefined) {
        this.cancelStuck = this.clock.setTimeout(() => {
          this.stuck = true;
          this.emit('stuck', this.clock.now());
        }, this.opts.stuckAfterMs);
      }
      this.emit('pressed', at);
    } else {
      this.cancelLong?.();
      this.cancelStuck?.();
      this.cancelLong = this.cancelStuck = undefined;
      if (this.stuck) {
        this.stuck = false;
        this.emit('unstuck', at);
      }
      this.emit('released', at);
    }
  }
}
