// AT results as sentences for status details and error values.
import type { AtCommandOptions, AtResult } from '../at/types.js';

/** What the driver parts need from the AT engine. */
export type SendAt = (command: string, opts?: AtCommandOptions) => Promise<AtResult>;

/** "SIM PIN required", "the modem did not answer within 5 s", "the modem is disconnected". */
export function describeResult(r: AtResult, timeoutMs?: number): string {
  switch (r.kind) {
    case 'ok':
      return 'OK';
    case 'error':
      return r.message;
    case 'timeout':
      return timeoutMs === undefined ? 'the modem did not answer in time' : `the modem did not answer within ${Math.round(timeoutMs / 1000)} s`;
    case 'disconnected':
      return 'the modem is disconnected';
  }
}

/** The first response line starting with `prefix` (case-insensitive). */
export function lineWith(r: AtResult, prefix: string): string | undefined {
  if (r.kind !== 'ok' && r.kind !== 'error' && r.kind !== 'timeout') return undefined;
  const p = prefix.toUpperCase();
  return r.lines.find((l) => l.toUpperCase().startsWith(p));
}
