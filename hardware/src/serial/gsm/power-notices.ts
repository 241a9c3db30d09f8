// The power, supply-voltage and temperature notices of each supported modem
// family, as a pure reader: a URC line in, what it means out. PowerWatch
// (power-watch.ts) turns the meaning into the `power-down` fault.
//
// SIMCom SIM800 (SIM800 Series AT Command Manual V1.10, "Summary of
// Unsolicited Result Codes"; SIM800C Hardware Design V1.02 §4.2.2.2–4):
//   "NORMAL POWER DOWN" after AT+CPOWD=1 or the power key ("NORMAL POWER OFF"
//   in the hardware design's wording); "UNDER-VOLTAGE POWER DOWN" /
//   "OVER-VOLTAGE POWER DOWN" ("… POWER OFF") when VBAT leaves its range and
//   the module switches itself off; "UNDER-VOLTAGE WARNNING" /
//   "OVER-VOLTAGE WARNNING" (sic) near the limits; "+CMTE: 1" / "+CMTE:-1"
//   over / under temperature, "+CMTE: 2" / "+CMTE:-2" when it powers off for
//   temperature.
// SIMCom SIM7x00 (SIM7500_SIM7600 Series AT Command Manual, AT+CVALARM and
//   AT+CPMVT; hardware design §3.2.2 "warning … reported via AT port"): the
//   SIMCom words above.
// Quectel EC2x (EC25&EC21 AT Commands Manual V1.3, AT+QPOWD): "POWERED DOWN"
//   after AT+QPOWD or the power key; supply voltage as
//   '+QIND: "vbatt",<n>' with n = -2 under-voltage power down, -1
//   under-voltage warning, 1 over-voltage warning, 2 over-voltage power down
//   (the UC15/EC2x family's values; oFono's Quectel driver reads the same).
//   Quectel's older GSM parts (M95, MC60, M50 Hardware Design §3.4.2.3) write
//   the SIMCom words with an underscore: "UNDER_VOLTAGE WARNING",
//   "OVER_VOLTAGE POWER DOWN", and "NORMAL POWER DOWN".

export type PowerCause = 'normal' | 'under-voltage' | 'over-voltage' | 'over-temperature' | 'under-temperature';

export interface PowerNotice {
  /** 'off': the module switches itself off now; 'warning': it is near a limit and still running. */
  kind: 'off' | 'warning';
  cause: PowerCause;
}

const SIMCOM_WORDS = /^(NORMAL|UNDER[-_]VOLTAGE|OVER[-_]VOLTAGE) POWER (DOWN|OFF)$/i;
const VOLTAGE_WARNING = /^(UNDER|OVER)[-_]VOLTAGE WARN+ING$/i;
const QUECTEL_POWERED_DOWN = /^POWERED DOWN$/i;
const QUECTEL_VBATT = /^\+QIND:\s*"vbatt"\s*,\s*(-?\d+)\s*$/i;
const SIMCOM_TEMPERATURE = /^\+CMTE:\s*(-?\d+)\s*$/i;

const voltageCause = (word: string): PowerCause => (/^UNDER/i.test(word) ? 'under-voltage' : 'over-voltage');

/** The meaning of `line` if it is a power notice of one of the supported families, else undefined. */
export function readPowerNotice(line: string): PowerNotice | undefined {
  const text = line.trim();
  const down = SIMCOM_WORDS.exec(text);
  if (down) return { kind: 'off', cause: /^NORMAL/i.test(down[1] ?? '') ? 'normal' : voltageCause(down[1] ?? '') };
  const warn = VOLTAGE_WARNING.exec(text);
  if (warn) return { kind: 'warning', cause: voltageCause(warn[1] ?? '') };
  if (QUECTEL_POWERED_DOWN.test(text)) return { kind: 'off', cause: 'normal' };
  const vbatt = QUECTEL_VBATT.exec(text);
  if (vbatt) return level(Number(vbatt[1]), 'under-voltage', 'over-voltage');
  const temp = SIMCOM_TEMPERATURE.exec(text);
  if (temp) return level(Number(temp[1]), 'under-temperature', 'over-temperature');
  return undefined;
}

/** ±1 a warning, ±2 the power-down; 0 (back in range) and other values are no notice. */
function level(n: number, low: PowerCause, high: PowerCause): PowerNotice | undefined {
  switch (n) {
    case -2:
      return { kind: 'off', cause: low };
    case -1:
      return { kind: 'warning', cause: low };
    case 1:
      return { kind: 'warning', cause: high };
    case 2:
      return { kind: 'off', cause: high };
    default:
      return undefined;
  }
}

/** What a technician reads about a cause. */
export function describeCause(c: PowerCause): string {
  switch (c) {
    case 'normal':
      return 'it was switched off (power key or a power-off command)';
    case 'under-voltage':
      return 'its supply voltage is too low (a GSM module needs 2 A peaks from a stiff supply)';
    case 'over-voltage':
      return 'its supply voltage is too high';
    case 'over-temperature':
      return 'it is too hot';
    case 'under-temperature':
      return 'it is too cold';
  }
}
