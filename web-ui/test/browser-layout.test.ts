// Phone and tablet: at 390 px (a phone held upright) no page is wider than
// the screen — tables scroll inside their box or become cards, and their
// actions stay reachable — in both languages; at 768 px (a tablet) too.
import t from 'tap';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { context, firstAdmin, launch, newPage, shot, simDaemon } from './helpers/browser.js';

const PW = 'harbour-meadow-signal-57';
const PAGES = ['alarms', 'faults', 'dashboard', 'board', 'lines', 'calls', 'live', 'users', 'audit', 'phones', 'logs', 'maintenance', 'account'] as const;

t.test('no page wider than a phone at 390 px, nor a tablet at 768 px', { skip: skipUnless('chromium') }, async (t) => {
  const d = await simDaemon(t, {
    points: [{ id: 'sos-km1-2', input: 'in1', label: 'SOS km 1.2 east', location: 'Tunnel A, km 1.2', zone: 'tunnel-a', escalation: { targets: [{ extension: '8000', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
    lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }], lineCards: [{ id: 'lc0', port: 'sim:lc0' }] },
  });
  const browser = await launch(t);
  for (const [lang, width] of [['en-US', 390], ['zh-CN', 390], ['en-US', 768]] as const) {
    // 401: the session probe before signing in.
    const { page, problems } = await newPage(await context(browser, { locale: lang, viewport: { width, height: 844 }, isMobile: width < 700, hasTouch: width < 700 }), /status of 401 /);
    if (lang === 'en-US' && width === 390) {
      await firstAdmin(page, d, 'chief', PW);
      // Something on every page: an open alarm, an SMS, a user.
      await d.sim('/api/sim/inputs/in1/press');
      await d.sim('/api/sim/modems/gsm0/sms', { from: '+8613800138000', text: 'a long line of text from the tunnel that must wrap rather than widen the page' });
    } else {
      await page.goto(d.url);
      await page.getByTestId('login-username').fill('chief');
      await page.getByTestId('login-password').fill(PW);
      await page.getByTestId('login-submit').click();
    }
    await page.getByTestId('nav-alarms').waitFor();
    for (const name of PAGES) {
      await page.goto(`${d.url}/#/${name === 'dashboard' ? '' : name}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForTimeout(400); // lists drawn
      const wide = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
      // What sticks out, to say where to look when it fails.
      const culprits = wide.doc > width ? await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > ${width} + 1 && !e.closest('.table-wrap, nav')).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`) : [];
      t.ok(wide.doc <= width && wide.body <= width, `${lang} ${width} px, ${name}: ${wide.doc} px wide`, { culprits });
      if (width === 390) await shot(page, `narrow-${name}-${lang}.png`);
    }
    // The menu: every entry reachable (it scrolls sideways inside itself, not the page).
    const nav = page.locator('nav.tabs ul');
    const last = page.getByTestId('nav-account');
    await last.scrollIntoViewIfNeeded();
    t.ok(await last.isVisible(), `${lang} ${width} px: the last menu entry can be reached`);
    t.ok((await nav.evaluate((el) => el.scrollWidth)) >= (await nav.evaluate((el) => el.clientWidth)));
    t.same(problems, [], `${lang} ${width} px: no page errors`);
  }
});
