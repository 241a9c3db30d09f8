// systemd integration: READY=1 once serving, WATCHDOG=1 at half the interval
// while healthy, STOPPING=1 on SIGTERM — over a real AF_UNIX datagram socket
// standing in for systemd's.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startDaemon } from './helpers/daemon.js';

interface Sock {
  bind(path: string): void;
  on(ev: 'message', fn: (buf: Buffer) => void): void;
  on(ev: 'error' | 'listening', fn: (e?: Error) => void): void;
  close(): void;
}
const unix = createRequire(import.meta.url)('unix-dgram') as { createSocket(t: 'unix_dgram'): Sock };

t.test('READY, WATCHDOG and STOPPING reach the notify socket', async (t) => {
  const dir = t.testdir();
  // sun_path holds 107 bytes: keep the socket out of the long fixture path.
  const sockDir = mkdtempSync(join(tmpdir(), 'cp-notify-'));
  const path = join(sockDir, 'notify.sock');
  const got: Array<{ at: number; msg: string }> = [];
  const sock = unix.createSocket('unix_dgram');
  t.teardown(() => {
    sock.close();
    rmSync(sockDir, { recursive: true, force: true });
  });
  sock.on('message', (buf) => got.push({ at: Date.now(), msg: buf.toString() }));
  sock.bind(path);

  const d = await startDaemon(dir, { env: { NOTIFY_SOCKET: path, WATCHDOG_USEC: '1000000' } });
  await new Promise((r) => setTimeout(r, 2200));
  const ready = got.find((g) => g.msg.startsWith('READY=1'));
  t.ok(ready, 'READY=1 sent');
  t.match(ready?.msg, /STATUS=serving on http:\/\/127\.0\.0\.1:\d+/);
  t.match(ready?.msg, new RegExp(`MAINPID=${d.proc.pid}`));
  const res = await fetch(`${d.url}/api/health`);
  t.equal(res.status, 200, 'serving by the time READY was received');
  const pings = got.filter((g) => g.msg === 'WATCHDOG=1');
  t.ok(pings.length >= 3, `WATCHDOG=1 about every 500 ms (${pings.length} in 2.2 s)`);
  for (let i = 1; i < pings.length; i++) t.ok(pings[i]!.at - pings[i - 1]!.at < 900, 'never more than the interval apart');
  t.equal(await d.stop('SIGTERM'), 0);
  t.ok(got.some((g) => g.msg === 'STOPPING=1'), 'STOPPING=1 sent');
});

t.test('the watchdog goes silent when the event loop stalls', async (t) => {
  const { Watchdog } = await import('../src/lifecycle/watchdog.js');
  const sent: string[] = [];
  const pino = (await import('pino')).default;
  const log = pino({ level: 'silent' });
  const wd = new Watchdog({ enabled: true, watchdogMs: 400, send: async (s) => void sent.push(s), close: () => undefined }, { storeAlive: async () => true }, log);
  wd.start();
  await new Promise((r) => setTimeout(r, 500));
  const before = sent.length;
  t.ok(before >= 1, 'pings while healthy');
  const end = Date.now() + 600;
  while (Date.now() < end) { /* a stalled event loop */ }
  // The tick that was due during the stall runs now, sees the lag and stays silent.
  await new Promise((r) => setTimeout(r, 30));
  t.equal(sent.length, before, 'no ping for the stalled interval');
  await new Promise((r) => setTimeout(r, 450));
  t.ok(sent.length > before, 'pings resume once the loop is healthy again');
  let storeOk = true;
  const wd2 = new Watchdog({ enabled: true, watchdogMs: 200, send: async (s) => void sent.push(s), close: () => undefined }, { storeAlive: async () => storeOk }, log);
  wd.stop();
  storeOk = false;
  const n = sent.length;
  wd2.start();
  await new Promise((r) => setTimeout(r, 450));
  t.equal(sent.length, n, 'no ping while the store does not answer');
  wd2.stop();
});
