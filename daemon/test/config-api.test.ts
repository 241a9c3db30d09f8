// The configuration API end to end against the real daemon: the live file in
// the data directory seeded from --config; reads with secrets masked; writes
// with If-Match (428 without, 409 when stale, with what changed); refusals
// with the same messages as `callpoint config check`, each on its field, and
// nothing written; who may change what; secrets kept when sent back masked;
// deletes of what is still named refused with the list; versions restored
// byte for byte; every apply and restore audited with its diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { SECRET_MASK } from '../src/contracts/values.js';
import { Db } from '../src/store/db.js';
import { cli, freePort, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { Client, type Reply } from './helpers/http.js';
import { written, type Written } from './helpers/written.js';

const PW = { admin: 'copper-valley-beacon-61', tech: 'granite-signal-orchard-5', viewer: 'quiet-harbour-lamp-77' };

const SEED = `# Road tunnel A — cabinet 3. Provisioned by the installer.
site: tunnel-a
node: cabinet-3
dataDir: DATA
http: { host: 127.0.0.1, port: PORT }
freeswitch:
  password: "esl-secret-from-provisioning"   # per-device, never the default
zones:
  - { id: east, name: East bore }
  - { id: control, name: Control room }
plans:
  # The desk first, then the duty phone.
  - id: desk-first
    targets:
      - { extension: "8000", ringS: 20 }
points:
  - id: sos-1
    input: in1
    label: "SOS km 1.2"   # as painted on the cabinet
    zone: east
    plan: desk-first
phones:
  - { number: "8000", name: Dispatch, zone: control, secret: "phone-secret-0123456789" }
log: { level: info }
`;

let d: DaemonHandle;
let baseDir: string;
let seedFile: string;
const clients: Record<keyof typeof PW, Client> = {} as never;

t.before(async () => {
  const dir = (baseDir = t.testdir());
  const port = await freePort();
  seedFile = join(dir, 'seed.yaml');
  writeFileSync(seedFile, SEED.replace('DATA', join(dir, 'data')).replace('PORT', String(port)));
  d = await startDaemon(dir, { configFile: seedFile, port });
  for (const [name, role] of [['admin', 'admin'], ['tech', 'technician'], ['viewer', 'viewer']] as const) {
    const r = await cli(['user', 'add', name, '--role', role, '--password-stdin', '--config', seedFile], { input: `${PW[name]}\n` });
    if (r.code !== 0) throw new Error(r.stderr);
    clients[name] = new Client(d.url);
    await clients[name].login(name, PW[name]);
  }
});
t.teardown(() => d?.stop());

const live = () => join(d.dataDir, 'config.yaml');
const current = async () => (await clients.viewer.get('/api/config')).json as { version: number; config: Record<string, unknown>; pending: unknown[]; file: string };
const put = (c: Client, version: number, config: unknown, reason?: string) => c.req('PUT', '/api/config', { config, ...(reason ? { reason } : {}) }, { 'if-match': `"${version}"` });
const errorsOf = (r: Reply) => (r.json.errors as Array<{ path: string; message: string }>) ?? [];

t.test('the live file is seeded from --config into the data directory, and read with secrets masked', async (t) => {
  t.equal(readFileSync(live(), 'utf8'), readFileSync(seedFile, 'utf8'), 'the live file starts as the seed, byte for byte');
  const res = await clients.viewer.get('/api/config');
  t.equal(res.status, 200);
  const v = res.json as { version: number; config: { freeswitch: { password: string }; phones: Array<{ secret: string }> }; file: string };
  t.equal(res.headers.get('etag'), `"${v.version}"`, 'the ETag is the version');
  t.equal(v.file, live());
  t.equal(v.config.freeswitch.password, SECRET_MASK, 'a secret is shown as set, never its value');
  t.equal(v.config.phones[0]!.secret, SECRET_MASK);
  t.notMatch(JSON.stringify(res.json), /esl-secret|phone-secret/, 'no secret anywhere in the answer');
  const exported = await clients.tech.get('/api/config/export');
  t.equal(exported.headers.get('x-callpoint-secrets'), 'masked');
  t.notMatch(String(exported.body), /esl-secret|phone-secret/, 'a technician’s export has no secret');
  t.match(String(exported.body), /# Road tunnel A/, 'but keeps the comments');
  const exact = await clients.admin.get('/api/config/export');
  t.equal(exact.body, readFileSync(live(), 'utf8'), 'an admin exports the file byte for byte');
});

t.test('an edit keeps the comments and the stored secrets; the file is checked by `config check`', async (t) => {
  const before = await current();
  t.equal((await clients.tech.req('PUT', '/api/config', { config: before.config })).status, 428, 'no If-Match: refused, nothing written');
  const cfg = written(before.config);
  cfg.points[0]!.label = 'SOS km 1.2 east';
  cfg.zones.push({ id: 'west', name: 'West bore' });
  const r = await put(clients.tech, before.version, cfg, 'relabel after the site walk');
  t.equal(r.status, 200, JSON.stringify(r.json));
  const res = r.json as { version: number; diff: Array<{ path: string; op: string }>; applied: Array<{ path: string; how: string }> };
  t.equal(res.version, before.version + 1);
  t.same(res.diff.map((x) => `${x.op} ${x.path}`).sort(), ['added zones[id=west]', 'changed points[id=sos-1].label'], 'the diff per field, entries by id');
  t.ok(res.applied.some((a) => a.path === 'points' && a.how === 'live'), 'points applied live');
  const text = readFileSync(live(), 'utf8');
  for (const comment of ['# Road tunnel A — cabinet 3.', '# per-device, never the default', '# The desk first, then the duty phone.', '# as painted on the cabinet'])
    t.ok(text.includes(comment), `comment kept: ${comment}`);
  t.match(text, /esl-secret-from-provisioning/, 'the masked secret kept its stored value');
  t.match(text, /phone-secret-0123456789/);
  t.match(text, /- \{ id: west, name: West bore \}/, 'a new zone written like its siblings');
  const check = await cli(['config', 'check', live()]);
  t.equal(check.code, 0, check.stderr);
  t.match(check.stdout, /valid/);
});

t.test('invalid input: each problem on its field, in the words of `config check`; nothing written', async (t) => {
  const before = await current();
  const file = readFileSync(live(), 'utf8');
  const scratch = t.testdir();
  const cases: Array<[string, (c: Written) => void, string, RegExp]> = [
    ['wrong type', (c) => (c.http.port = 'eighty' as unknown as number), 'http.port', /expected a number, got "eighty"/],
    ['bad number', (c) => (c.plans[0]!.targets[0]!.ringS = 2), 'plans[0].targets[0].ringS', /5/],
    ['missing plan', (c) => (c.points[0]!.plan = 'nobody'), 'points[0].plan', /no escalation plan "nobody" \(plans: desk-first\)/],
    ['duplicate id', (c) => c.zones.push({ id: 'east' }), 'zones[3].id', /zone id "east" is already used by zones\[0\]/],
  ];
  for (const [what, change, path, message] of cases) {
    const cfg = written(before.config);
    change(cfg);
    const r = await put(clients.admin, before.version, cfg);
    t.equal(r.status, 400, what);
    const e = errorsOf(r).find((x) => x.path === path);
    t.ok(e, `${what}: an error on ${path} (${JSON.stringify(errorsOf(r))})`);
    t.match(e?.message, message, what);
    // The same text `callpoint config check` prints for that file.
    const bad = join(scratch, `${what.replace(/ /g, '-')}.yaml`);
    writeFileSync(bad, stringify({ ...cfg, freeswitch: {}, phones: cfg.phones.map(({ secret: _s, ...p }) => p) }));
    const check = await cli(['config', 'check', bad]);
    t.equal(check.code, 1);
    t.ok(check.stderr.includes(`${path}: ${e?.message}`), `${what}: config check prints the same message`);
  }
  t.equal(readFileSync(live(), 'utf8'), file, 'the file did not change');
  t.equal((await current()).version, before.version, 'no version was made');
  const p = await clients.tech.post('/api/config/preview', { config: { ...before.config, log: { level: 'loud' } } });
  t.equal(p.status, 200);
  t.match(p.json, { errors: [{ path: 'log.level', message: /must be one of/ }] }, 'preview reports the same, changing nothing');
});

t.test('who may change what: technicians the site, admins the uplink and TLS', async (t) => {
  const before = await current();
  const cfg = written(before.config);
  cfg.uplink = { brokers: ['mqtt://127.0.0.1:1'] };
  const r = await put(clients.tech, before.version, cfg);
  t.equal(r.status, 403);
  t.match(errorsOf(r), [{ path: 'uplink', message: /admin/ }]);
  t.equal((await put(clients.viewer, before.version, before.config)).status, 403, 'a viewer changes nothing');
  t.equal((await clients.tech.post('/api/config/import', { text: readFileSync(live(), 'utf8') }, { 'if-match': String(before.version) })).status, 403, 'only an admin imports a whole file');
});

t.test('a stale save gets 409 with what changed meanwhile; nothing is lost', async (t) => {
  const base = await current();
  const first = written(base.config);
  first.phones[0]!.name = 'Dispatch desk';
  t.equal((await put(clients.tech, base.version, first)).status, 200);
  const second = written(base.config);
  second.zones[1]!.name = 'Control room 2';
  const stale = await put(clients.admin, base.version, second);
  t.equal(stale.status, 409);
  t.equal(stale.json.version, base.version + 1);
  t.match(stale.json.diff, [{ path: 'phones[number=8000].name', op: 'changed', before: 'Dispatch', after: 'Dispatch desk' }], 'the other technician’s change, per field');
  // One entry saved again on the new version keeps the other change.
  const again = await clients.admin.req('PUT', '/api/config/entries/zones/control', { entry: { id: 'control', name: 'Control room 2' } }, { 'if-match': String(stale.json.version) });
  t.equal(again.status, 200);
  const text = readFileSync(live(), 'utf8');
  t.match(text, /Dispatch desk/);
  t.match(text, /Control room 2/);
});

t.test('deleting what is still named is refused with the list of what names it', async (t) => {
  const v = (await current()).version;
  const r = await clients.tech.req('DELETE', '/api/config/entries/zones/east', {}, { 'if-match': String(v) });
  t.equal(r.status, 400);
  t.match(errorsOf(r), [{ path: 'zones[id=east]', message: 'cannot be deleted: points[0] (sos-1) refers to it' }]);
  const plan = await clients.tech.req('DELETE', '/api/config/entries/plans/desk-first', {}, { 'if-match': String(v) });
  t.match(errorsOf(plan), [{ path: 'plans[id=desk-first]', message: /points\[0\] \(sos-1\)/ }]);
  const ok = await clients.tech.req('DELETE', '/api/config/entries/zones/west', {}, { 'if-match': String(v) });
  t.equal(ok.status, 200, 'a zone nothing names goes');
  t.notMatch(readFileSync(live(), 'utf8'), /West bore/);
});

t.test('rollback restores an earlier file byte for byte; both changes are audited with their diffs', async (t) => {
  const v0 = (await current()).version;
  const earlier = readFileSync(live(), 'utf8');
  const cfg = written((await current()).config);
  cfg.points[0]!.location = 'km 1.2, east bore, niche 4';
  const changed = await put(clients.tech, v0, cfg, 'niche number');
  t.equal(changed.status, 200);
  t.not(readFileSync(live(), 'utf8'), earlier);
  const list = (await clients.viewer.get('/api/config/versions')).json.versions as Array<{ version: number; username: string; reason: string; current: boolean; ip: string }>;
  t.equal(list[0]!.version, v0 + 1);
  t.match(list[0], { username: 'tech', reason: 'niche number', current: true, ip: /127\.0\.0\.1/ }, 'who, why and from where');
  const preview = await clients.viewer.get(`/api/config/versions/${v0}`);
  t.match(preview.json.diff, [{ path: 'points[id=sos-1].location', before: 'km 1.2, east bore, niche 4' }], 'what restoring would change');
  const r = await clients.tech.post(`/api/config/versions/${v0}/restore`, { reason: 'back to the survey' });
  t.equal(r.status, 200, JSON.stringify(r.json));
  t.equal(readFileSync(live(), 'utf8'), earlier, 'the earlier file, byte for byte');
  const db = await Db.open(join(d.dataDir, 'callpoint.db'), { readonly: true });
  const audit = await db.all<{ action: string; username: string; target: string; detail: string }>("SELECT action, username, target, detail FROM audit_log WHERE action IN ('config.apply', 'config.restore') ORDER BY id DESC LIMIT 2");
  await db.close();
  t.match(audit[1], { action: 'config.apply', username: 'tech', target: `v${v0 + 1}`, detail: /"niche number"; points\[id=sos-1\]\.location: .* → "km 1\.2, east bore, niche 4"/ });
  t.match(audit[0], { action: 'config.restore', username: 'tech', target: `v${v0 + 2}`, detail: new RegExp(`restored version ${v0};.*points\\[id=sos-1\\]\\.location: "km 1\\.2, east bore, niche 4" → `) });
  t.notMatch(JSON.stringify(audit), /esl-secret|phone-secret/, 'no secret in the audit');
});

t.test('a restart runs on the live file, not the seed; a changed seed is taken as a new version', async (t) => {
  const v = (await current()).version;
  const text = readFileSync(live(), 'utf8');
  await d.stop();
  d = await startDaemon(baseDir, { configFile: seedFile, port: d.port });
  for (const [name] of Object.entries(PW)) await clients[name as keyof typeof PW].login(name, PW[name as keyof typeof PW]);
  t.equal((await current()).version, v, 'the same version after a restart');
  t.equal(readFileSync(live(), 'utf8'), text);
  await d.stop();
  writeFileSync(seedFile, readFileSync(seedFile, 'utf8').replace('SOS km 1.2"', 'SOS km 1.2 (reprovisioned)"'));
  d = await startDaemon(baseDir, { configFile: seedFile, port: d.port });
  for (const [name] of Object.entries(PW)) await clients[name as keyof typeof PW].login(name, PW[name as keyof typeof PW]);
  const after = await current();
  t.equal(after.version, v + 1, 'the edited seed is a new version');
  t.match(readFileSync(live(), 'utf8'), /reprovisioned/);
  const list = (await clients.viewer.get('/api/config/versions')).json.versions as Array<{ source: string; reason: string }>;
  t.match(list[0], { source: 'seed', reason: /changed: taken at start/ });
});
