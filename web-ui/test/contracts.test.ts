// The UI's types are the daemon's contracts: renaming a field in a contract
// must break the UI's type check (and so `make build` and `make lint`), never
// slip through to a page that reads `undefined`. Compiled in memory with the
// UI's own compiler settings; the contract file is altered only in memory.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import t from 'tap';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');
const UI_TSCONFIG = join(ROOT, 'web-ui', 'tsconfig.json');
const ALARMS_CONTRACT = resolve(ROOT, 'daemon/src/contracts/alarms.ts');

function uiDiagnostics(replace?: { file: string; from: string; to: string }): string[] {
  const cfg = ts.readConfigFile(UI_TSCONFIG, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, dirname(UI_TSCONFIG));
  const host = ts.createCompilerHost(parsed.options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => {
    const text = read(f);
    if (replace && text !== undefined && resolve(f) === replace.file) return text.replace(replace.from, replace.to);
    return text;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName.replace(`${ROOT}/`, '')}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

t.test('the UI type-checks against the daemon contracts as they are', async (t) => {
  t.same(uiDiagnostics(), [], 'no errors');
});

t.test('renaming a field of a contract breaks the UI build', async (t) => {
  const original = readFileSync(ALARMS_CONTRACT, 'utf8');
  t.ok(original.includes('\n  pointId: z.string(),\n'), 'the alarm contract has pointId');
  const errors = uiDiagnostics({ file: ALARMS_CONTRACT, from: '\n  pointId: z.string(),\n', to: '\n  pointKey: z.string(),\n' });
  t.ok(errors.length > 0, `the UI no longer compiles (${errors.length} errors)`);
  t.ok(errors.some((e) => /web-ui\/src\/.*pointId/.test(e)), `an error in the UI names the field: ${errors[0] ?? ''}`);
});
