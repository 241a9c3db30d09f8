// Line-card faults: what is wrong, on which port, in words a technician can
// act on. The tracker keeps the active set so each fault is reported once
// when it appears and once when it clears, however often the card repeats
// the state that causes it.
import { formatVolts } from './protocol.js';

export type FaultCode = 'line-cut' | 'no-battery' | 'stuck-off-hook' | 'card-silent' | 'card-error';

export interface LineCardFault {
  /** The card's id from the configuration. */
  card: string;
  /** Absent for faults of the whole card. */
  port?: number;
  code: FaultCode;
  detail: string;
  /** Clock time it was raised (for fault-cleared: when it cleared). */
  at: number;
}

/** Tip-ring voltage below which an FXO line counts as cut (on hook ~48 V, off hook 6–10 V). */
export const LINE_CUT_BELOW_V = 3;

export function lineCutDetail(port: number, volts: number): string {
  return `FXO port ${port}: no line voltage (${formatVolts(Math.abs(volts))} V): line cut or not connected`;
}

export function noBatteryDetail(port: number): string {
  return `FXS port ${port}: no loop battery: the phone has no power and cannot ring (check the card's -48 V supply)`;
}

export function stuckOffHookDetail(port: number, ms: number): string {
  return `FXS port ${port}: off hook for ${formatDuration(ms)}: handset left off or the line is shorted`;
}

/** "45 s", "10 min", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

export class FaultTracker {
  private readonly active = new Map<string, LineCardFault>();

  constructor(
    private readonly card: string,
    private readonly now: () => number,
    private readonly onRaise: (f: LineCardFault) => void,
    private readonly onClear: (f: LineCardFault) => void,
  ) {}

  list(): LineCardFault[] {
    return [...this.active.values()];
  }

  has(code: FaultCode, port?: number): boolean {
    return this.active.has(key(code, port));
  }

  /** Raise once; a repeat with another detail only updates the stored text. */
  raise(code: FaultCode, detail: string, port?: number): void {
    const k = key(code, port);
    const existing = this.active.get(k);
    if (existing) {
      existing.detail = detail;
      return;
    }
    const f: LineCardFault = { card: this.card, code, detail, at: this.now(), ...(port === undefined ? {} : { port }) };
    this.active.set(k, f);
    this.onRaise({ ...f });
  }

  clear(code: FaultCode, port?: number): void {
    const k = key(code, port);
    const f = this.active.get(k);
    if (!f) return;
    this.active.delete(k);
    this.onClear({ ...f, at: this.now() });
  }

  /** Clear every fault of a port (it left the inventory). */
  clearPort(port: number): void {
    for (const f of this.list()) if (f.port === port) this.clear(f.code, port);
  }
}

function key(code: FaultCode, port?: number): string {
  return `${code}:${port ?? ''}`;
}
