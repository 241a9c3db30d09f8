// The admin UI in real headless Chromium against the real daemon: first-run
// setup through the one-time link, the dashboard in English and Chinese
// (screenshots under var/screenshots/), login and logout.
import { mkdirSync, statSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ROOT, startDaemon } from '../../daemon/test/helpers/daemon.js';
import { skipUnless, toolPath } from '../../daemon/test/helpers/tools.js';

const SHOTS = join(ROOT, 'var', 'screenshots');
const PW = 'lantern-copper-valley-31';

t.test('first-run setup, dashboard in both languages, login', { skip: skipUnless('chromium') }, async (t) => {
  const executablePath = toolPath('chromium');
  t.ok(executablePath, 'Debian chromium is installed (apt-get install chromium)');
  if (!executablePath) return;
  const { chromium } = await import('playwright-core');
  const d = await startDaemon(t.testdir());
  t.teardown(() => d.stop());
  const token = d.setupToken();
  t.ok(token, 'the daemon logged a one-time setup link');

  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // 400 and 401 are the refusals this test provokes (weak password, wrong password).
    if (m.type() === 'error' && !/status of 40[01] /.test(m.text())) problems.push(`console: ${m.text()}`);
  });

  await page.goto(`${d.url}/setup#token=${token}`);
  await page.getByTestId('setup-username').fill('chief');
  await page.getByTestId('setup-password').fill('password');
  await page.getByTestId('setup-confirm').fill('password');
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('setup-error').waitFor();
  t.match(await page.getByTestId('setup-error').textContent(), /common|guess|password/i, 'a common password is refused with the server’s reason');

  await page.getByTestId('setup-password').fill(PW);
  await page.getByTestId('setup-confirm').fill(PW);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('overall-status').waitFor({ timeout: 10_000 });
  t.equal(new URL(page.url()).pathname, '/', 'the setup link is gone from the address bar');
  await page.getByTestId('component-store').waitFor();
  t.match(await page.getByTestId('component-store').textContent(), /stor.*ok/i, 'the store shows as OK');
  t.equal(await page.getByTestId('live-indicator').getAttribute('data-state'), 'live', 'live updates connected');
  t.equal(await page.locator('html').getAttribute('lang'), 'en');
  // The board inventory, read in the daemon's worker thread, arrives by the stream.
  await page.getByTestId('board-kernel').waitFor({ timeout: 30_000 });
  t.match(await page.getByTestId('board-kernel').textContent(), release(), 'the board card shows this machine’s kernel');
  t.match(await page.getByTestId('board-memory').textContent(), /\d+(\.\d)?\s?GB/, 'and its memory');

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'dashboard-en.png'), fullPage: true });
  const enText = await page.locator('body').innerText();

  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  const zhText = await page.locator('body').innerText();
  t.match(zhText, /[\u4e00-\u9fff]/, 'Chinese text shown');
  t.match(zhText, /主板[\s\S]*内核/, 'the board card in Chinese');
  t.not(zhText, enText);
  await page.screenshot({ path: join(SHOTS, 'dashboard-zh-CN.png'), fullPage: true });
  for (const f of ['dashboard-en.png', 'dashboard-zh-CN.png']) t.ok(statSync(join(SHOTS, f)).size > 10_000, `${f} written`);

  // The choice persists; logout and log in again.
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
  t.equal(await page.locator('html').getAttribute('lang'), 'zh-CN', 'language kept after logout');
  await page.getByTestId('login-username').fill('chief');
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
  await page.getByTestId('login-password').fill(PW);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('overall-status').waitFor();
  await page.getByTestId('nav-users').click();
  await page.getByTestId('user-row-chief').waitFor();
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-row').first().waitFor();
  const setupRow = page.locator('[data-testid="audit-row"][data-action="setup"][data-outcome="ok"]');
  t.equal(await setupRow.count(), 1, 'the setup is in the audit log');
  t.match(await setupRow.innerText(), /初始设置[\s\S]*已创建第一个管理员/, 'its action and detail in the page’s language');

  // Calls and live channels: reachable, and honest that FreeSWITCH is not connected (none runs in this test).
  await page.getByTestId('nav-calls').click();
  await page.getByTestId('calls-empty').waitFor();
  await page.getByTestId('nav-live').click();
  await page.getByTestId('channels-disconnected').waitFor();
  await page.screenshot({ path: join(SHOTS, 'live-zh-CN.png'), fullPage: true });

  // A browser following the system language: Chinese first.
  const zhCtx = await browser.newContext({ locale: 'zh-CN' });
  const zhPage = await zhCtx.newPage();
  await zhPage.goto(d.url);
  await zhPage.getByTestId('login-username').waitFor();
  t.equal(await zhPage.locator('html').getAttribute('lang'), 'zh-CN', 'follows the browser language');
  t.same(problems, [], 'no page errors and no CSP violations');
});
