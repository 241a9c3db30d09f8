// Where the driver gets the SIM PIN and where it remembers a refusal.
//
// A SIM allows three wrong PINs, then wants its PUK. The driver never sends a
// PIN again that the SIM refused (sim-unlock.ts), but within one process only;
// a daemon that restarts — a crash loop, three reboots — would send the wrong
// PIN once per start and block the card. So the owner of the driver gives it
// a PinMemory that outlives the process (the daemon keeps it in its
// database), keyed by the card's ICCID: a refusal holds until a person gives
// a new PIN, or a different card is in the modem.
//
// ConfiguredPin is the memory for a driver without such an owner (tests,
// tools): the PIN it was given, and nothing durable.

export type PinDecision =
  /**
   * Enter this PIN. `source` says where it came from, for people ('config',
   * 'entered by chief at 2026-…'); a refusal is held per source and value.
   */
  | { kind: 'enter'; pin: string; source: string }
  /** No PIN is known for this SIM. */
  | { kind: 'none' }
  /** This SIM refused this PIN before (`why`, e.g. "incorrect password"; `source` as above): do not send it. */
  | { kind: 'held'; why: string; source: string };

export interface PinMemory {
  /** The PIN to enter for the SIM with this ICCID (undefined: the modem cannot tell which card it is). */
  pinFor(iccid: string | undefined): Promise<PinDecision>;
  /** The SIM refused the PIN of `decision` (or may have: it did not answer). */
  refused(iccid: string | undefined, decision: { pin: string; source: string }, why: string): Promise<void>;
  /** The SIM took it. */
  accepted(iccid: string | undefined, decision: { pin: string; source: string }): Promise<void>;
}

/** A fixed PIN (or none) and no memory beyond the process: the driver's own guard is all there is. */
export class ConfiguredPin implements PinMemory {
  constructor(private pin: string | undefined) {}

  /** A new PIN, e.g. from settings: a different value is a different decision. */
  set(pin: string | undefined): void {
    this.pin = pin;
  }

  pinFor(): Promise<PinDecision> {
    return Promise.resolve(this.pin === undefined || this.pin === '' ? { kind: 'none' } : { kind: 'enter', pin: this.pin, source: 'config' });
  }

  refused(): Promise<void> {
    return Promise.resolve();
  }

  accepted(): Promise<void> {
    return Promise.resolve();
  }
}
