// One digital line, whatever drives it: a sysfs GPIO (sysfs-line.ts), a pin of
// an MCP23017 expander (i2c/mcp23017.ts), a simulated line (sim/sim-gpio.ts)
// or a line derived from a supervised analog loop. Levels are physical
// (0 = low, 1 = high); active-low is decided above, in DebouncedInput/Output.

export type Level = 0 | 1;

export interface GpioLine {
  /** For logs and status: "gpio529", "mcp0.a0". */
  readonly name: string;
  /** The current level (an expander pin returns its last read value). */
  read(): Level;
  /** Drive an output. An expander pin queues the register write; its errors go to the device status. */
  write(level: Level): void;
  /** Call `cb` on every change (both edges, undebounced). One watcher per line. */
  watch(cb: (level: Level) => void, onError?: (err: Error) => void): void;
  unwatch(): void;
  close(): void;
}

/** Thrown when a line cannot be opened: the message is meant for the technician. */
export class GpioUnavailableError extends Error {
  override readonly name = 'GpioUnavailableError';
}
