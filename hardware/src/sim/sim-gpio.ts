// A simulated GPIO line: tests and simulation mode set its level (as a button
// or a chip's INT pin would) and read what an output wrote. Same interface as
// the sysfs shim, so everything above it is the same code.
import type { Level } from '../gpio/line.js';
import { VirtualLine } from '../gpio/virtual-line.js';
import { record } from './bounded-log.js';

export class SimGpio extends VirtualLine {
  /** Every level written through write(), in order (outputs). */
  readonly writes: Level[] = [];
  closed = false;

  constructor(name: string, initial: Level = 1) {
    super(name, initial);
  }

  override write(level: Level): void {
    record(this.writes, level);
    super.write(level);
  }

  override close(): void {
    super.close();
    this.closed = true;
  }

  /** Contact bounce at one instant: `edges` toggles, ending at `final`. */
  bounce(final: Level, edges = 5): void {
    const other: Level = final === 1 ? 0 : 1;
    for (let i = 0; i < edges; i++) this.setLevel(i % 2 === 0 ? final : other);
    this.setLevel(final);
  }
}
