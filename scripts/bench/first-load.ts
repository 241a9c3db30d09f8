// `make bench` (web UI): the bytes a browser receives the first time someone
// opens the admin UI — an empty cache, the login page, signing in, the
// dashboard drawn and its lists loaded — as Chromium counts them on the wire
// (headers and encoded bodies; the event stream up to that point too). The
// compiled daemon serves the built UI as it would on a board.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freePort } from '../../daemon/test/helpers/daemon.js';
import { toolPath } from '../../daemon/test/helpers/tools.js';
import { CHROMIUM_ARGS } from '../../web-ui/test/helpers/browser.js';
import type { Figure } from './gateway.js';
import { UNIT_NODE_FLAGS } from '../../daemon/test/helpers/unit-flags.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'daemon', 'bin', 'callpoint.js');
const PW = 'meadow-signal-copper-93';

export async function firstLoadFigures(): Promise<Figure[]> {
  const executablePath = toolPath('chromium');
  if (!executablePath) {
    console.log('SKIP  first-load bytes on the wire: needs chromium (apt-get install chromium)');
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-ui-'));
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `site: bench\nnode: n1\ndataDir: ${join(dir, 'data')}\nhttp: { host: 127.0.0.1, port: ${port} }\nfreeswitch: { host: 127.0.0.1, port: ${await freePort()} }\nlog: { level: warn }\n`);
  const env = { ...process.env, NOTIFY_SOCKET: '', CALLPOINT_FROM_SOURCE: '' };
  const added = await cli(['user', 'add', 'bench', '--role', 'admin', '--password-stdin', '--config', config], { input: `${PW}\n`, env });
  if (added.code) throw new Error(added.stderr);
  const p = spawn(process.execPath, [...UNIT_NODE_FLAGS, BIN, 'run', '--config', config], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; !(await fetch(`${url}/api/health`).then((r) => r.ok, () => false)); i++) {
      if (i > 300 || p.exitCode !== null) throw new Error('the daemon did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
    const ctx = await browser.newContext({ locale: 'en-US' });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const bytes = new Map<string, { url: string; received: number; finished?: number }>();
    cdp.on('Network.requestWillBeSent', (e) => bytes.set(e.requestId, { url: e.request.url, received: 0 }));
    cdp.on('Network.responseReceived', (e) => {
      const b = bytes.get(e.requestId);
      if (b) b.received = Math.max(b.received, e.response.encodedDataLength);
    });
    cdp.on('Network.dataReceived', (e) => {
      const b = bytes.get(e.requestId);
      if (b) b.received += e.encodedDataLength;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const b = bytes.get(e.requestId);
      if (b) b.finished = e.encodedDataLength;
    });
    await page.goto(url);
    await page.getByTestId('login-username').fill('bench');
    await page.getByTestId('login-password').fill(PW);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('component-store').waitFor();
    await page.waitForLoadState('networkidle').catch(() => undefined); // the event stream never ends; idle enough once the rest has
    await new Promise((r) => setTimeout(r, 1000));
    const rows = [...bytes.values()].map((b) => ({ url: b.url.replace(url, ''), n: b.finished ?? b.received }));
    const total = rows.reduce((s, r) => s + r.n, 0);
    for (const r of rows.sort((a, b) => b.n - a.n)) console.log(`      ${(r.n / 1024).toFixed(1).padStart(6)} KB  ${r.url}`);
    return [{ name: `web UI first load on the wire (${rows.length} requests: login, dashboard, its lists)`, value: total / 1024, unit: 'KB', target: 60, better: 'lower' }];
  } finally {
    await browser.close();
    if (p.exitCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const f of await firstLoadFigures()) console.log(`${f.value <= f.target ? 'PASS' : 'FAIL'}  ${f.name}: ${f.value.toFixed(1)} ${f.unit}  (target ≤ ${f.target} ${f.unit})`);
}
