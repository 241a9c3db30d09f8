// Outcomes as values (STYLE.md): a caller sees what went wrong and decides.
export type Failure =
  | { ok: false; code: 'invalid'; message: string; field?: string }
  | { ok: false; code: 'unauthorized' | 'forbidden' | 'not_found' | 'conflict'; message: string }
  | { ok: false; code: 'throttled' | 'busy' | 'unavailable'; message: string; retryAfterS: number };

export type Result<T> = { ok: true; value: T } | Failure;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: 'unauthorized' | 'forbidden' | 'not_found' | 'conflict', message: string): Failure => ({ ok: false, code, message });
export const invalid = (message: string, field?: string): Failure => ({ ok: false, code: 'invalid', message, field });
