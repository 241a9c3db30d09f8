// Small helpers of the cross-checks (resolve.ts, routing-check.ts): the same
// message for a duplicate id and for a list of what exists.
import type { ConfigProblem } from './errors.js';

export const listOf = (ids: string[]) => (ids.length ? ids.join(', ') : 'none');

export function duplicates(ids: string[], path: (i: number) => string, what: string): ConfigProblem[] {
  const seen = new Map<string, number>();
  const out: ConfigProblem[] = [];
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else out.push({ path: path(i), message: `${what} "${id}" is already used by ${path(first).replace(/\.\w+$/, '')}` });
  });
  return out;
}
