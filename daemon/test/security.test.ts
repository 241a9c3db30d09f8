// The admin API's security, end to end against the real daemon: who may call
// what, CSRF and cross-site refusal, login slowing and audit, cookies, and no
// plain-text password anywhere.
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { routeTable } from '../src/api/app.js';
import type { ApiDeps, RouteDef } from '../src/api/route.js';
import { Db } from '../src/store/db.js';
import { cli, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const ADMIN_PW = 'orange-ladder-tunnel-42';
const VIEWER_PW = 'quiet-harbour-lamp-77';
const routes = routeTable({} as ApiDeps);
const concrete = (r: RouteDef) => r.path.replace(':username', 'someone').replace(':key', 'ui.note').replace(':extension', '8001');

let d: DaemonHandle;
t.before(async () => {
  const dir = t.testdir();
  d = await startDaemon(dir);
  for (const [name, role, pw] of [['alice', 'admin', ADMIN_PW], ['victor', 'viewer', VIEWER_PW]] as const) {
    const r = await cli(['user', 'add', name, '--role', role, '--password-stdin', '--config', d.configFile], { input: `${pw}\n` });
    if (r.code !== 0) throw new Error(r.stderr);
  }
});
t.teardown(() => d?.stop());

t.test('logged out: every route but health, login and setup answers 401', async (t) => {
  const c = new Client(d.url);
  for (const r of routes) {
    // Under the per-address rate without a session (20 a second): past it the answer is 429, not the one looked at.
    await new Promise((ok) => setTimeout(ok, 60));
    const res = await c.req(r.method.toUpperCase(), concrete(r), r.method === 'get' ? undefined : {});
    if (r.access === 'public') t.not(res.json.error, 'not logged in', `${r.method} ${r.path} is public`);
    else t.equal(res.status, 401, `${r.method} ${r.path}`);
  }
  t.equal((await c.get('/api/no-such-thing')).status, 401, 'unknown API paths reveal nothing');
  t.same(routes.filter((r) => r.access === 'public').map((r) => r.path).sort(), ['/api/health', '/api/login', '/api/setup']);
});

t.test('a viewer gets 403 on every mutating route that is not about their own session', async (t) => {
  const c = new Client(d.url);
  t.equal((await c.login('victor', VIEWER_PW)).status, 200);
  for (const r of routes.filter((r) => r.method !== 'get' && r.access !== 'public' && r.access !== 'session')) {
    await new Promise((ok) => setTimeout(ok, 60));
    const res = await c.req(r.method.toUpperCase(), concrete(r), {});
    t.equal(res.status, 403, `${r.method} ${r.path}`);
  }
  t.equal((await c.get('/api/users')).status, 403, 'reading users is for admins');
  t.equal((await c.get('/api/health')).status, 200);
  const admin = new Client(d.url);
  await admin.login('alice', ADMIN_PW);
  const audit = (await admin.get('/api/audit?limit=200')).json.entries as Array<{ username: string; outcome: string; action: string }>;
  t.ok(audit.some((e) => e.username === 'victor' && e.outcome === 'denied' && e.action === 'user.add'), 'the refusal is audited with who and what');
});

t.test('session cookie attributes; logout ends the session', async (t) => {
  const res = await fetch(`${d.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: ADMIN_PW }) });
  const cookie = res.headers.get('set-cookie') ?? '';
  t.match(cookie, /^callpoint=[A-Za-z0-9_-]{40,};/);
  t.match(cookie, /HttpOnly/);
  t.match(cookie, /SameSite=Strict/);
  t.match(cookie, /Path=\//);
  t.notMatch(cookie, /Secure/, 'plain HTTP: not Secure (and so not __Host-)');
  const c = new Client(d.url);
  await c.login('alice', ADMIN_PW);
  t.equal((await c.get('/api/session')).status, 200);
  const token = c.cookie;
  t.equal((await c.post('/api/logout')).status, 204);
  c.cookie = token;
  t.equal((await c.get('/api/session')).status, 401, 'the old cookie is dead after logout');
});

t.test('CSRF: a mutating request needs the token and must not come from another site', async (t) => {
  const c = new Client(d.url);
  await c.login('alice', ADMIN_PW);
  const version = String((await c.get('/api/config')).json.version);
  const body = { entry: { id: 'csrf-zone', name: 'A zone' } };
  const put = (headers: Record<string, string>) => c.req('PUT', '/api/config/entries/zones/csrf-zone', body, { 'if-match': version, ...headers });
  t.equal((await put({ 'x-csrf-token': 'wrong' })).status, 403, 'wrong token');
  const noToken = await fetch(`${d.url}/api/config/entries/zones/csrf-zone`, { method: 'PUT', headers: { cookie: `callpoint=${c.cookie}`, 'content-type': 'application/json', 'if-match': version }, body: JSON.stringify(body) });
  t.equal(noToken.status, 403, 'no token');
  t.equal((await put({ origin: 'http://evil.example' })).status, 403, 'cross-site Origin, even with the token');
  t.equal((await put({ 'sec-fetch-site': 'cross-site' })).status, 403, 'Sec-Fetch-Site: cross-site');
  t.equal((await c.post('/api/login', { username: 'alice', password: ADMIN_PW }, { origin: 'http://evil.example' })).status, 403, 'cross-site login');
  t.equal((await put({ origin: d.url, 'sec-fetch-site': 'same-origin' })).status, 200, 'same origin with token works');
});

t.test('the Origin check compares scheme, host and port', async (t) => {
  const c = new Client(d.url);
  await c.login('alice', ADMIN_PW);
  const put = (origin: string) => c.req('POST', '/api/users/alice/unlock', { value: 2 }, { origin }).then((r) => r.status);
  t.equal(await put(d.url), 200, 'the very origin');
  t.equal(await put(`http://127.0.0.1:${d.port}/`), 200, 'a trailing slash is the same origin');
  t.equal(await put(`https://127.0.0.1:${d.port}`), 403, 'another scheme on the same host and port');
  t.equal(await put(`http://127.0.0.1:${d.port + 1}`), 403, 'another port');
  t.equal(await put('http://127.0.0.1'), 403, 'no port: port 80, another origin');
  t.equal(await put(`http://localhost:${d.port}`), 403, 'another host name');
  t.equal(await put('null'), 403, 'an opaque origin (a sandboxed frame, a file)');
});

t.test('bodies that are not JSON objects are the client’s mistake: 400/413/415, never 500', async (t) => {
  const c = new Client(d.url);
  await c.login('alice', ADMIN_PW);
  const raw = (body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${d.url}/api/users/alice/unlock`, { method: 'POST', headers: { cookie: `callpoint=${c.cookie}`, 'x-csrf-token': c.csrf!, ...headers }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: string } }));
  const json = { 'content-type': 'application/json' };
  t.match(await raw('{"value":1}', { 'content-type': 'application/json; charset=bogus' }), { status: 415, body: { error: /unsupported charset/ } }, 'charset=bogus');
  t.match(await raw(Buffer.from('{"value":1}', 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' }), { status: 415, body: { error: /charset "utf-16le": send JSON in UTF-8/ } }, 'UTF-16');
  t.match(await raw('{"value":1}', { ...json, 'content-encoding': 'x-compress-9000' }), { status: 415, body: { error: /unsupported Content-Encoding "x-compress-9000"/ } }, 'an unknown Content-Encoding');
  t.match(await raw('not gzip at all', { ...json, 'content-encoding': 'gzip' }), { status: 400 }, 'gzip that is not');
  for (const [body, what] of [['"a string"', 'a string'], ['42', 'a number'], ['null', 'null'], ['[1,2]', 'an array'], ['true', 'a boolean']] as const)
    t.match(await raw(body, json), { status: 400, body: { error: `the request body must be a JSON object, not ${what}` } }, `top-level ${what}`);
  const deep = `{"value":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
  t.match(await raw(deep, json), { status: 400, body: { error: /nested too deeply \(at most 32 levels\)/ } }, '20,000 levels of nesting');
  t.match(await raw(`{"value":"${'['.repeat(1000)}"}`, json), { status: 200 }, 'brackets inside a string are text, not nesting');
  t.match(await raw('{"value":', json), { status: 400, body: { error: 'the request body is not valid JSON' } });
  t.match(await raw(`{"value":"${'x'.repeat(70_000)}"}`, json), { status: 413 });
  // A body cut off before its announced length: the connection closes; the daemon logs no error.
  await new Promise<void>((resolve) => {
    const s = connect(d.port, '127.0.0.1', () => {
      s.write(`POST /api/users/alice/unlock HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\ncookie: callpoint=${c.cookie}\r\nx-csrf-token: ${c.csrf}\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"value":`);
      setTimeout(() => s.destroy(), 200);
    });
    s.on('close', () => resolve());
  });
  await new Promise((r) => setTimeout(r, 300));
  const errors = d.lines.filter((l) => l.ns?.startsWith('api') && (l.level === 'error' || l.level === 'fatal'));
  t.same(errors.map((l) => l.msg), [], 'nothing at error level in the API’s log');
  t.equal((await c.get('/api/session')).status, 200, 'still serving');
});

t.test('OPTIONS on an API path tells a stranger nothing more than any other path', async (t) => {
  const anon = (method: string, path: string) => fetch(`${d.url}${path}`, { method }).then(async (r) => ({ status: r.status, allow: r.headers.get('allow'), body: await r.text() }));
  const unknown = await anon('GET', '/api/no-such-thing');
  for (const path of ['/api/users', '/api/login', '/api/health', '/api/alarms', '/api/no-such-thing']) {
    const o = await anon('OPTIONS', path);
    t.same({ status: o.status, allow: o.allow, body: o.body }, { status: unknown.status, allow: null, body: unknown.body }, `OPTIONS ${path} is answered as an unknown path`);
  }
});

t.test('security headers', async (t) => {
  const res = await fetch(`${d.url}/api/health`);
  t.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  t.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  t.equal(res.headers.get('x-content-type-options'), 'nosniff');
  t.equal(res.headers.get('referrer-policy'), 'no-referrer');
  t.equal(res.headers.get('x-powered-by'), null);
  // /api/health is answered before express (for speed): it must carry the very same headers.
  const other = await fetch(`${d.url}/api/users`);
  for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'cross-origin-opener-policy', 'strict-transport-security'])
    t.equal(res.headers.get(h), other.headers.get(h), `${h} the same on the fast path`);
});

t.test('repeated bad passwords are slowed, then the account locks; all audited', async (t) => {
  const add = await cli(['user', 'add', 'mallory-target', '--role', 'technician', '--password-stdin', '--config', d.configFile], { input: 'silver-kettle-morning-9\n' });
  t.equal(add.code, 0, add.stderr);
  // Logged in before the attack: the per-address throttle would slow this client too.
  const admin = new Client(d.url);
  t.equal((await admin.login('alice', ADMIN_PW)).status, 200);
  const c = new Client(d.url);
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await c.login('mallory-target', `wrong-guess-${i}`)).status);
  t.same(statuses.slice(0, 5), [401, 401, 401, 401, 401], 'the first failures are plain refusals');
  t.ok(statuses.slice(5).every((s) => s === 429), `then throttled (${statuses.join(',')})`);
  const throttled = await c.login('mallory-target', 'silver-kettle-morning-9');
  t.equal(throttled.status, 429, 'even the right password waits while locked');
  t.ok(Number(throttled.headers.get('retry-after')) > 0, 'Retry-After tells how long');
  const entries = (await admin.get('/api/audit?limit=500')).json.entries as Array<{ action: string; target: string | null; username: string | null; outcome: string; ip: string; detail: string }>;
  const mine = entries.filter((e) => e.action === 'login' && (e.target === 'mallory-target' || e.username === 'mallory-target'));
  t.ok(mine.filter((e) => e.outcome === 'failed').length >= 5, 'each failure audited');
  t.ok(mine.some((e) => e.outcome === 'denied'), 'throttled attempts audited as denied');
  t.ok(mine.every((e) => e.ip === '127.0.0.1'), 'with the address');
  t.ok(mine.some((e) => /locked/.test(e.detail ?? '')), 'the lock is named');
});

t.test('parallel guesses are counted one by one', async (t) => {
  // A daemon of its own: no earlier failure from this address counts here.
  const own = await startDaemon(t.testdir());
  t.teardown(() => own.stop());
  const add = await cli(['user', 'add', 'parallel-target', '--role', 'viewer', '--password-stdin', '--config', own.configFile], { input: 'amber-window-garden-6\n' });
  t.equal(add.code, 0, add.stderr);
  const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    fetch(`${own.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'parallel-target', password: `guess-${i}` }) }).then((r) => r.status),
  ));
  t.equal(guesses.filter((s) => s === 401).length, 5, `exactly 5 guesses were checked before the lock (${guesses.join(',')})`);
  t.ok(guesses.filter((s) => s === 429).length >= 7, 'the rest were refused as throttled');
});

t.test('no plain-text password anywhere; the hash shows its parameters', async (t) => {
  await d.stop();
  const db = await Db.open(join(d.dataDir, 'callpoint.db'), { readonly: true });
  const rows = await db.all<{ username: string; password_hash: string }>('SELECT username, password_hash FROM users');
  await db.close();
  for (const r of rows) t.match(r.password_hash, /^scrypt\$65536\$8\$2\$[A-Za-z0-9+/=]{20,}\$[A-Za-z0-9+/=]{40,}$/, r.username);
  const files = readdirSync(d.dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const blobs = files.map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'));
  blobs.push(d.stdout(), d.stderr());
  for (const pw of [ADMIN_PW, VIEWER_PW, 'silver-kettle-morning-9']) t.notOk(blobs.some((b) => b.includes(pw)), `"${pw}" is in no file and no log`);
  t.equal(d.proc.exitCode, 0, 'clean shutdown on SIGTERM');
});
