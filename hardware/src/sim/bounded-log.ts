// The simulators keep what was written to them so tests can assert it byte for
// byte. A running simulation (make run, make soak) polls the same devices for
// hours — the supervised inputs of the ADS1115 twenty times a second — so the
// record keeps only the latest entries: trimmed to LIMIT whenever it reaches
// twice that (amortised O(1) per entry), far more than any test looks at.
export const LOG_LIMIT = 5000;

export function record<T>(log: T[], entry: T): void {
  log.push(entry);
  if (log.length >= 2 * LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
}
