// The operations pages in a real browser, as a technician at night would use
// them: which phones are registered (a configured desk phone that is not is
// named, in red, first), the daemon's log following live and pausing when
// scrolled up, the audit search with its CSV link carrying the same filters —
// and what each role is shown: nothing a user cannot use.
// FreeSWITCH is the emulator run here (not the daemon's own simulation), so
// the test decides which phone is registered.
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { Client } from '../../daemon/test/helpers/http.js';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { FreeSwitchEmulator } from '../../daemon/src/sim/freeswitch/index.js';
import { context, firstAdmin, launch, newPage, shot, simDaemon } from './helpers/browser.js';

const PW = 'lantern-copper-meadow-72';
const FS_PASSWORD = 'emulated-switch-19';

async function signIn(page: Page, url: string, user: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(PW);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-alarms').waitFor();
}

/** A request FreeSWITCH would make, without its credentials: the daemon refuses it and logs a warning. */
const badXmlCurl = (url: string) => fetch(`${url}/freeswitch/directory`, { method: 'POST', body: 'section=directory' }).then((r) => r.status);

t.test('phones, log, audit search — and each role sees what it may use', { skip: skipUnless('chromium') }, async (t) => {
  const dir = t.testdir(); // once: a second call would empty it
  const emu = new FreeSwitchEmulator({
    password: FS_PASSWORD,
    port: 0,
    heartbeatMs: 0,
    recordingsDir: join(dir, 'recordings'),
    phones: [
      { number: '8000', name: 'Dispatch', behaviour: 'answer' },
      { number: '1002', name: 'Tunnel B', behaviour: 'unregistered' },
      { number: '1009', name: 'Spare', behaviour: 'answer' },
    ],
  });
  const { port: fsPort } = await emu.start();
  t.teardown(() => emu.stop().catch(() => undefined));
  const d = await simDaemon(
    t,
    {
      freeswitch: { host: '127.0.0.1', port: fsPort, password: FS_PASSWORD },
      phones: [
        { number: '8000', name: 'Dispatch desk', zone: 'control' },
        { number: '1002', name: 'Tunnel B intercom', zone: 'tunnel-b' },
      ],
    },
    dir,
    'board',
  );
  const browser = await launch(t);
  // 401: the session probe before signing in; 403: a viewer typing the address of a page not theirs.
  const { page: adminPage, problems } = await newPage(await context(browser, { locale: 'en-US' }), /status of 40[13] /);
  await firstAdmin(adminPage, d, 'chief', PW);
  const admin = new Client(d.url);
  t.equal((await admin.login('chief', PW)).status, 200);
  for (const [username, role] of [['tech', 'technician'], ['view', 'viewer']] as const) {
    t.equal((await admin.post('/api/users', { username, password: PW, role })).status, 201, `${role} added`);
  }

  await t.test('roles: the menu offers what the API allows, and nothing else', async (t) => {
    const nav = async (page: Page) => Object.fromEntries(await Promise.all(['audit', 'phones', 'logs', 'maintenance'].map(async (n) => [n, await page.getByTestId(`nav-${n}`).count()] as const)));
    t.same(await nav(adminPage), { audit: 1, phones: 1, logs: 1, maintenance: 1 }, 'admin: all four');
    const { page: tech } = await newPage(await context(browser, { locale: 'en-US' }), /status of 401 /);
    await signIn(tech, d.url, 'tech');
    t.same(await nav(tech), { audit: 1, phones: 1, logs: 1, maintenance: 0 }, 'technician: no maintenance');
    await tech.goto(`${d.url}/#/maintenance`);
    await tech.locator('main').getByText(/not (allowed|available)|permission/i).first().waitFor();
    t.equal(await tech.getByTestId('restart-open').count(), 0, 'and no restart button at its address');
    const { page: viewer } = await newPage(await context(browser, { locale: 'en-US' }), /status of 401 /);
    await signIn(viewer, d.url, 'view');
    t.same(await nav(viewer), { audit: 0, phones: 0, logs: 0, maintenance: 0 }, 'viewer: none of them');
    await viewer.goto(`${d.url}/#/logs`);
    await viewer.locator('main').getByText(/not (allowed|available)|permission/i).first().waitFor();
    t.equal(await viewer.getByTestId('log-line').count(), 0, 'and no log at its address');
    await tech.context().close();
    await viewer.context().close();
  });

  await t.test('phones: a configured phone that is not registered is listed as such, first', async (t) => {
    const { page } = await newPage(await context(browser, { locale: 'en-US' }), /status of 401 /);
    await signIn(page, d.url, 'tech');
    await page.getByTestId('nav-phones').click();
    const row = (n: string) => page.locator(`[data-testid="phone-row"][data-number="${n}"]`);
    await page.waitForSelector('[data-testid="phone-row"][data-number="8000"][data-registered="yes"]', { timeout: 20_000 });
    t.equal(await row('1002').getAttribute('data-registered'), 'no', '1002 is configured and not registered');
    t.match(await row('1002').innerText(), /Not registered[\s\S]*1002[\s\S]*Tunnel B intercom/, 'said in words, with its name');
    t.equal(await page.getByTestId('phone-row').first().getAttribute('data-number'), '1002', 'the dead phone comes first');
    t.match(await row('8000').getByTestId('phone-from').innerText(), /127\.0\.0\.1:\d+ UDP/, 'the registered one: from where');
    t.match(await page.getByTestId('phones-summary').innerText(), /1 of 2 configured phones is not registered and cannot ring: 1002/);
    t.equal(await page.locator('[data-testid="other-registration"][data-user="1009"]').count(), 1, 'a registration of no configured phone is listed apart');
    await shot(page, 'phones-en.png');

    emu.phone('8000').unregister();
    await page.getByTestId('phones-refresh').click();
    await page.waitForSelector('[data-testid="phone-row"][data-number="8000"][data-registered="no"]');
    t.equal(await page.getByTestId('phones-summary').getAttribute('data-missing'), '2', 'the desk phone stopped registering: two missing now');
    emu.phone('8000').register();
    await page.close();
  });

  await t.test('log: recent lines, errors and warnings stand out, live, paused when scrolled up', async (t) => {
    const { page } = await newPage(await context(browser, { locale: 'en-US', viewport: { width: 1280, height: 700 } }), /status of 401 /);
    await signIn(page, d.url, 'tech');
    await page.getByTestId('nav-logs').click();
    await page.locator('[data-testid="log-line"]', { hasText: 'Callpoint is up' }).first().waitFor();
    t.pass('the start of the daemon is among the recent lines');
    await page.getByTestId('logs-level').selectOption('warn');
    await page.locator('[data-testid="log-line"]', { hasText: 'Callpoint is up' }).waitFor({ state: 'detached' });
    t.ok((await page.getByTestId('log-line').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-level')))).every((l) => l === 'warn' || l === 'error' || l === 'fatal'), 'warnings and errors only');
    await page.waitForSelector('[data-testid="logs-state"][data-state="live"]');

    // Enough warnings to scroll, logged while the page watches.
    const before = await page.getByTestId('log-line').count();
    const refused = [];
    for (let i = 0; i < 40; i++) refused.push(await badXmlCurl(d.url));
    t.ok(refused.every((s) => s === 401), '40 requests refused, each logged');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="log-line"]').length >= n, before + 40);
    const line = page.locator('[data-testid="log-line"]', { hasText: 'wrong credentials refused' }).last();
    t.equal(await line.getAttribute('data-level'), 'warn', 'a warning arrives live');
    t.equal(await line.evaluate((el) => el.classList.contains('log-warn')), true, 'marked as a warning');
    t.notMatch(await line.evaluate((el) => getComputedStyle(el).backgroundColor), /rgba\(0, 0, 0, 0\)|transparent/, 'on a coloured background');
    t.match(await page.getByTestId('logs-warnings').innerText(), /\d+ warnings/, 'and counted above the list');
    const atBottom = () => page.getByTestId('logs-view').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 30);
    t.ok(await atBottom(), 'following: the newest line is in view');

    // The operator scrolls up to read: the view stops moving, new lines are held and counted.
    await page.getByTestId('logs-view').evaluate((el) => el.scrollTo(0, 0));
    await page.waitForSelector('[data-testid="logs-state"][data-state="paused"]');
    const shown = await page.getByTestId('log-line').count();
    t.same([await badXmlCurl(d.url), await badXmlCurl(d.url)], [401, 401], 'two more warnings logged');
    await page.getByTestId('logs-follow').filter({ hasText: '2 new lines' }).waitFor();
    t.equal(await page.getByTestId('log-line').count(), shown, 'paused: the new lines are not drawn');
    t.equal(await page.getByTestId('logs-view').evaluate((el) => el.scrollTop), 0, 'and the view stays where the reader is');
    await page.getByTestId('logs-follow').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="log-line"]').length === n, shown + 2);
    await page.waitForSelector('[data-testid="logs-state"][data-state="live"]');
    t.ok(await atBottom(), 'following again: down to the newest');

    await page.getByTestId('logs-text').fill('no such words anywhere');
    await page.getByTestId('logs-view').getByText('No line contains that text.').waitFor();
    await page.getByTestId('logs-text').fill('WRONG credentials');
    t.match(await page.getByTestId('logs-summary').innerText(), /\d+ of \d+ lines match/, 'the text filter, in any case');
    await shot(page, 'logs-en.png');
    await page.close();
  });

  await t.test('audit: the filter narrows the rows, is kept in the address, and the CSV link carries it', async (t) => {
    await new Client(d.url).login('tech', 'not-the-password'); // a refused sign-in
    await new Client(d.url).login('tech', 'also-not-it');
    const page = adminPage;
    await page.goto(`${d.url}/#/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    const all = await page.getByTestId('audit-row').count();
    await page.getByTestId('audit-action').fill('login');
    await page.getByTestId('audit-outcome').selectOption('failed');
    await page.getByTestId('audit-user').fill('tech');
    await page.getByTestId('audit-search').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-row"]')].every((r) => r.getAttribute('data-outcome') === 'failed'));
    const rows = await page.getByTestId('audit-row').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-action'), r.getAttribute('data-outcome'), r.getAttribute('data-user')]));
    t.same(rows, [['login', 'failed', 'tech'], ['login', 'failed', 'tech']], 'the two refused sign-ins, nothing else');
    t.ok(all > rows.length, `narrowed from ${all} rows`);
    const href = (await page.getByTestId('audit-csv').getAttribute('href'))!;
    t.same(Object.fromEntries(new URL(href, d.url).searchParams), { user: 'tech', action: 'login', outcome: 'failed' }, 'the CSV link carries the filter');
    t.match(page.url(), /#\/audit\?.*action=login/, 'and so does the address');
    const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    t.equal(lines.length, 3, 'the CSV: a header and the same two entries');
    t.ok(lines.slice(1).every((l) => /,tech,.*,login,.*,failed,/.test(l)), 'each a failed login of tech');

    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length === 2);
    t.equal(await page.getByTestId('audit-action').inputValue(), 'login', 'after a reload the search is the same');
    await page.getByTestId('audit-q').fill('no-such-text-in-the-log');
    await page.getByTestId('audit-search').click();
    await page.getByTestId('audit-empty').waitFor();
    t.match(await page.getByTestId('audit-empty').innerText(), /No audit entry matches/);
    await page.getByTestId('audit-reset').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="audit-row"]').length >= n, all);
    t.equal(await page.getByTestId('audit-csv').getAttribute('href'), '/api/audit.csv', 'reset: the link exports everything');
  });

  t.same(problems, [], 'no page errors');
});
