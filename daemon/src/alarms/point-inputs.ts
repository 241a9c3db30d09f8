// From the board's inputs to call points: a debounced press of an input
// raises (or joins) the alarm of every point wired to it. The board knows
// inputs, the alarm service knows points; this is the one place that maps one
// to the other.
import type { HardwareEvent } from '../../../hardware/src/index.js';
import { derived } from '../config/holder.js';
import type { Logger } from '../log/logger.js';
import type { Point } from './alarm-message.js';

export interface Presses {
  press(pointId: string, source?: string): Promise<unknown>;
}

export class PointInputs {
  /** Follows the configuration: a point added or rewired by an apply answers its new input at once. */
  private readonly byInput: () => Map<string, Point[]>;

  constructor(
    points: () => Point[],
    private readonly alarms: Presses,
    private readonly log: Logger,
  ) {
    this.byInput = derived(points, (list) => {
      const m = new Map<string, Point[]>();
      for (const p of list) m.set(p.input, [...(m.get(p.input) ?? []), p]);
      return m;
    });
  }

  /** The points wired to an input. */
  pointsOn(input: string): Point[] {
    return this.byInput().get(input) ?? [];
  }

  /** A hardware event: presses become alarms; everything else is for supervision. */
  handle(e: HardwareEvent): void {
    if (e.kind !== 'pressed') return;
    for (const p of this.pointsOn(e.input)) void this.alarms.press(p.id, 'button').catch((err: unknown) => this.log.error({ err, point: p.id }, 'press not handled'));
  }
}
