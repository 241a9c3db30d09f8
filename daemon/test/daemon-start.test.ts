// Starting and stopping the daemon: refusal with a clear reason and no stack
// trace, a clean bounded shutdown, health as in the contract.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { freePort, startDaemon, writeConfig } from './helpers/daemon.js';

const noStack = /\n\s+at .+:\d+:\d+/;

t.test('an invalid configuration: exit 1, every problem named, no stack trace', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'site: a\nnode: b\nhttp:\n  port: high\nmystery: 1\n');
  const d = await startDaemon(dir, { configFile: file, waitUp: false });
  t.equal(await d.exited, 1);
  t.match(d.stderr(), `refusing to start: ${file}: 2 problems`);
  t.match(d.stderr(), `${file}:4: http.port: expected a number, got "high"`);
  t.match(d.stderr(), `${file}:5: mystery: unknown key`);
  t.notMatch(d.stderr() + d.stdout(), noStack);
});

t.test('a YAML syntax error or a missing file: exit 1 with the reason', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'site: a\nnode: [b\n');
  const d = await startDaemon(dir, { configFile: file, waitUp: false });
  t.equal(await d.exited, 1);
  t.match(d.stderr(), /YAML syntax error/);
  const m = await startDaemon(dir, { configFile: join(dir, 'absent.yaml'), waitUp: false });
  t.equal(await m.exited, 1);
  t.match(m.stderr(), /absent\.yaml: cannot read the configuration file: no such file/);
  t.notMatch(d.stderr() + m.stderr(), noStack);
});

t.test('an unwritable data directory: exit 1 naming it and why', async (t) => {
  const dir = t.testdir({ 'a-file': 'not a directory' });
  const port = await freePort();
  const file = await writeConfig(dir, port, { dataDir: join(dir, 'a-file', 'data') });
  const d = await startDaemon(dir, { configFile: file, waitUp: false });
  t.equal(await d.exited, 1);
  t.match(d.stdout() + d.stderr(), /the data directory .*a-file\/data is not writable: a path component is not a directory/);
  t.notMatch(d.stderr() + d.stdout(), noStack);
});

t.test('the port taken: exit 1 saying so', async (t) => {
  const first = await startDaemon(t.testdir());
  // Another data directory (t.testdir() is one per test): only the port is shared.
  const dir2 = join(t.testdir(), 'second');
  mkdirSync(dir2);
  const second = await startDaemon(dir2, { configFile: await writeConfig(dir2, first.port), waitUp: false });
  t.equal(await second.exited, 1);
  t.match(second.stdout() + second.stderr(), new RegExp(`port ${first.port} on 127.0.0.1 is already in use`));
  await first.stop();
});

t.test('health as in the contract; SIGTERM stops cleanly', async (t) => {
  const d = await startDaemon(t.testdir());
  const res = await fetch(`${d.url}/api/health`);
  t.equal(res.status, 200);
  const h = (await res.json()) as Record<string, unknown>;
  t.match(h, { status: /^(ok|degraded|down)$/, version: String, uptimeS: Number, components: { freeswitch: { status: String, detail: String }, uplink: Object, store: { status: 'ok' }, hardware: Object, gsm: Object }, system: Object });
  t.ok(['cpuLoad', 'memUsedPct', 'diskFreePct', 'tempC'].every((k) => k in (h.system as object)));
  t.notMatch(JSON.stringify(h), /password|secret|token/i, 'no secrets');
  const t0 = Date.now();
  t.equal(await d.stop('SIGTERM'), 0, 'exit 0');
  t.ok(Date.now() - t0 < 10_000, 'within the stop bound');
  t.ok(d.lines.some((l) => l.msg === 'stopping'));
});

t.test('a second daemon on the same data directory is refused', async (t) => {
  const dir = t.testdir();
  const first = await startDaemon(dir);
  const second = await startDaemon(dir, { configFile: await writeConfig(dir, await freePort()), waitUp: false });
  t.equal(await second.exited, 1);
  t.match(second.stdout() + second.stderr(), new RegExp(`in use by a running Callpoint daemon \\(pid ${first.proc.pid}\\)`));
  // The pid file only names the holder; the lock is the kernel's: without the file, still refused.
  rmSync(join(first.dataDir, 'daemon.pid'));
  const third = await startDaemon(dir, { configFile: await writeConfig(dir, await freePort()), waitUp: false });
  t.equal(await third.exited, 1, 'refused without the pid file too');
  t.match(third.stdout() + third.stderr(), /in use by a running Callpoint daemon or a restore/);
  await first.stop();
});
