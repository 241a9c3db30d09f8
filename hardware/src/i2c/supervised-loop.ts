// A supervised call-point input: the button loop is measured, not just read,
// so a cut or shorted cable is a fault instead of a silent dead button.
//
//   3V3 ── Rpull ──┬──────── ADS1115 AINx
//                  │  (cable)
//                  ├── Reol ───────────── GND   end-of-line resistor at the button
//                  └── button(NO) ─ Ralarm ─ GND
//
// Nominal voltages with 3.3 V, Rpull = Reol = 4k7, Ralarm = 1k:
//   normal  Reol alone            → 1.65 V
//   pressed Reol ∥ Ralarm (825 Ω) → 0.49 V
//   open    cable cut             → 3.30 V (pulled up)
//   short   cable shorted         → 0.00 V
// Default thresholds sit between them: short < 0.25 V ≤ pressed < 1.0 V ≤
// normal ≤ 2.6 V < open. A value exactly on a threshold falls to the side
// named in `classifyLoop` below.

export type LoopState = 'normal' | 'pressed' | 'open' | 'short';

export interface LoopThresholds {
  /** Below this: short circuit. */
  shortBelowV: number;
  /** Below this (and not short): pressed. */
  pressedBelowV: number;
  /** Above this: open circuit. */
  openAboveV: number;
}

export interface LoopWiring {
  supplyV: number;
  pullUpOhms: number;
  eolOhms: number;
  alarmOhms: number;
}

export const DEFAULT_WIRING: LoopWiring = { supplyV: 3.3, pullUpOhms: 4700, eolOhms: 4700, alarmOhms: 1000 };
export const DEFAULT_THRESHOLDS: LoopThresholds = { shortBelowV: 0.25, pressedBelowV: 1.0, openAboveV: 2.6 };

export function classifyLoop(volts: number, th: LoopThresholds): LoopState {
  if (volts < th.shortBelowV) return 'short';
  if (volts < th.pressedBelowV) return 'pressed';
  if (volts > th.openAboveV) return 'open';
  return 'normal';
}

/** The voltage the ADC sees in each state, from the resistor values (simulation, documentation). */
export function loopVoltages(w: LoopWiring): Record<LoopState, number> {
  const divider = (r: number) => (w.supplyV * r) / (w.pullUpOhms + r);
  const parallel = (w.eolOhms * w.alarmOhms) / (w.eolOhms + w.alarmOhms);
  return { normal: divider(w.eolOhms), pressed: divider(parallel), open: w.supplyV, short: 0 };
}
