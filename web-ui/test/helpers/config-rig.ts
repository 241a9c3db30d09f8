// The browser tests' daemon and pages for the configuration pages: a seed
// file with comments, two technicians, the daemon in simulation (board and
// FreeSWITCH emulator), Chromium pages logged in as either.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { Browser, Page } from 'playwright-core';
import { cli, freePort, ROOT, startDaemon, type DaemonHandle } from '../../../daemon/test/helpers/daemon.js';
import { toolPath } from '../../../daemon/test/helpers/tools.js';
import type { SimInputResult } from '../../../daemon/src/contracts/alarms.js';

export const SHOTS = join(ROOT, 'var', 'screenshots');
export const PW = { tech: 'granite-signal-orchard-5', tech2: 'copper-valley-beacon-61' };

export const SEED = `# Tunnel B — cabinet 1, as provisioned by the installer.
site: tun-b
node: cab-1
dataDir: DATA
http: { host: 127.0.0.1, port: PORT }
zones:
  - { id: control, name: Control room }   # the desk is here
plans:
  # The dispatch desk only, for now.
  - id: desk
    targets:
      - { extension: "8000", ringS: 20 }
points:
  - id: sos-1
    input: in1
    label: "SOS 1"   # painted on the cabinet
    zone: control
    plan: desk
phones:
  - { number: "8000", name: Dispatch, zone: control }
`;

export interface Rig {
  d: DaemonHandle;
  live: string;
  browser: Browser;
  page: (user: keyof typeof PW, locale?: string) => Promise<Page>;
  /** A press of a simulated input, as `callpoint sim press` does it; throws when the daemon refuses it. */
  press: (input: string) => Promise<{ input: string; alarmId?: string }>;
  problems: string[];
}

export async function rig(t: Test): Promise<Rig> {
  const executablePath = toolPath('chromium')!;
  const { chromium } = await import('playwright-core');
  const dir = t.testdir();
  const port = await freePort();
  const seed = join(dir, 'seed.yaml');
  writeFileSync(seed, SEED.replace('DATA', join(dir, 'data')).replace('PORT', String(port)));
  for (const [name, role] of [['tech', 'technician'], ['tech2', 'technician']] as const) {
    const r = await cli(['user', 'add', name, '--role', role, '--password-stdin', '--config', seed], { input: `${PW[name]}\n` });
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const d = await startDaemon(dir, { configFile: seed, port, env: { CALLPOINT_SIMULATE: 'board,freeswitch' } });
  t.teardown(() => d.stop());
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  t.teardown(() => browser.close());
  const problems: string[] = [];
  const page = async (user: keyof typeof PW, locale = 'en-US') => {
    const p = await (await browser.newContext({ locale, viewport: { width: 1280, height: 1000 } })).newPage();
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('console', (m) => {
      // 401: the session probe before login; 400 and 409: the refusals these tests provoke.
      if (m.type() === 'error' && !/status of 40[019] /.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await p.goto(d.url);
    await p.getByTestId('login-username').fill(user);
    await p.getByTestId('login-password').fill(PW[user]);
    await p.getByTestId('login-submit').click();
    await p.getByTestId('nav-settings').waitFor();
    return p;
  };
  mkdirSync(SHOTS, { recursive: true });
  const token = readFileSync(join(d.dataDir, 'sim-control.token'), 'utf8').trim();
  const press = async (input: string) => {
    const res = await fetch(`${d.url}/api/sim/inputs/${input}/press`, { method: 'POST', headers: { 'x-callpoint-sim-token': token } });
    const body = (await res.json()) as SimInputResult;
    if (!res.ok || !body.ok) throw new Error(`press of ${input}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  return { d, live: join(d.dataDir, 'config.yaml'), browser, page, press, problems };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true });
