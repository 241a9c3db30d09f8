// The import graph's rules (.dependency-cruiser.cjs, run by `make lint`): the
// real tree passes, and a tree that breaks a rule fails with the rule's name —
// an import from a higher layer, a cycle, a contract that imports the store.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import t from 'tap';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

function cruise(cwd: string, dirs: string[]): { code: number | null; out: string } {
  const r = spawnSync(BIN, [...dirs, '--config', CONFIG], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

t.test('the code as it is keeps every rule', async (t) => {
  const r = cruise(ROOT, ['daemon/src', 'hardware/src', 'provisioning/src', 'web-ui/src']);
  t.equal(r.code, 0, r.out);
  t.match(r.out, /no dependency violations found/);
});

t.test('an upward import, a cycle and a contract reaching into the store each fail the check', async (t) => {
  const dir = t.testdir();
  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  file('tsconfig.check.json', JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true }, include: ['daemon/**/*.ts'] }));
  // The store (layer 2) importing the alarm service (layer 4).
  file('daemon/src/store/alarms-repo.ts', "import { AlarmService } from '../alarms/alarm-service.js';\nexport const x = AlarmService;\n");
  file('daemon/src/alarms/alarm-service.ts', 'export class AlarmService {}\n');
  // A contract importing the store.
  file('daemon/src/contracts/alarms.ts', "import { x } from '../store/alarms-repo.js';\nexport const y = x;\n");
  // Two services importing each other.
  file('daemon/src/lines/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
  file('daemon/src/lines/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
  const r = cruise(dir, ['daemon/src']);
  t.not(r.code, 0, 'the check fails');
  t.match(r.out, /layer-2-no-upward: daemon\/src\/store\/alarms-repo\.ts → daemon\/src\/alarms\/alarm-service\.ts/, 'the upward import is named');
  t.match(r.out, /contracts-import-only-zod: daemon\/src\/contracts\/alarms\.ts → daemon\/src\/store\/alarms-repo\.ts/, 'the contract reaching into the store');
  t.match(r.out, /no-circular: daemon\/src\/lines\/a\.ts/, 'the cycle');
});
