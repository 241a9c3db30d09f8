// Power notices from the modem (power-notices.ts reads each family's words):
// a power-down — switched off, or the module switching itself off for its
// supply voltage or temperature — is the `power-down` fault until the modem
// answers again; a warning is the same fault, held for WARNING_HOLD_MS after
// the last one — a GSM module drawing 2 A bursts from a weak supply browns
// out during transmission, and says so only then.
import type { Cancel, Clock } from '../../clock.js';
import type { ModemStatus } from './modem-status.js';
import { describeCause, readPowerNotice } from './power-notices.js';

const WARNING_HOLD_MS = 10 * 60_000;

export class PowerWatch {
  /** The modem announced its power-down: it will not answer until it is back (then "RDY"). */
  poweredOff = false;
  private warningTimer: Cancel | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly st: ModemStatus,
  ) {}

  /** Handle `line` if it is a power notice; 'off' for a power-down, 'warning', or undefined for other lines. */
  onUrc(line: string): 'off' | 'warning' | undefined {
    const notice = readPowerNotice(line);
    if (!notice) return undefined;
    const text = line.trim();
    if (notice.kind === 'off') {
      this.poweredOff = true;
      this.st.setFault('power-down', `the modem reported "${text}" and switched off: ${describeCause(notice.cause)}; it is off until it is powered on again`);
      return 'off';
    }
    this.warningTimer?.();
    this.st.setFault('power-down', `the modem reported "${text}": ${describeCause(notice.cause)}`);
    this.warningTimer = this.clock.setTimeout(() => {
      this.warningTimer = undefined;
      if (!this.poweredOff) this.st.clearFault('power-down');
    }, WARNING_HOLD_MS);
    return 'warning';
  }

  /** The modem answers again after a power-down: a fresh start, earlier warnings included. */
  backOn(): void {
    if (!this.poweredOff) return;
    this.poweredOff = false;
    this.stop();
    this.st.clearFault('power-down');
  }

  stop(): void {
    this.warningTimer?.();
    this.warningTimer = undefined;
  }
}
