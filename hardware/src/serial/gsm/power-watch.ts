// Power notices from the modem (SIM800 Series AT Command Manual §"Unsolicited
// result codes"; SIM7x00 and Quectel send the same words): "NORMAL POWER
// DOWN" (power key or AT+CPOWD), "UNDER-VOLTAGE POWER DOWN" / "OVER-VOLTAGE
// POWER DOWN" (the module switched itself off), and the warnings "UNDER-
// VOLTAGE WARNNING" (sic) / "OVER-VOLTAGE WARNNING". A power-down is the
// `power-down` fault until the modem answers again; a warning is the same
// fault, held for WARNING_HOLD_MS after the last one — a GSM module drawing
// 2 A bursts from a weak supply browns out during transmission.
import type { Cancel, Clock } from '../../clock.js';
import type { ModemStatus } from './modem-status.js';

const WARNING_HOLD_MS = 10 * 60_000;
const POWER_DOWN = /^(NORMAL|UNDER-VOLTAGE|OVER-VOLTAGE) POWER DOWN$/i;
const VOLTAGE_WARNING = /^(UNDER|OVER)-VOLTAGE WARN+ING$/i;

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
    const text = line.trim();
    if (POWER_DOWN.test(text)) {
      this.poweredOff = true;
      this.st.setFault('power-down', `the modem reported "${text}": it is off until its power is restored or it is restarted`);
      return 'off';
    }
    if (!VOLTAGE_WARNING.test(text)) return undefined;
    this.warningTimer?.();
    this.st.setFault('power-down', `the modem reported "${text}": its supply voltage is out of range (it needs 2 A peaks)`);
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
