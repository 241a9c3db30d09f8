// Configuration: every bad file is answered with the key path (and line) of
// each problem and exit code 1, never a stack trace.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { formatProblem } from '../src/config/errors.js';
import { envLeaves } from '../src/config/env.js';
import { CONFIG_VERSION } from '../src/config/schema.js';
import { boardProblems } from '../src/alarms/board-check.js';
import { cli, ROOT } from './helpers/daemon.js';

const base = 'site: tunnel-a\nnode: cabinet-3\n';
const problems = (text: string, env: NodeJS.ProcessEnv = {}) => parseConfig(text, env).problems.map((p) => formatProblem('c.yaml', p));

t.test('a minimal file gets every default', async (t) => {
  const r = parseConfig(base);
  t.same(r.problems, []);
  t.equal(r.config?.http.port, 8080);
  t.equal(r.config?.dataDir, '/var/lib/callpoint');
  t.equal(r.config?.version, CONFIG_VERSION);
});

t.test('wrong type names the key and line', async (t) => {
  t.same(problems(`${base}http:\n  port: eighty\n`), ['c.yaml:4: http.port: expected a number, got "eighty"']);
});

t.test('unknown key is refused with a suggestion', async (t) => {
  t.same(problems(`${base}freeswitch:\n  passwrd: abcdefghij\n`), ['c.yaml:4: freeswitch.passwrd: unknown key (did you mean "password"?)']);
});

t.test('a secret of the wrong type is not echoed in the error', async (t) => {
  const p = problems(`${base}freeswitch:\n  password: 987654321\n`);
  t.same(p, ['c.yaml:4: freeswitch.password: expected a string, got a value (not shown: a secret)']);
});

t.test('missing required key', async (t) => {
  t.same(problems('site: tunnel-a\n'), ['c.yaml:1: node: is required']);
});

t.test('YAML syntax error gives the line', async (t) => {
  const p = problems(`${base}http: { port: 80\n`);
  t.equal(p.length, 1);
  t.match(p[0], /^c\.yaml:[34]: YAML syntax error: Flow map .* \(column \d+\)$/);
});

t.test('every problem is reported, not just the first', async (t) => {
  const p = problems('site: UPPER CASE\nhttp:\n  port: 0\nphones:\n  - number: "12a"\n    name: x\n    zone: z\n');
  t.ok(p.some((l) => l.startsWith('c.yaml:1: site:')), 'site');
  t.ok(p.some((l) => l.includes('node: is required')), 'node');
  t.ok(p.some((l) => l.startsWith('c.yaml:3: http.port:')), 'port');
  t.ok(p.some((l) => l.startsWith('c.yaml:5: phones[0].number: an extension is 2–8 digits')), 'phone number');
});

t.test('environment overrides, named in errors', async (t) => {
  const r = parseConfig(base, { CALLPOINT_HTTP_PORT: '9090', CALLPOINT_FREESWITCH_PASSWORD: 'from-the-env-123', CALLPOINT_UPLINK_BROKERS: 'mqtts://a:8883, mqtts://b:8883', CALLPOINT_DATA_DIR: '/data' });
  t.equal(r.config?.http.port, 9090);
  t.equal(r.config?.freeswitch.password, 'from-the-env-123');
  t.same(r.config?.uplink.brokers, ['mqtts://a:8883', 'mqtts://b:8883']);
  t.equal(r.config?.dataDir, '/data');
  t.same(problems(base, { CALLPOINT_HTTP_PORT: 'x' }), ['CALLPOINT_HTTP_PORT: http.port: expected a number, got "x"']);
  t.same(problems(base, { CALLPOINT_FREESWITH_PASSWORD: 'x' }), ['CALLPOINT_FREESWITH_PASSWORD: not a configuration key (see `callpoint config schema`)']);
  t.ok(envLeaves().has('CALLPOINT_HTTP_SESSION_IDLE_MINUTES'));
});

t.test('a newer file is refused, an older one migrated', async (t) => {
  t.match(problems(`version: ${CONFIG_VERSION + 1}\n${base}`)[0], /newer than this Callpoint understands/);
  const r = parseConfig(`version: 1\n${base}http:\n  listen: "127.0.0.1:9000"\nfreeswitch:\n  pass: a-long-secret\n`);
  t.same(r.problems, []);
  t.equal(r.migratedFrom, 1);
  t.equal(r.config?.http.host, '127.0.0.1');
  t.equal(r.config?.http.port, 9000);
  t.equal(r.config?.freeswitch.password, 'a-long-secret');
});

t.test('version 2 → 3: inline plans become named plans (a shared anchor, one plan), zones are listed, comments kept', async (t) => {
  const v2 = `version: 2
${base}points:
  - id: a
    input: in1
    label: SOS a
    zone: east
    # Control first, then the duty mobile.
    escalation: &control
      targets:
        - { extension: "8000", ringS: 20 }
        # the duty officer
        - { gsm: "+8613800138000" }
  - { id: b, input: in2, label: SOS b, zone: east, escalation: *control }
  - id: c
    input: in3
    label: SOS c
    zone: west
    escalation: { targets: [{ extension: "8001" }] }
phones:
  - { number: "8000", name: Desk, zone: control }
`;
  const r = parseConfig(v2);
  t.same(r.problems, []);
  t.equal(r.migratedFrom, 2);
  const doc = parse(r.migrated!) as { zones: Array<{ id: string }>; plans: Array<{ id: string; targets: unknown[] }>; points: Array<{ id: string; plan: string; escalation?: unknown }> };
  t.same(doc.zones.map((z) => z.id), ['east', 'west', 'control'], 'every zone used, once, in order');
  t.same(doc.plans.map((p) => p.id), ['control', 'c-plan'], 'the anchor became one plan named after it; the inline plan its own');
  t.same(doc.points.map((p) => [p.id, p.plan]), [['a', 'control'], ['b', 'control'], ['c', 'c-plan']]);
  t.notOk(doc.points.some((p) => 'escalation' in p), 'no inline plan is left');
  t.match(r.migrated, /# Control first, then the duty mobile\.\n\s+- id: control/, 'the comment above the plan goes with it');
  t.match(r.migrated, /# the duty officer/, 'comments inside the plan survive');
  t.notMatch(r.migrated, /&control|\*control/, 'no anchor left to expand silently');
  t.same(r.config?.points.map((p) => p.escalation.targets.length), [2, 2, 1], 'each point resolves to its plan');
  // A file without a version that carries inline plans is read as version 2 and migrated the same way.
  t.equal(parseConfig(v2.replace('version: 2\n', '')).migratedFrom, 2);
});

t.test('references: a missing zone or plan, a duplicate id, each named on its key', async (t) => {
  const p = problems(`version: 3
${base}zones: [{ id: east }, { id: east }]
plans: [{ id: p1, targets: [{ extension: "8000" }] }]
points:
  - { id: a, input: in1, label: A, zone: nowhere, plan: p1 }
  - { id: a, input: in2, label: B, zone: east, plan: p9 }
phones: [{ number: "8000", name: Desk, zone: east }]
`);
  t.ok(p.some((l) => /^c\.yaml:4: zones\[1\]\.id: zone id "east" is already used by zones\[0\]/.test(l)), 'duplicate zone');
  t.ok(p.some((l) => /points\[0\]\.zone: no zone "nowhere" \(zones: east, east\)/.test(l)), 'missing zone, with the ones there are');
  t.ok(p.some((l) => /points\[1\]\.plan: no escalation plan "p9" \(plans: p1\)/.test(l)), 'missing plan');
  t.ok(p.some((l) => /points\[1\]\.id: point id "a" is already used/.test(l)), 'duplicate point');
});

t.test('config migrate writes a backup first, then the new file', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'config.yaml');
  const old = `# site config\nversion: 1\n${base}http:\n  listen: "0.0.0.0:8081"\n`;
  writeFileSync(file, old);
  const r = await cli(['config', 'migrate', file]);
  t.equal(r.code, 0, r.stderr);
  t.equal(readFileSync(`${file}.v1.bak`, 'utf8'), old, 'backup holds the old file');
  const now = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  t.same(now.http, { host: '0.0.0.0', port: 8081 });
  t.equal(now.version, CONFIG_VERSION);
  t.match(readFileSync(file, 'utf8'), /# site config/, 'comments survive');
});

t.test('the example configurations are valid', async (t) => {
  const dir = join(ROOT, 'provisioning', 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  t.ok(files.includes('simulate.yaml') && files.length >= 3);
  for (const f of files) {
    const r = parseConfig(readFileSync(join(dir, f), 'utf8'));
    t.same(r.problems, [], f);
    if (r.config) t.same((await boardProblems(r.config)).problems, [], `${f}: every point on an input of its board`);
  }
  t.match((await boardProblems({ board: 'sim', points: [{ input: 'nope' }] as never })).problems[0], { path: 'points[0].input', message: /has no input "nope"/ });
});

t.test('config check on the command line: exit 1 with every problem, no stack', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, `${base}http:\n  port: "80"\n  colour: red\n`);
  const r = await cli(['config', 'check', file]);
  t.equal(r.code, 1);
  t.match(r.stderr, `${file}:4: http.port: expected a number, got "80"`);
  t.match(r.stderr, `${file}:5: http.colour: unknown key`);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const missing = await cli(['config', 'check', join(dir, 'nope.yaml')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no such file/);
  const good = await cli(['config', 'check', join(ROOT, 'provisioning/examples/simulate.yaml')]);
  t.equal(good.code, 0);
});

t.test('config schema prints a JSON Schema', async (t) => {
  const r = await cli(['config', 'schema']);
  t.equal(r.code, 0);
  const s = JSON.parse(r.stdout) as { properties: Record<string, unknown>; required: string[] };
  for (const k of ['site', 'node', 'dataDir', 'http', 'freeswitch', 'uplink', 'board', 'points', 'lines', 'phones', 'log']) t.ok(k in s.properties, k);
  t.same(s.required.sort(), ['node', 'site']);
});

t.test('README holds the current configuration reference', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const { configReference } = await import('../src/config/reference.js');
  const start = readme.indexOf('<!-- config-reference:start -->');
  const end = readme.indexOf('<!-- config-reference:end -->');
  t.ok(start > 0 && end > start, 'README has the reference markers');
  t.equal(readme.slice(start, end).split('\n').slice(1).join('\n').trim(), configReference().trim(), 'run `make docs` after changing the schema');
  t.ok(existsSync(join(ROOT, 'README.md')));
});

t.test('a few hundred randomly mutated configurations never throw', async (t) => {
  const seedText = readFileSync(join(ROOT, 'provisioning/examples/tunnel-a.yaml'), 'utf8');
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = ['', ' ', ':', '- ', '{', '}', '[', ']', '"', "'", '\n', '\t', '#', '&a', '*a', '!!binary', '0x1F', '-1', '1e309', 'null', '~', 'true', '<<: *a', '%YAML', '\u0000', '日本'];
  let invalid = 0;
  for (let i = 0; i < 400; i++) {
    const chars = [...seedText];
    const edits = 1 + rnd(6);
    for (let e = 0; e < edits; e++) {
      const at = rnd(chars.length);
      switch (rnd(3)) {
        case 0: chars.splice(at, 1 + rnd(5)); break;
        case 1: chars.splice(at, 0, junk[rnd(junk.length)]!); break;
        default: chars[at] = junk[rnd(junk.length)]!;
      }
    }
    let r;
    try {
      r = parseConfig(chars.join(''), {});
    } catch (e) {
      t.fail(`threw on mutation ${i}: ${(e as Error).stack}`);
      continue;
    }
    if (!r.config) {
      invalid++;
      for (const p of r.problems) if (!p.message || /\n\s+at /.test(p.message)) t.fail(`unclear problem on mutation ${i}: ${JSON.stringify(p)}`);
    }
  }
  t.ok(invalid > 100, `most mutations are invalid and reported (${invalid}/400)`);
});
