// The card's ports as last reported, and the faults their states mean: an FXO
// line without voltage, an FXS port without loop battery, an FXS port off hook
// for too long. Reports that change nothing are absorbed here, so a periodic
// refresh produces no events.
import type { Cancel, Clock } from '../../clock.js';
import { LINE_CUT_BELOW_V, lineCutDetail, noBatteryDetail, stuckOffHookDetail, type FaultTracker } from './faults.js';
import type { PortKind, PortReport } from './protocol.js';
import type { PortState } from './types.js';

export class PortMonitor {
  private readonly snapshot = new Map<number, PortState>();
  private readonly stuckTimers = new Map<number, Cancel>();

  constructor(
    private readonly clock: Clock,
    private readonly faults: FaultTracker,
    private readonly stuckOffHookMs: number,
    private readonly onChange: (state: PortState, previous: PortState | undefined) => void,
  ) {}

  list(): PortState[] {
    return [...this.snapshot.values()].sort((a, b) => a.port - b.port).map((p) => ({ ...p }));
  }

  /** A new inventory: ports that are gone or changed kind are forgotten, with their faults. */
  keepOnly(kinds: PortKind[]): void {
    for (const [port, s] of [...this.snapshot]) if (kinds[port - 1] !== s.kind) this.forget(port);
  }

  apply(r: PortReport): void {
    const prev = this.snapshot.get(r.port);
    const [state, value] = keys(r);
    const moved = !prev || keys(prev)[0] !== state;
    if (prev && !moved && keys(prev)[1] === value) return;
    const next: PortState = { ...r, since: moved ? this.clock.now() : prev.since };
    this.snapshot.set(r.port, next);
    this.onChange({ ...next }, prev && { ...prev });
    this.evaluate(next);
  }

  /** Cancel the stuck-off-hook timers (the driver stops). */
  stop(): void {
    for (const cancel of this.stuckTimers.values()) cancel();
    this.stuckTimers.clear();
  }

  private evaluate(s: PortState): void {
    if (s.kind === 'FXO') {
      // The host applies its own threshold: a card firmware may still say IDLE at 2 V.
      if (s.line === 'no-line' || Math.abs(s.volts) < LINE_CUT_BELOW_V) this.faults.raise('line-cut', lineCutDetail(s.port, s.volts), s.port);
      else this.faults.clear('line-cut', s.port);
      return;
    }
    if (s.battery) this.faults.clear('no-battery', s.port);
    else this.faults.raise('no-battery', noBatteryDetail(s.port), s.port);
    if (s.hook !== 'off-hook') {
      this.cancelStuck(s.port);
      this.faults.clear('stuck-off-hook', s.port);
    } else if (!this.stuckTimers.has(s.port)) {
      // Timed from `since`, which survives a reconnect when the port was off hook before and after it.
      const port = s.port;
      const fire = (): void => {
        this.stuckTimers.delete(port);
        const cur = this.snapshot.get(port);
        if (cur?.kind === 'FXS' && cur.hook === 'off-hook') this.faults.raise('stuck-off-hook', stuckOffHookDetail(port, this.clock.now() - cur.since), port);
      };
      this.stuckTimers.set(port, this.clock.setTimeout(fire, s.since + this.stuckOffHookMs - this.clock.now()));
    }
  }

  private forget(port: number): void {
    this.snapshot.delete(port);
    this.cancelStuck(port);
    this.faults.clearPort(port);
  }

  private cancelStuck(port: number): void {
    this.stuckTimers.get(port)?.();
    this.stuckTimers.delete(port);
  }
}

/** [the state `since` follows, the value that may change without moving it]. */
function keys(r: PortReport): [string, string] {
  return r.kind === 'FXS' ? [`FXS ${r.hook}`, String(r.battery)] : [`FXO ${r.line}`, String(r.volts)];
}
