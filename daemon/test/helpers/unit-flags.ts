// Node flags and niceness exactly as the systemd unit starts the daemon on a
// board: the benches, the soak and the tests' daemons start it with these.
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export const UNIT_NODE_FLAGS = (/^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(readFileSync(join(ROOT, 'systemd', 'callpoint.service'), 'utf8'))?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

/** The unit's Nice= (0 when absent): the benches give the daemon's process the same priority. */
export const UNIT_NICE = Number(/^Nice=(-?\d+)\s*$/m.exec(readFileSync(join(ROOT, 'systemd', 'callpoint.service'), 'utf8'))?.[1] ?? 0);

/** Give a started daemon the unit's niceness (needs root, as systemd has); says what was done, for the report. */
export function unitNice(pid: number): string {
  if (!UNIT_NICE) return 'nice 0';
  try {
    setPriority(pid, UNIT_NICE);
    return `nice ${UNIT_NICE} as the unit's Nice=`;
  } catch (e) {
    return `nice 0: the unit's Nice=${UNIT_NICE} needs root (${(e as NodeJS.ErrnoException).code})`;
  }
}
