// An output (strobe, siren, LED) on a line, driven by patterns. Logical on/off
// is mapped to the physical level by `activeLow` (a low-side driver or an LED
// to 3V3 is on when the pin is low). The safe state is what the output does
// when the daemon stops; see README "Safe state" for what covers a crash.
import type { Cancel, Clock } from '../clock.js';
import type { GpioLine, Level } from './line.js';

export type Pattern = { mode: 'off' } | { mode: 'on' } | { mode: 'flash'; onMs: number; offMs: number };

export interface OutputOptions {
  activeLow: boolean;
  /** Applied by safe(): on stop, and at start before anything sets a pattern. */
  safe: 'on' | 'off';
}

export const OFF: Pattern = { mode: 'off' };
export const ON: Pattern = { mode: 'on' };

export class Output {
  private current: Pattern = OFF;
  private on = false;
  private cancelFlash: Cancel | undefined;

  constructor(
    readonly id: string,
    private readonly line: GpioLine,
    private readonly opts: OutputOptions,
    private readonly clock: Clock,
  ) {}

  /** The physical level of the safe state (for exporting a line glitch-free). */
  static safeLevel(opts: OutputOptions): Level {
    return (opts.safe === 'on') !== opts.activeLow ? 1 : 0;
  }

  get pattern(): Pattern {
    return this.current;
  }

  /** Logical state right now (during a flash: the current phase). */
  isOn(): boolean {
    return this.on;
  }

  set(p: Pattern): void {
    if (p.mode === 'flash' && !(p.onMs > 0 && p.offMs > 0)) throw new RangeError(`output ${this.id}: flash needs onMs > 0 and offMs > 0`);
    this.cancelFlash?.();
    this.cancelFlash = undefined;
    this.current = p;
    switch (p.mode) {
      case 'off':
        this.drive(false);
        break;
      case 'on':
        this.drive(true);
        break;
      case 'flash':
        this.flash(true, p.onMs, p.offMs);
        break;
    }
  }

  safe(): void {
    this.set(this.opts.safe === 'on' ? ON : OFF);
  }

  private flash(on: boolean, onMs: number, offMs: number): void {
    this.drive(on);
    this.cancelFlash = this.clock.setTimeout(() => this.flash(!on, onMs, offMs), on ? onMs : offMs);
  }

  private drive(on: boolean): void {
    this.on = on;
    this.line.write(on !== this.opts.activeLow ? 1 : 0);
  }
}
