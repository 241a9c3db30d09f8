// The commissioning walk test in a real browser: a technician starts it for a
// zone, presses the points (simulated), watches them ticked live, stops it,
// and prints the commissioning report — in English and in Chinese (PDFs under
// var/screenshots/). A point outside the walk test still raises an alarm.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { rig, shot, SHOTS } from './helpers/config-rig.js';

t.test('walk test: presses ticked live, the printed report in both languages', { skip: skipUnless('chromium') }, async (t) => {
  const r = await rig(t);
  const page = await r.page('tech');
  // A second point in another zone, through the API as a script would.
  const v = Number((await page.evaluate(async () => (await (await fetch('/api/config')).json() as { version: number }).version)));
  const status = await page.evaluate(async (version) => {
    const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
    const h = { 'x-csrf-token': s.csrfToken, 'content-type': 'application/json', 'if-match': String(version) };
    const zone = (await fetch('/api/config/entries/zones/west', { method: 'PUT', headers: h, body: JSON.stringify({ entry: { id: 'west', name: 'West bore' } }) })).status;
    h['if-match'] = String(version + 1);
    const point = (await fetch('/api/config/entries/points/sos-w', { method: 'PUT', headers: h, body: JSON.stringify({ entry: { id: 'sos-w', input: 'in2', label: 'SOS west', zone: 'west', plan: 'desk' } }) })).status;
    return [zone, point];
  }, v);
  t.same(status, [200, 200], 'zone west and point sos-w added');

  await page.getByTestId('nav-walk-test').click();
  await page.getByTestId('walk-zone-control').check();
  await page.getByTestId('walk-minutes').fill('30');
  await page.getByTestId('walk-start').click();
  await page.getByTestId('walk-active').waitFor();
  t.match(await page.getByTestId('walk-active').innerText(), /Walk test running for control .* presses there call nobody/, 'the page says presses in control call nobody');
  t.equal(await page.getByTestId('walk-point-sos-1').getAttribute('data-tested'), 'no', 'sos-1 not yet tested');

  const pressed = await r.press('in1');
  t.notOk(pressed.alarmId, 'the press in the walk test raised no alarm');
  await page.waitForSelector('[data-testid="walk-point-sos-1"][data-tested="yes"]');
  t.pass('the press is ticked live on the checklist');
  await page.getByTestId('walk-active').filter({ hasText: '1 of 1 points tested' }).waitFor();
  t.pass('the count of tested points follows');
  const other = await r.press('in2');
  t.ok(other.alarmId, `a point outside the walk test raised alarm ${other.alarmId}`);
  await shot(page, 'walk-test-en.png');

  await page.getByTestId('walk-stop').click();
  await page.getByTestId('walk-report').waitFor();
  t.equal(await page.getByTestId('report-point-sos-1').getAttribute('data-result'), 'passed', 'the report: sos-1 passed');
  t.equal(await page.getByTestId('report-point-sos-w').getAttribute('data-result'), 'not-in-test', 'the report: sos-w was not in the test');
  t.equal(await page.getByTestId('report-site').innerText(), 'tun-b', 'the report names the site');
  t.equal(await page.getByTestId('report-node').innerText(), 'cab-1', 'and the node');
  t.equal(await page.getByTestId('report-by').innerText(), 'tech', 'and who ran it');
  t.match(await page.getByTestId('walk-report').innerText(), /Commissioning report[\s\S]*1 of 1 call points passed[\s\S]*SOS 1[\s\S]*passed/, 'the report in English');
  await page.emulateMedia({ media: 'print' });
  t.equal(await page.locator('.topbar').evaluate((el) => getComputedStyle(el).display), 'none', 'printing hides the menus');
  await page.pdf({ path: join(SHOTS, 'walk-report-en.pdf'), format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  await page.getByTestId('lang-switch').first().selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.getByTestId('walk-report').filter({ hasText: '调试验收报告' }).waitFor();
  t.match(await page.getByTestId('walk-report').innerText(), /调试验收报告[\s\S]*站点[\s\S]*1 个呼叫点中 1 个通过[\s\S]*通过/, 'the report in Chinese');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: join(SHOTS, 'walk-report-zh-CN.pdf'), format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  await shot(page, 'walk-report-zh-CN.png');
  for (const f of ['walk-report-en.pdf', 'walk-report-zh-CN.pdf']) t.ok(statSync(join(SHOTS, f)).size > 10_000, `${f} written`);
  t.same(r.problems, [], 'no page errors');
});
