// Every text in the site's language: a scripted tour of a zh-CN page through
// what the daemon says — component health on the dashboard, faults (a cut
// line, a modem that lost its network), a self-test, SMS commands answered
// and ignored, the audit log, the lines — must show no English sentence the
// server made. Two checks: none of the English `detail` texts the API sent
// for those pages appears on them, and no run of English words appears at
// all (beyond names a Chinese reader sees in Latin letters).
import t from 'tap';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { Client } from '../../daemon/test/helpers/http.js';
import { context, firstAdmin, launch, newPage, shot, simDaemon } from './helpers/browser.js';

const PW = 'lantern-ridge-copper-39';
const ONCALL = '+8613800138000';

/** Latin-letter words a Chinese page may show: names of products, protocols, units, ids, and what the network or a person typed. */
const LATIN_OK = /\b(Callpoint|FreeSWITCH|HEARTBEAT|GSM|SIM|PIN|PUK|SMS|USSD|MQTT|TLS|IMEI|ICCID|IMSI|FXS|FXO|dBm|CPU|HTTP|CSRF|JSON|TP-ST|STATUS|ACK|CHINA MOBILE|mqtt|sim:\w+|gsm\d|lc\d|chief|sim|dev|[\w.-]+@[\w.-]+|mqtt:\/\/\S+)\b/g;

/** Every English `detail` string in an API answer: what the server said in English. */
function details(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) details(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
    if (k === 'detail' && typeof x === 'string' && /[a-z]{3,} [a-z]{2,}/i.test(x)) out.add(x);
    else details(x, out);
  }
  return out;
}

t.test('a zh-CN tour shows no English sentence from the server', { skip: skipUnless('chromium') }, async (t) => {
  const d = await simDaemon(t, {
    points: [{ id: 'sos-1', input: 'in1', label: '隧道东口一号', location: '东洞口 1.2 公里', zone: 'tunnel-a', escalation: { targets: [{ extension: '8000', ringS: 10 }], sms: { to: [ONCALL], language: 'zh-CN' } } }],
    phones: [{ number: '8000', name: '调度台', zone: 'control' }],
    lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }], lineCards: [{ id: 'lc0', port: 'sim:lc0' }] },
  });
  const browser = await launch(t);
  const { page, problems } = await newPage(await context(browser, { locale: 'zh-CN' }));
  await firstAdmin(page, d, 'chief', PW);
  t.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  const api = new Client(d.url);
  await api.login('chief', PW);
  const said = new Set<string>();
  const collect = async (...paths: string[]) => {
    for (const p of paths) details((await api.get(p)).json, said);
  };

  // Things for the daemon to say: the modem loses its network, a line is cut, SMS commands come in, a self-test.
  await page.getByTestId('nav-lines').click();
  await page.waitForSelector('[data-testid="modem-card"][data-id="gsm0"][data-state="ready"]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="linecard-card"][data-id="lc0"] [data-testid="linecard-port"]', { timeout: 30_000 });
  t.equal((await d.sim('/api/sim/line-cards/lc0/ports/5', { action: 'cut' })).status, 200);
  t.equal((await d.sim('/api/sim/modems/gsm0/network', { registration: 'searching' })).status, 200);
  t.equal((await d.sim('/api/sim/modems/gsm0/sms', { from: ONCALL, text: '状态' })).status, 200);
  t.equal((await d.sim('/api/sim/modems/gsm0/sms', { from: '+8613999999999', text: '你好' })).status, 200);
  await page.waitForSelector('[data-testid="linecard-card"][data-id="lc0"][data-status="degraded"]', { timeout: 15_000 });
  t.match(await page.locator('[data-testid="linecard-card"][data-id="lc0"] [data-testid="linecard-status"]').innerText(), /降级/, 'a cut port makes the card degraded, not OK');
  await page.waitForSelector('[data-testid="sms-row"][data-direction="in"][data-status="handled"]', { timeout: 20_000 });
  await page.waitForSelector('[data-testid="sms-row"][data-direction="in"][data-status="ignored"]', { timeout: 20_000 });
  await page.getByTestId('nav-alarms').click();
  const pressed = (await (await d.sim('/api/sim/inputs/in1/press')).json()) as { alarmId: string };
  await page.waitForSelector(`[data-testid="alarm-card"][data-id="${pressed.alarmId}"][data-state="connected"]`, { timeout: 15_000 });
  t.match(await page.getByTestId('alarm-target').innerText(), /分机 8000/, 'whom the alarm calls, in Chinese');
  await page.getByTestId('point-test-sos-1').click();
  await page.waitForSelector('[data-testid="self-test-result"][data-outcome="passed"]', { timeout: 30_000 });
  t.match(await page.getByTestId('self-test-by').innerText(), /由 chief（管理员）发起/, 'the self-test names who ran it, by the role they have');
  await page.waitForSelector('[data-testid="fault-indicator"]', { timeout: 30_000 });

  // The tour: each page, its English from the API, its visible text.
  const tour: Array<[string, string, string[]]> = [
    ['dashboard', 'component-gsm', ['/api/health']],
    ['faults', 'fault-card', ['/api/faults']],
    ['alarms', 'alarm-card', ['/api/alarms']],
    ['audit', 'audit-row', ['/api/audit?limit=50']],
    ['lines', 'sms-row', ['/api/lines']],
  ];
  for (const [nav, ready, paths] of tour) {
    await page.getByTestId(`nav-${nav}`).click();
    await page.getByTestId(ready).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300); // the stream's latest changes drawn
    await collect(...paths);
    const text = await page.locator('main').innerText();
    const shown = [...said].filter((s) => text.includes(s));
    t.same(shown, [], `${nav}: none of the server's English texts is shown`);
    // File paths are data (the serial ports), not sentences.
    const english = text.replace(/\/[^\s]+/g, ' ').replace(LATIN_OK, ' ').match(/[A-Za-z]{3,}(?:[ ,:;'()-]+[A-Za-z]{2,}){2,}/g) ?? [];
    t.same(english, [], `${nav}: no English words in a row`);
    await shot(page, `tour-${nav}-zh-CN.png`);
  }
  t.ok(said.size > 10, `the API said ${said.size} things in English that the page showed in Chinese`);
  t.same(problems, [], 'no page errors');
});
