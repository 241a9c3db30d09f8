// Operations an admin or technician does from the UI, through the HTTP API of
// the real daemon (simulation mode): the log viewer, the SIP registrations,
// audit search and its CSV export (in the site's time zone), a backup
// downloaded and uploaded again to restore (staged, applied at the next
// start), and a restart — in the same process by hand, by exiting 75 under
// systemd. Each is audited.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { cli, freePort, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const PW = 'copper-ledger-harbour-83';

async function simDaemon(dir: string, env: NodeJS.ProcessEnv = {}): Promise<DaemonHandle> {
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: 'tunnel-a', node: 'cab-3', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, timeZone: 'Asia/Shanghai',
    points: [{ id: 'sos-1', input: 'in1', label: 'SOS 1', zone: 'z', escalation: { targets: [{ extension: '8000', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }, { number: '1001', name: 'Intercom', zone: 'z' }],
  }));
  for (const [n, role] of [['chief', 'admin'], ['tech', 'technician'], ['view', 'viewer']] as const) {
    const r = await cli(['user', 'add', n, '--role', role, '--password-stdin', '--config', configFile], { input: `${PW}\n` });
    if (r.code) throw new Error(r.stderr);
  }
  return startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1', ...env } });
}

const until = async <T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
};

t.test('logs, registrations, audit search and export', async (t) => {
  const d = await simDaemon(t.testdir());
  t.teardown(() => d.stop());
  const tech = new Client(d.url);
  await tech.login('tech', PW);
  const viewer = new Client(d.url);
  await viewer.login('view', PW);

  // ---- the log viewer: recent lines, by level and namespace, and new ones live ----
  const logs = await tech.get('/api/logs');
  t.equal(logs.status, 200);
  const lines = logs.json.lines as Array<{ seq: number; level: string; ns: string | null; msg: string }>;
  t.ok(lines.some((l) => l.msg === 'Callpoint is up'), 'the start is in the recent lines');
  t.ok((logs.json.namespaces as string[]).includes('daemon'));
  const info = (await tech.get('/api/logs?level=info')).json.lines as typeof lines;
  t.ok(info.some((l) => l.msg === 'Callpoint is up'), 'an info line at level info');
  const warn = (await tech.get('/api/logs?level=warn')).json.lines as typeof lines;
  t.notOk(warn.some((l) => l.msg === 'Callpoint is up'), 'but not at level warn');
  t.ok(warn.every((l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal'), 'at or above a level only');
  const pbx = (await tech.get('/api/logs?ns=pbx')).json.lines as typeof lines;
  t.ok(pbx.length > 0 && pbx.every((l) => l.ns === 'pbx' || l.ns?.startsWith('pbx:')), 'one namespace and those under it');
  t.equal((await viewer.get('/api/logs')).status, 403, 'viewers do not read the log');
  t.equal((await tech.get('/api/logs?level=loud')).status, 400, 'a bad filter is refused, named');
  const ctl = new AbortController();
  const stream = await fetch(`${d.url}/api/logs/stream?ns=alarms:self-test`, { headers: { cookie: `${tech.cookieName}=${tech.cookie}` }, signal: ctl.signal });
  const reader: ReadableStreamDefaultReader<Uint8Array> = stream.body!.getReader();
  await new Client(d.url).login('chief', 'not-the-password'); // a refused login: audited, and its password nowhere
  await tech.post('/api/points/sos-1/test'); // logs "self-test alarm sent"
  let got = '';
  for (const end = Date.now() + 10_000; !/event: log/.test(got) && Date.now() < end; ) got += new TextDecoder().decode((await reader.read()).value);
  ctl.abort();
  t.match(got, /event: log\ndata: \{.*"ns":"alarms:self-test"/, 'a new line arrives live, filtered');
  t.notMatch(got, /not-the-password/, 'and no password in it');

  // ---- SIP registrations: the emulator's phones, as FreeSWITCH reports them ----
  const regs = await until(() => tech.get('/api/registrations'), (r) => r.json.connected === true);
  t.equal(regs.status, 200);
  t.match(regs.json, {
    connected: true,
    registrations: [{ user: '1001', contact: 'sip:1001@127.0.0.1:5072', profile: 'internal', ip: '127.0.0.1', port: 5072, transport: 'udp' }, { user: '8000' }],
    phones: [{ number: '8000', name: 'Dispatch', registered: true }, { number: '1001', registered: true }],
  }, 'who is registered, from where, over what');
  const r0 = (regs.json.registrations as Array<{ seenSince: string; expiresAt: string }>)[0]!;
  t.ok(Date.parse(r0.expiresAt) > Date.now(), 'expiring in the future');
  const again = await tech.get('/api/registrations');
  t.equal((again.json.registrations as Array<{ seenSince: string }>)[0]!.seenSince, r0.seenSince, '"seen since" holds while the registration does');
  t.equal((await viewer.get('/api/registrations')).status, 403);

  // ---- audit search and CSV export ----
  const byAction = (await tech.get('/api/audit?action=point')).json.entries as Array<{ action: string }>;
  t.ok(byAction.length >= 1 && byAction.every((e) => e.action.startsWith('point.')), 'a group of actions');
  const byText = (await tech.get('/api/audit?q=not-the')).json.entries as Array<{ action: string; username: string }>;
  t.same(byText, [], 'text that is nowhere finds nothing (and the password is not in the log)');
  const failed = (await tech.get('/api/audit?outcome=failed&action=login')).json.entries as Array<{ outcome: string; username: string }>;
  t.match(failed, [{ outcome: 'failed', username: 'chief' }], 'the failed login, by outcome and action');
  t.equal((await tech.get('/api/audit?outcome=maybe')).status, 400);
  const csv = await fetch(`${d.url}/api/audit.csv?action=login`, { headers: { cookie: `${tech.cookieName}=${tech.cookie}` } });
  t.equal(csv.status, 200);
  t.match(csv.headers.get('content-disposition'), /attachment; filename="audit-tunnel-a-\d{4}-\d\d-\d\d_\d{6}\+0800\.csv"/, 'named with the site and its local time');
  const rows = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
  t.equal(rows[0], 'id,time,user,role,address,action,target,outcome,detail');
  t.ok(rows.length >= 3, `the logins (${rows.length - 1})`);
  t.match(rows[1], /^\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00,/, 'times in the site’s zone with the offset');
  const calls = await fetch(`${d.url}/api/calls.csv`, { headers: { cookie: `${tech.cookieName}=${tech.cookie}` } });
  t.match(calls.headers.get('content-disposition'), /filename="calls-tunnel-a-.*\+0800\.csv"/, 'the calls export too');
  t.ok((await tech.get('/api/audit?action=audit.export')).json.entries, 'taking a copy of the log is itself audited');
  t.equal(((await tech.get('/api/audit?action=audit.export')).json.entries as unknown[]).length, 1);
});

t.test('backup, restore staged and applied at a restart in the same process; restart audited', async (t) => {
  const dir = t.testdir();
  const d = await simDaemon(dir);
  t.teardown(() => d.stop());
  const admin = new Client(d.url);
  await admin.login('chief', PW);
  const tech = new Client(d.url);
  await tech.login('tech', PW);

  t.equal((await tech.get('/api/backup')).status, 403, 'only admins take backups');
  const dl = await fetch(`${d.url}/api/backup`, { headers: { cookie: `${admin.cookieName}=${admin.cookie}` } });
  t.equal(dl.status, 200);
  t.match(dl.headers.get('content-disposition'), /attachment; filename="callpoint-tunnel-a-cab-3-\d{4}-\d\d-\d\d_\d{6}\+0800\.tar"/);
  const backup = Buffer.from(await dl.arrayBuffer());
  t.ok(backup.length > 10_000, `a tar of ${backup.length} bytes`);

  // After the backup: a user added. Restoring must take the database back to before it.
  t.equal((await admin.post('/api/users', { username: 'later', password: PW, role: 'viewer' })).status, 201);
  const upload = (body: Uint8Array, type = 'application/octet-stream') =>
    fetch(`${d.url}/api/backup/restore`, { method: 'POST', body, headers: { 'content-type': type, cookie: `${admin.cookieName}=${admin.cookie}`, 'x-csrf-token': admin.csrf! } });
  const bad = await upload(Buffer.from('not a backup at all'));
  t.equal(bad.status, 400, 'a file that is not a backup is refused');
  t.match(((await bad.json()) as { error: string }).error, /not restored: .*nothing was changed/);
  t.equal((await admin.get('/api/maintenance')).json.pendingRestore, null, 'and nothing is staged');
  const staged = await upload(backup);
  t.equal(staged.status, 202, 'a good backup is staged');
  t.match(await staged.json(), { restartNeeded: true, staged: { by: 'chief', manifest: { site: 'tunnel-a', node: 'cab-3' } } });
  t.match((await admin.get('/api/maintenance')).json, { pendingRestore: { by: 'chief' }, supervised: false });
  t.equal(((await admin.get('/api/users')).json.users as unknown[]).length, 4, 'not applied under the running daemon');

  // A restart: by hand (not under systemd) the daemon stops and starts again in this process.
  t.equal((await tech.post('/api/daemon/restart', {})).status, 403, 'only admins restart');
  const restart = await admin.post('/api/daemon/restart', { reason: 'restore the backup' });
  t.equal(restart.status, 202);
  t.match(restart.json, { restarting: true, supervised: false });
  const ups = () => d.lines.filter((l) => l.msg === 'Callpoint is up').length;
  await until(async () => ups(), (n) => n >= 2, 30_000);
  t.equal(ups(), 2, 'up again, in the same process');
  t.equal(d.proc.exitCode, null, 'the process did not exit');
  t.ok(d.lines.some((l) => l.msg === 'restored the backup uploaded in the admin UI'), 'the staged backup applied at the start');
  const after = new Client(d.url);
  await until(() => after.login('chief', PW).catch(() => ({ status: 0 })), (r) => r.status === 200);
  const users = ((await after.get('/api/users')).json.users as Array<{ username: string }>).map((u) => u.username).sort();
  t.same(users, ['chief', 'tech', 'view'], 'the database is the one of the backup: the later user is gone');
  t.equal((await after.get('/api/maintenance')).json.pendingRestore, null, 'nothing staged any more');
  const audit = (await after.get('/api/audit?action=backup')).json.entries as Array<{ action: string; username: string; outcome: string }>;
  t.match(audit, [{ action: 'backup.restore', username: 'system', outcome: 'ok' }], 'the restore at start is audited (the database before it held the upload and the restart)');
});

t.test('under systemd a restart is an exit with status 75, for systemd to start the daemon again', async (t) => {
  const d = await simDaemon(t.testdir(), { INVOCATION_ID: 'test-invocation' });
  t.teardown(() => d.stop());
  const admin = new Client(d.url);
  await admin.login('chief', PW);
  t.match((await admin.post('/api/daemon/restart', {})).json, { restarting: true, supervised: true });
  t.equal(await d.exited, 75, 'exit status 75 (RestartForceExitStatus in the unit)');
  t.ok(d.lines.some((l) => l.msg === 'restarting: exiting for systemd to start the daemon again'));
});
