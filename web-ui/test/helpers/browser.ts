// Shared steps of the browser tests: Debian's Chromium through playwright-core,
// a daemon in simulation mode on ports the test allocated, the first-run setup.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { freePort, portTaken, ROOT, startDaemon, type DaemonHandle } from '../../../daemon/test/helpers/daemon.js';
import { toolPath } from '../../../daemon/test/helpers/tools.js';

export const SHOTS = join(ROOT, 'var', 'screenshots');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface TapLike {
  teardown(fn: () => unknown): void;
  testdir(): string;
}

export async function launch(t: TapLike, extraArgs: string[] = []): Promise<Browser> {
  const executablePath = toolPath('chromium');
  if (!executablePath) throw new Error('chromium is missing (apt-get install chromium)');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...extraArgs] });
  t.teardown(() => browser.close());
  return browser;
}

/** A simulation-mode daemon (every part simulated, or the parts named in `simulate`) with the given configuration beside site, node, data and HTTP. */
export async function simDaemon(t: TapLike, config: Record<string, unknown>, dir = t.testdir(), simulate = '1'): Promise<DaemonHandle & { simToken: () => string; sim: (path: string, body?: unknown) => Promise<Response> }> {
  const configFile = join(dir, 'config.yaml');
  const start = async () => {
    const port = await freePort();
    writeFileSync(configFile, stringify({ site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, ...config }));
    return startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: simulate } });
  };
  // A port probed free may be taken before the daemon binds it (the emulator's ephemeral bind): choose another.
  const d = await start().catch((e: unknown) => (portTaken(e) ? start() : Promise.reject(e as Error)));
  t.teardown(() => d.stop());
  const simToken = () => readFileSync(join(d.dataDir, 'sim-control.token'), 'utf8').trim();
  const sim = (path: string, body?: unknown) =>
    fetch(`${d.url}${path}`, { method: 'POST', headers: { 'x-callpoint-sim-token': simToken(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return Object.assign(d, { simToken, sim });
}

/** A page that records what goes wrong in it (page errors; console errors unless `allow` says they are expected). */
export async function newPage(ctx: BrowserContext, allow?: RegExp): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !(allow && allow.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

export async function context(browser: Browser, opts: BrowserContextOptions): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
}

/** The first-run setup through the one-time link: the administrator `user`, signed in. */
export async function firstAdmin(page: Page, d: DaemonHandle, user: string, password: string): Promise<void> {
  await page.goto(`${d.url}/setup#token=${d.setupToken()}`);
  await page.getByTestId('setup-username').fill(user);
  await page.getByTestId('setup-password').fill(password);
  await page.getByTestId('setup-confirm').fill(password);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('nav-alarms').waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate('window.scrollTo(0, 0)'); // the sticky header would cover the page's top
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

/**
 * Headless Chromium keeps every tab "visible"; this makes the page's
 * visibility switchable, as a background tab would be: `hidden(page, true)`.
 */
export async function emulateVisibility(ctx: BrowserContext): Promise<void> {
  // A string, not a function: the test runner's compiler adds helpers to functions that the page does not have.
  await ctx.addInitScript(`{
    let hidden = false;
    Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { get: () => hidden });
    window.__setHidden = (h) => {
      hidden = h;
      document.dispatchEvent(new Event('visibilitychange'));
    };
  }`);
}

export const setHidden = (page: Page, hidden: boolean) => page.evaluate(`window.__setHidden(${hidden})`);

/** Records every desktop notification the page shows (the real Notification is still called). */
export async function recordNotifications(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(`{
    const Real = window.Notification;
    const shown = [];
    window.__notifications = shown;
    window.Notification = class extends Real {
      constructor(title, opts) {
        super(title, opts);
        shown.push({ title, body: opts && opts.body, tag: opts && opts.tag });
      }
    };
  }`);
}

export const notifications = (page: Page) => page.evaluate<Array<{ title: string; body?: string; tag?: string }>>('window.__notifications');
