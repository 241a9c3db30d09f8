// Pure readers of the modem's network answers: signal quality, registration,
// operator and identity lines (3GPP TS 27.007). No I/O here; the driver feeds
// response lines in and gets typed values out.

export type Registration = 'home' | 'roaming' | 'searching' | 'denied' | 'unknown' | 'not-registered';

export interface SignalQuality {
  /** 27.007 <rssi> as reported: 0..31, 99 = not known or not detectable. */
  rssi: number;
  /** dBm, undefined when rssi is 99. */
  dbm: number | undefined;
  /** 0–5 for the UI, see `barsForDbm`. */
  bars: number;
}

/**
 * 27.007 §8.5 +CSQ <rssi>: 0 → −113 dBm or less, 1 → −111 dBm, 2..30 →
 * −109..−53 dBm in 2 dB steps, 31 → −51 dBm or greater, 99 → not known.
 * The end points are reported as −113 and −51.
 */
export function rssiToDbm(rssi: number): number | undefined {
  if (!Number.isInteger(rssi) || rssi < 0 || rssi > 31) return undefined;
  return -113 + 2 * rssi;
}

/**
 * Bars, as phones draw them (the thresholds used by most modem vendors' GSM
 * "marginal / OK / good / excellent" tables, 27.007 rssi in brackets):
 *   0: no signal (rssi 0 or unknown, ≤ −113 dBm)
 *   1: −111..−103 dBm (rssi 1–5): marginal, SMS may fail
 *   2: −101..−93 dBm  (rssi 6–10): calls possible
 *   3: −91..−83 dBm   (rssi 11–15): OK
 *   4: −81..−73 dBm   (rssi 16–20): good
 *   5: ≥ −71 dBm      (rssi 21–31): excellent
 */
export function barsForDbm(dbm: number | undefined): number {
  if (dbm === undefined || dbm <= -113) return 0;
  if (dbm <= -103) return 1;
  if (dbm <= -93) return 2;
  if (dbm <= -83) return 3;
  if (dbm <= -73) return 4;
  return 5;
}

/** "+CSQ: 18,99" → rssi, dBm, bars; undefined for a line that is not +CSQ. */
export function parseCsq(line: string): SignalQuality | undefined {
  const m = /^\+CSQ:\s*(\d+)\s*,\s*(\d+)/i.exec(line.trim());
  if (!m) return undefined;
  const rssi = Number(m[1]);
  const dbm = rssiToDbm(rssi);
  return { rssi, dbm, bars: barsForDbm(dbm) };
}

/**
 * 27.007 §7.2 / §10.1.22 <stat>: 1 home and 5 roaming are registered; 6/7
 * ("SMS only") and 9/10 ("CSFB not preferred") are registered too, home and
 * roaming; 0 not registered, 2 searching, 3 denied, 4 and the rest unknown.
 */
export function registrationFromStat(stat: number): Registration {
  switch (stat) {
    case 1:
    case 6:
    case 9:
      return 'home';
    case 5:
    case 7:
    case 10:
      return 'roaming';
    case 2:
      return 'searching';
    case 3:
      return 'denied';
    case 0:
      return 'not-registered';
    default:
      return 'unknown';
  }
}

export function isRegistered(r: Registration): boolean {
  return r === 'home' || r === 'roaming';
}

/**
 * A +CREG/+CEREG read response ("+CREG: 2,1,\"1A2B\",\"01C3D4E5\",7") or
 * URC ("+CREG: 1,\"1A2B\",\"01C3D4E5\""): the stat. A read response starts
 * with <n>, a URC with <stat>; the difference is whether the second field is
 * a bare number.
 */
export function parseRegistration(line: string, form: 'read' | 'urc'): Registration | undefined {
  const m = /^\+C(?:E|G)?REG:\s*(.*)$/i.exec(line.trim());
  if (!m) return undefined;
  const fields = (m[1] ?? '').split(',').map((f) => f.trim());
  const stat = Number(form === 'read' ? fields[1] : fields[0]);
  return Number.isInteger(stat) && (form === 'read' ? fields[1] : fields[0]) !== '' ? registrationFromStat(stat) : undefined;
}

/** The better of the circuit-switched and EPS registrations (an LTE-only modem shows +CREG 0 but +CEREG 1). */
export function bestRegistration(a: Registration | undefined, b: Registration | undefined): Registration {
  const rank: Registration[] = ['home', 'roaming', 'searching', 'denied', 'not-registered', 'unknown'];
  const all = [a, b].filter((x): x is Registration => x !== undefined);
  if (all.length === 0) return 'unknown';
  return all.sort((x, y) => rank.indexOf(x) - rank.indexOf(y))[0] ?? 'unknown';
}

/** "+COPS: 0,0,\"CHINA MOBILE\",7" → "CHINA MOBILE"; undefined when there is no operator ("+COPS: 0"). */
export function parseCops(line: string): string | undefined {
  const m = /^\+COPS:\s*\d+\s*,\s*\d+\s*,\s*"([^"]*)"/i.exec(line.trim());
  return m?.[1] || undefined;
}

/** The first line made of 14–20 digits (IMEI 15, IMSI 15, ICCID 19–20 with an optional trailing F). */
export function findIdentity(lines: string[], kind: 'imei' | 'imsi' | 'iccid'): string | undefined {
  for (const raw of lines) {
    // "+CGSN: 8673…", "+QCCID: 8986…", "+ICCID: 8986…", "+CCID: \"8986…\"", or bare digits.
    const line = raw.replace(/^\+[A-Z]+:\s*/i, '').replace(/"/g, '').trim();
    const ok = kind === 'iccid' ? /^\d{18,20}F?$/i.test(line) : /^\d{14,16}$/.test(line);
    if (ok) return kind === 'iccid' ? line.replace(/F$/i, '') : line;
  }
  return undefined;
}
