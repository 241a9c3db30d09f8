// Pages fetched when first opened (web-ui/src/lazy-pages.ts): signing in does
// not fetch the settings page's code; opening it does, and it works. When the
// page's code cannot be fetched — the daemon was upgraded since the page was
// opened, so the old build's chunks are gone — the page says to reload it, in
// the page's language, and reloading brings the page.
import t from 'tap';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { context, firstAdmin, launch, newPage, simDaemon } from './helpers/browser.js';

const PW = 'quarry-lantern-pebble-48';

t.test('lazy pages: fetched when opened; a missing chunk says "reload the page"', { skip: skipUnless('chromium') }, async (t) => {
  const d = await simDaemon(t, {});
  const browser = await launch(t);
  // 401: the session probe before signing in; 404: the chunks this test makes vanish.
  const { page, problems } = await newPage(await context(browser, { locale: 'en-US' }), /status of 40[14] |Failed to fetch dynamically imported module/);
  const chunks: string[] = [];
  page.on('request', (r) => {
    if (/\/chunk-\w+\.js$/.test(r.url())) chunks.push(new URL(r.url()).pathname);
  });
  await firstAdmin(page, d, 'chief', PW);
  await page.getByTestId('component-store').waitFor();
  const atSignIn = chunks.length;

  await page.getByTestId('nav-settings').click();
  await page.getByRole('heading', { name: 'Configuration' }).waitFor();
  t.ok(chunks.length > atSignIn, `opening the settings fetched its code (${chunks.slice(atSignIn).join(', ')}), not signing in`);

  // The Chinese texts now, while they can still be fetched (a language is a chunk too).
  await page.getByTestId('lang-switch').first().selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  // As after an upgrade: this build's chunks answer 404 (static-files.ts's answer for another build's names).
  await page.route(/\/chunk-\w+\.js$/, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found: this build of the web UI has no such file (reload the page).\n' }));
  await page.getByTestId('nav-walk-test').click();
  const failed = page.getByTestId('page-load-failed');
  await failed.filter({ hasText: '请重新加载页面' }).waitFor();
  t.pass('the page says to reload it, in Chinese');
  await page.getByTestId('lang-switch').first().selectOption('en'); // loaded at sign-in: no fetch
  await failed.filter({ hasText: 'reload the page' }).waitFor();
  t.match(await failed.innerText(), /could not be loaded[\s\S]*updated since this page was opened[\s\S]*reload the page/, 'and in English: it could not be loaded, the appliance may have been updated, reload');
  t.equal(await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).count(), 1, 'announced as an alert');

  // Still missing: another visit tries again and says so again.
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('component-store').waitFor();
  await page.getByTestId('nav-walk-test').click();
  await failed.waitFor();
  t.pass('a second visit tries again and fails the same way');

  // The new build is there again: "Reload the page" brings the walk test.
  await page.unroute(/\/chunk-\w+\.js$/);
  await page.getByTestId('page-reload').click();
  await page.getByRole('heading', { name: 'Walk test' }).waitFor();
  t.equal(await failed.count(), 0, 'after the reload the walk test page is shown');
  t.same(problems, [], 'no page errors');
});
