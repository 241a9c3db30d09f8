// The bounds on what comes in on cmd/: nothing a publisher sends can make the
// appliance queue without limit or spend its time on anything but a few
// commands a second. A message is looked at only if the token bucket has a
// token (commandsPerSecond, bursts of twice that); otherwise it is dropped
// unread — not parsed, not logged one by one, not written. Commands that
// passed verification then wait for a slot: at most MAX_IN_FLIGHT run at
// once, and the last RESERVED slots are kept for the commands that end an
// emergency's noise (acknowledge, clear, hang up), so a burst of status
// queries or originates from central cannot hold them up.

export const MAX_IN_FLIGHT = 16;
export const RESERVED = 4;
/** Commands that go first when slots are short: they stop calls and sirens. */
export const URGENT_COMMANDS: ReadonlySet<string> = new Set(['ack-alarm', 'clear-alarm', 'hangup']);

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.at = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

export class InFlight {
  private n = 0;
  /** The most at once since start (for tests and get-status). */
  peak = 0;

  get count(): number {
    return this.n;
  }

  /** A slot for command `name`, or false when there is none for its priority. */
  enter(name: string): boolean {
    const limit = URGENT_COMMANDS.has(name) ? MAX_IN_FLIGHT : MAX_IN_FLIGHT - RESERVED;
    if (this.n >= limit) return false;
    this.n++;
    this.peak = Math.max(this.peak, this.n);
    return true;
  }

  leave(): void {
    this.n--;
  }
}
