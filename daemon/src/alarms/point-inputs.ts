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

/** The walk test, as the inputs see it: takes() is asked for every press and answers from memory. */
export interface TestPresses {
  takes(point: Point): boolean;
  /** 'alarm': the point's real alarm is open, the press is an alarm after all. */
  press(point: Point): Promise<'tested' | 'alarm'>;
}

export class PointInputs {
  /** Follows the configuration: a point added or rewired by an apply answers its new input at once. */
  private readonly byInput: () => Map<string, Point[]>;

  constructor(
    points: () => Point[],
    private readonly alarms: Presses,
    private readonly log: Logger,
    /** During a commissioning walk test, presses in its zones are tests. */
    private readonly walk?: TestPresses,
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

  /** A hardware event: presses become alarms (or tests, in a walk test); everything else is for supervision. */
  handle(e: HardwareEvent): void {
    if (e.kind !== 'pressed') return;
    for (const p of this.pointsOn(e.input)) {
      const failed = (err: unknown) => this.log.error({ err, point: p.id }, 'press not handled');
      if (this.walk?.takes(p)) {
        // Should recording the test fail, the press is an alarm: a press is never lost.
        void this.walk.press(p).then((r) => (r === 'alarm' ? this.alarms.press(p.id, 'button') : undefined), () => this.alarms.press(p.id, 'button')).catch(failed);
      } else void this.alarms.press(p.id, 'button').catch(failed);
    }
  }
}
