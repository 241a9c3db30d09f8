// Login throttling that cannot lock the owner out (OWASP ASVS V2.2.1), end to
// end against the real daemon. Many client addresses come through a trusted
// proxy's X-Forwarded-For (http.trustProxy), as they would behind nginx.
import t from 'tap';
import { cli, freePort, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const OWNER_PW = 'walnut-signal-river-58';
const ADMIN_PW = 'lilac-compass-engine-31';

let d: DaemonHandle;
t.before(async () => {
  const port = await freePort();
  d = await startDaemon(t.testdir(), { port, extra: { http: { host: '127.0.0.1', port, trustProxy: true } } });
  for (const [name, role, pw] of [['owner', 'technician', OWNER_PW], ['boss', 'admin', ADMIN_PW]] as const) {
    const r = await cli(['user', 'add', name, '--role', role, '--password-stdin', '--config', d.configFile], { input: `${pw}\n` });
    if (r.code !== 0) throw new Error(r.stderr);
  }
});
t.teardown(() => d?.stop());

/** One login attempt from `address`: what the client sees. */
async function attempt(address: string, username: string, password: string) {
  const res = await fetch(`${d.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ username, password }) });
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') };
}

t.test('unknown and locked accounts answer alike, attempt for attempt', async (t) => {
  const real = [];
  const unknown = [];
  for (let i = 0; i < 8; i++) {
    real.push(await attempt('10.1.0.1', 'owner', `wrong-${i}`));
    unknown.push(await attempt('10.1.0.2', 'nobody-by-that-name', `wrong-${i}`));
  }
  t.same(real.map((r) => r.status), [401, 401, 401, 401, 401, 429, 429, 429], 'five refusals, then throttled');
  // The wait counts down and depends on when each attempt came (a password check takes a while on a
  // busy machine): the answers are compared without it, and it is there whenever one is throttled.
  const shape = (r: { status: number; body: string; retryAfter: string | null }) => {
    const { retryAfterS, ...rest } = JSON.parse(r.body) as { retryAfterS?: number };
    return { status: r.status, body: rest, waits: retryAfterS !== undefined && retryAfterS > 0 && Number(r.retryAfter) === retryAfterS };
  };
  t.same(unknown.map(shape), real.map(shape), 'status, text and the presence of a wait identical for a real and an unknown name');
  t.same(real.slice(5).map(shape), Array(3).fill({ status: 429, body: { error: 'too many failed attempts; wait before trying again' }, waits: true }));
  t.equal((await attempt('10.1.0.1', 'owner', OWNER_PW)).status, 429, 'the locked address waits even with the right password');
});

t.test('during an attack from many addresses the owner still gets in from a new one; an admin and the CLI clear locks', async (t) => {
  // 30 addresses, 3 wrong guesses each: 90 failures on one name from everywhere.
  const attackers = Array.from({ length: 30 }, (_, i) => `10.2.0.${i + 1}`);
  const statuses: number[] = [];
  for (let round = 0; round < 3; round++) for (const a of attackers) statuses.push((await attempt(a, 'owner', `guess-${round}-${a}`)).status);
  // Round r's statuses are statuses[r * 30 + i] for attacker i: none gets its three guesses checked.
  const checkedPerAddress = attackers.map((_, i) => [0, 1, 2].filter((round) => statuses[round * 30 + i] === 401).length);
  t.ok(checkedPerAddress.every((n) => n <= 2), `the name is under attack: each address is locked out of it after at most one more try (${statuses.filter((s) => s === 401).length} checked, ${statuses.filter((s) => s === 429).length} throttled)`);
  t.equal((await attempt(attackers[0]!, 'owner', OWNER_PW)).status, 429, 'an attacking address does not get in even with the right password');

  const owner = await attempt('192.168.7.20', 'owner', OWNER_PW);
  t.equal(owner.status, 200, 'the owner, from an address that has not failed, gets in during the attack');
  t.equal((await attempt('192.168.7.20', 'owner', OWNER_PW)).status, 200, 'and again');

  // The global slow-down: a new address gets its one try checked, then waits.
  t.equal((await attempt('10.3.0.1', 'owner', 'one-more-guess')).status, 401, 'a new attacking address gets one check');
  t.equal((await attempt('10.3.0.1', 'owner', 'second-guess')).status, 429, '…and is locked out of the name at once while it is under attack');

  const admin = new Client(d.url);
  t.equal((await admin.req('POST', '/api/login', { username: 'boss', password: ADMIN_PW }, { 'x-forwarded-for': '192.168.7.1' })).status, 200);
  const users = (await admin.get('/api/users')).json.users as Array<{ username: string; locked: boolean }>;
  t.match(users.find((u) => u.username === 'owner'), { locked: true }, 'the user list shows the name as locked (from some addresses)');
  const unlock = await admin.post('/api/users/owner/unlock');
  t.equal(unlock.status, 200);
  t.ok((unlock.json.addresses as number) >= 30, `every locked address released (${String(unlock.json.addresses)})`);
  t.equal((await attempt(attackers[5]!, 'owner', OWNER_PW)).status, 200, 'after the admin cleared the locks, a formerly locked address gets in with the right password');
  t.equal((await admin.post('/api/users/nobody-here/unlock')).status, 404);
  const audit = (await admin.get('/api/audit?limit=50')).json.entries as Array<{ action: string; target: string; username: string; outcome: string }>;
  t.ok(audit.some((e) => e.action === 'user.unlock' && e.target === 'owner' && e.username === 'boss' && e.outcome === 'ok'), 'the unlock is audited');

  // The CLI, beside the running daemon (offline works the same: it is the database).
  for (let i = 0; i < 5; i++) await attempt('10.4.0.1', 'owner', `x-${i}`);
  t.equal((await attempt('10.4.0.1', 'owner', OWNER_PW)).status, 429, 'locked again');
  const r = await cli(['user', 'unlock', 'owner', '--config', d.configFile]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^owner unlocked: \d+ address/);
  // The per-address throttle is the daemon's own memory: this address must wait its (short) delay first.
  let status = 429;
  for (let i = 0; i < 40 && status === 429; i++) {
    status = (await attempt('10.4.0.1', 'owner', OWNER_PW)).status;
    if (status === 429) await new Promise((res) => setTimeout(res, 250));
  }
  t.equal(status, 200, 'after `callpoint user unlock` the address gets in');
});
