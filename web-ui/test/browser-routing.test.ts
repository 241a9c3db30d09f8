// The routing pages in a real browser against a simulated daemon with the
// routing test site (zones with permissions, a night route, lists):
// - the route tester explains a refused call by the zone's permission class;
// - forcing night mode on and off changes what the tester answers for the
//   number routed elsewhere at night (8001: the second desk by day, the first at night);
// - a bad number added to a list shows the API's message; a good one appears with 0 hits;
//   the list goes out as CSV and a CSV comes in, its bad line named;
// - a viewer sees night mode but cannot change it, nor open the tester or the lists.
// Screenshots in both languages under var/screenshots/.
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Page } from 'playwright-core';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { ROUTING_SITE } from '../../daemon/test/helpers/routing-site.js';
import { context, firstAdmin, launch, newPage, shot, simDaemon } from './helpers/browser.js';

const PW = { chief: 'pebble-harbour-lantern-72', watcher: 'meadow-quartz-signal-38' };

async function ask(page: Page, from: string, to: string) {
  await page.getByTestId('route-test-from').fill(from);
  await page.getByTestId('route-test-to').fill(to);
  await page.getByTestId('route-test-submit').click();
  // This call's answer: its first step names the caller and the number ("1001 (zone office) dials 8001",
  // "13700000002 calls 88880001 from trunk telecom").
  await page.getByTestId('route-test-step').first().filter({ hasText: new RegExp(`${from}\\b.*\\b(dials|calls) ${to}\\b`) }).waitFor();
  return page.getByTestId('route-test-result');
}

t.test('routing pages: tester, night mode, lists', { skip: skipUnless('chromium') }, async (t) => {
  const d = await simDaemon(t, ROUTING_SITE);
  const browser = await launch(t);
  // 401: the session probe before signing in; 400: the bad number this test sends.
  const { page, problems } = await newPage(await context(browser, { locale: 'en-US' }), /status of 40[01] /);
  await firstAdmin(page, d, 'chief', PW.chief);

  await page.getByTestId('nav-routing').click();
  await page.getByTestId('route-test-form').waitFor();

  // 1. A refused call, explained by its permission class.
  let result = await ask(page, '2001', '13912345678');
  t.equal(await result.getAttribute('data-decision'), 'refuse', 'east-bore 2001 → a mobile: refused');
  t.equal(await page.getByTestId('route-test-verdict').innerText(), 'Refused: Zone east-bore may not make mobile calls (its permissions).', 'the verdict names the zone and the class of the call');
  t.match(await result.innerText(), /Class of call: mobile/, 'the class is shown');
  t.match(await result.innerText(), /The caller hears: the congestion tone/, 'and what the caller hears');
  const permission = page.locator('[data-testid="route-test-step"][data-step="permission"]');
  t.equal(await permission.getAttribute('data-result'), 'refused', 'the trace has the permission step refused');
  t.match(await permission.innerText(), /Permission\s+east-bore\s+refused\s+zone east-bore may not call mobile numbers \(permissions: same-zone, dispatch\)/, 'with the daemon’s explanation');
  const rule = page.locator('[data-testid="route-test-step"][data-step="rule"][data-result="matched"]');
  t.match(await rule.innerText(), /mobile/, 'the rule that matched (mobile) is in the trace');
  await shot(page, 'routing-tester-refused-en.png');

  // A call that goes out: the trunks in order.
  // (Maintenance may call mobiles day and night; the office only by day, and this test runs at any hour.)
  result = await ask(page, '4001', '013800138000');
  t.equal(await result.getAttribute('data-decision'), 'route', 'maintenance 4001 → a mobile: routed');
  t.match(await page.getByTestId('route-test-verdict').innerText(), /Routed by mobile/);
  t.ok((await page.locator('[data-testid="route-test-step"][data-step="trunk"]').count()) >= 1, 'the trunks tried are in the trace');

  // 2. Night mode changes what the tester answers for 8001.
  await page.getByTestId('routing-nav-night').click();
  await page.getByTestId('night-state').waitFor();
  t.equal(await page.getByTestId('night-state').getAttribute('data-mode'), 'auto', 'the schedules decide at first');
  t.match(await page.getByTestId('schedule-office-hours').innerText(), /Office hours \(office-hours\)[\s\S]*(open|closed)[\s\S]*(opens|closes) /, 'the office-hours schedule shows its state and its next change');
  await page.getByTestId('night-day').click();
  await page.locator('[data-testid="night-state"][data-mode="day"]').waitFor();
  t.match(await page.getByTestId('night-state').innerText(), /forced OFF[\s\S]*Set by chief/, 'forced off (day), by whom');
  t.equal(await page.getByTestId('schedule-office-hours').getAttribute('data-open'), 'yes', 'the schedule reads open');
  await page.getByTestId('routing-nav-tester').click();
  result = await ask(page, '1001', '8001');
  t.equal(await result.getAttribute('data-rule'), 'desk-2', 'the rule desk-2 routes it');
  t.equal(await page.getByTestId('route-test-destinations').innerText(), 'Extension 8001', 'by day 8001 rings the second desk');

  await page.getByTestId('routing-nav-night').click();
  await page.getByTestId('night-night').click();
  await page.locator('[data-testid="night-state"][data-mode="night"]').waitFor();
  t.match(await page.getByTestId('night-message').innerText(), /Night mode is on until set back/, 'night mode forced on');
  t.equal(await page.getByTestId('schedule-office-hours').getAttribute('data-open'), 'no', 'the schedule reads closed');
  t.match(await page.getByTestId('schedule-next').innerText(), /overridden by night mode|no change/, 'its next change is said to wait for night mode');
  await shot(page, 'routing-night-en.png');
  await page.getByTestId('routing-nav-tester').click();
  result = await ask(page, '1001', '8001');
  t.equal(await result.getAttribute('data-rule'), 'desk-2', 'the same rule');
  t.equal(await page.getByTestId('route-test-destinations').innerText(), 'Extension 8000', 'at night 8001 rings the first desk');
  t.match(await page.locator('[data-testid="route-test-step"][data-step="schedule"]').first().innerText(), /closed \(night\)[\s\S]*night mode is on/, 'the trace says the schedule is closed by night mode');

  await page.getByTestId('routing-nav-night').click();
  await page.getByTestId('night-auto').click();
  await page.locator('[data-testid="night-state"][data-mode="auto"]').waitFor();
  type AuditPage = { entries: Array<{ action: string; target: string; username: string }> };
  const audit = (await page.evaluate(async () => (await (await fetch('/api/audit?limit=50')).json()) as AuditPage)).entries;
  t.same(audit.filter((e) => e.action === 'routing.night-mode').map((e) => `${e.username}:${e.target}`).reverse(), ['chief:day', 'chief:night', 'chief:auto'], 'each change of night mode is audited with who');

  // 3. The lists: a bad number shows the API's message; a good one appears with 0 hits.
  await page.getByTestId('routing-nav-lists').click();
  await page.getByTestId('list-tab-nuisance').click();
  const nuisance = page.getByTestId('list-nuisance');
  await nuisance.getByTestId('list-entry').first().waitFor();
  t.equal(await nuisance.locator('[data-testid="list-entry"][data-entry="13700000001"]').count(), 1, 'the configuration file’s entries are listed');
  await nuisance.getByTestId('list-add-value').fill('137-000-abc');
  await nuisance.getByTestId('list-add-submit').click();
  await nuisance.getByTestId('list-add-error').waitFor();
  t.equal(await nuisance.getByTestId('list-add-error').innerText(), 'invalid: number: a number or prefix is an optional + and 1–24 digits', 'the API’s message on the bad number');
  t.equal(await nuisance.locator('[data-testid="list-entry"][data-entry="137-000-abc"]').count(), 0, 'nothing added');
  await nuisance.getByTestId('list-add-value').fill('13700000002');
  await nuisance.getByTestId('list-add-reason').fill('hoax calls at night');
  await nuisance.getByTestId('list-add-submit').click();
  const added = nuisance.locator('[data-testid="list-entry"][data-entry="13700000002"]');
  await added.waitFor();
  t.equal(await added.getByTestId('list-entry-hits').innerText(), '0', 'the new entry appears with 0 hits');
  t.match(await added.innerText(), /hoax calls at night[\s\S]*added by chief/, 'with its reason and who added it');
  t.equal(await nuisance.getByTestId('list-add-error').count(), 0, 'the earlier error is gone');

  // The tester now refuses that caller on that trunk.
  await page.getByTestId('routing-nav-tester').click();
  await page.getByTestId('route-test-trunk').selectOption('telecom');
  result = await ask(page, '13700000002', '88880001');
  t.equal(await result.getAttribute('data-decision'), 'refuse');
  t.equal(await page.getByTestId('route-test-verdict').innerText(), 'Refused: The number is on the list nuisance.', 'a call in from the new entry is refused by the list');
  await page.getByTestId('route-test-trunk').selectOption('');

  // CSV out and in.
  await page.getByTestId('routing-nav-lists').click();
  await page.getByTestId('list-tab-nuisance').click();
  const [download] = await Promise.all([page.waitForEvent('download'), nuisance.getByTestId('list-export').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  t.match(csv, /^type,value,reason,expires,source,hits,last_hit_at\r\n/, 'the export is the list as CSV');
  t.match(csv, /number,13700000002,hoax calls at night,,runtime,0,/, 'with the added entry');
  await nuisance.getByTestId('list-import').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('type,value,reason\r\nnumber,13700000003,imported\r\nnumber,not-a-number,bad\r\n') });
  await nuisance.getByTestId('list-message').filter({ hasText: 'Imported' }).waitFor();
  t.match(await nuisance.getByTestId('list-message').innerText(), /Imported: 1 added, 0 skipped\.[\s\S]*Lines not imported:[\s\S]*line 3/, 'the import says what it took and names the bad line');
  await nuisance.locator('[data-testid="list-entry"][data-entry="13700000003"]').waitFor();
  t.pass('the imported entry is listed');

  // Removing the added entry.
  page.once('dialog', (dl) => void dl.accept());
  await added.getByTestId('list-entry-remove').click();
  await nuisance.getByTestId('list-message').filter({ hasText: 'removed' }).waitFor();
  // The message comes with the answer; the list is read again after it.
  await added.waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  t.equal(await added.count(), 0, 'the removed entry is gone');

  // Chinese: the same pages.
  await page.getByTestId('lang-switch').first().selectOption('zh-CN');
  await page.getByRole('heading', { name: '黑白名单' }).waitFor();
  await shot(page, 'routing-lists-zh-CN.png');
  await page.getByTestId('routing-nav-tester').click();
  await ask(page, '2001', '13912345678');
  t.equal(await page.getByTestId('route-test-verdict').innerText(), '拒绝：分区 east-bore 无权拨打手机电话（分区权限）。', 'the refusal explained in Chinese');
  await shot(page, 'routing-tester-refused-zh-CN.png');
  await page.getByTestId('lang-switch').first().selectOption('en');

  // 4. A viewer: night mode to read, nothing to change, no tester or lists.
  const made = await page.evaluate(async (pw) => {
    const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
    return (await fetch('/api/users', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify({ username: 'watcher', password: pw, role: 'viewer' }) })).status;
  }, PW.watcher);
  t.equal(made, 201, 'a viewer account');
  const viewer = await newPage(await context(browser, { locale: 'en-US' }), /status of 401 /);
  await viewer.page.goto(`${d.url}/#/routing`);
  await viewer.page.getByTestId('login-username').fill('watcher');
  await viewer.page.getByTestId('login-password').fill(PW.watcher);
  await viewer.page.getByTestId('login-submit').click();
  await viewer.page.getByTestId('night-state').waitFor();
  t.equal(await viewer.page.getByTestId('night-night').count(), 0, 'a viewer has no night-mode buttons');
  t.match(await viewer.page.getByTestId('night-state').innerText(), /Only technicians and administrators can change night mode/);
  t.equal(await viewer.page.getByTestId('routing-nav-tester').count(), 0, 'nor the tester');
  await viewer.page.goto(`${d.url}/#/routing/lists`);
  await viewer.page.getByTestId('routing-tech-only').waitFor();
  t.pass('the lists page says it is for technicians');

  t.same(problems, [], 'no page errors');
  t.same(viewer.problems, [], 'no page errors for the viewer');
});
