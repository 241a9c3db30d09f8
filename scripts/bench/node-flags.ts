// Node flags exactly as the systemd unit starts the daemon on a board: the
// benches that run the daemon start it with these.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export const UNIT_NODE_FLAGS = (/^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(readFileSync(join(ROOT, 'systemd', 'callpoint.service'), 'utf8'))?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
