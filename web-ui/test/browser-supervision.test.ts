// Supervision in a real browser against the real daemon in simulation mode:
// faults (from the database and raised live by the simulated board and by
// supervision of the dispatch phones), the board page (a press, the strobe
// flashing during the alarm), the self-test of a call point, and the Lines
// page without lines. Screenshots in English and Chinese go to var/screenshots/.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import t from 'tap';
import { stringify } from 'yaml';
import { freePort, ROOT, startDaemon } from '../../daemon/test/helpers/daemon.js';
import { skipUnless, toolPath } from '../../daemon/test/helpers/tools.js';

const SHOTS = join(ROOT, 'var', 'screenshots');
const PW = 'cabinet-lantern-relay-72';

/** Run statements on the daemon's database while the daemon is stopped. */
function execSql(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      db.exec(sql, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

t.test('faults, board, self-test and lines in the admin UI', { skip: skipUnless('chromium') }, async (t) => {
  const executablePath = toolPath('chromium');
  if (!executablePath) return t.fail('chromium is missing');
  const { chromium } = await import('playwright-core');
  const dir = t.testdir();
  const port = await freePort();

  // The simulation board, with in1 reported stuck after 100 ms: the simulated
  // press (held 300 ms) then raises a stuck fault and clears it on release.
  const profile = JSON.parse(readFileSync(join(ROOT, 'hardware', 'src', 'boards', 'sim.json'), 'utf8')) as { inputs: Array<Record<string, unknown>> };
  profile.inputs.find((i) => i.id === 'in1')!.stuckAfterMs = 100;
  const boardFile = join(dir, 'board.json');
  writeFileSync(boardFile, JSON.stringify(profile));
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, board: boardFile,
    // 8009 is no phone of the simulation: supervision finds it unregistered (two polls, ~30 s after start).
    points: [{ id: 'sos-km1-2', input: 'in1', label: 'SOS km 1.2 east', location: 'Tunnel A, km 1.2', zone: 'tunnel-a', phone: '1001', escalation: { targets: [{ extension: '8000', ringS: 10 }, { extension: '8009', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }, { number: '1001', name: 'Intercom', zone: 'tunnel-a' }],
  }));

  // A first run creates the database; then an open GSM fault and a cleared uplink fault are put in it.
  const first = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  await first.stop();
  await execSql(join(dir, 'data', 'callpoint.db'), `
    INSERT INTO faults(key, source, code, subject, detail, raised_at, cleared_at) VALUES
      ('uplink:down', 'uplink', 'down', NULL, 'no connection to central for 4 min: test', '${ago(86_400_000)}', '${ago(86_000_000)}'),
      ('gsm:no-sim:gsm0', 'gsm', 'no-sim', 'gsm0', 'modem gsm0: no SIM card inserted', '${ago(600_000)}', NULL);`);

  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  t.teardown(() => d.stop());
  const simToken = readFileSync(join(d.dataDir, 'sim-control.token'), 'utf8').trim();
  const press = async (input: string) => {
    const r = await fetch(`${d.url}/api/sim/inputs/${input}/press`, { method: 'POST', headers: { 'x-callpoint-sim-token': simToken } });
    return (await r.json()) as { ok: boolean; alarmId?: string };
  };

  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
      // A daemon without lines support answers GET /api/lines with 404: the page shows that state.
    if (m.type() === 'error' && !/status of 404 /.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
  const shot = async (name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header would cover the page's top
    await page.screenshot({ path: join(SHOTS, name), fullPage: true });
  };

  await page.goto(`${d.url}/setup#token=${d.setupToken()}`);
  await page.getByTestId('setup-username').fill('chief');
  await page.getByTestId('setup-password').fill(PW);
  await page.getByTestId('setup-confirm').fill(PW);
  await page.getByTestId('setup-submit').click();

  // ---- faults: the open one counted in the header, the history below ----
  const indicator = page.getByTestId('fault-indicator');
  await indicator.waitFor();
  t.equal(await indicator.getAttribute('data-count'), '1', 'the header counts one open fault');
  t.match(await indicator.innerText(), /1 open fault/);
  t.not(await indicator.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(179, 22, 13)', 'not the alarm red');
  await indicator.click();
  const card = page.locator('[data-testid="fault-card"][data-code="no-sim"]');
  await card.waitFor();
  t.match(await card.innerText(), /No SIM card[\s\S]*GSM[\s\S]*modem gsm0: no SIM card inserted/, 'code and source translated, detail as sent');
  t.equal(await page.getByTestId('fault-row').count(), 2, 'the history has both faults');
  t.match(await page.locator('[data-testid="fault-row"][data-state="cleared"]').innerText(), /Link to central[\s\S]*Unreachable/);
  await shot('faults-en.png');

  // ---- board: inputs with their point, a press, the strobe flashing ----
  await page.getByTestId('nav-board').click();
  const in1 = page.locator('[data-testid="board-input"][data-id="in1"]');
  await in1.waitFor();
  t.equal(await page.getByTestId('board-input').count(), 9, 'every input of the profile');
  t.match(await in1.innerText(), /SOS km 1\.2 east[\s\S]*GPIO BCM17[\s\S]*Released/);
  const strobe = page.locator('[data-testid="board-output"][data-id="strobe"]');
  t.equal(await strobe.getAttribute('data-mode'), 'off', 'the strobe is off while no alarm is open');
  t.equal(await page.locator('[data-testid="board-device"][data-status="ok"]').count(), await page.getByTestId('board-device').count(), 'every device ok');

  const pressedSeen = page.waitForSelector('[data-testid="board-input"][data-id="in1"][data-pressed="true"]', { timeout: 10_000 });
  const pressed = await press('in1');
  t.ok(pressed.ok && pressed.alarmId, `the press raised alarm ${pressed.alarmId}`);
  await pressedSeen;
  t.pass('the press showed live on the board page');
  await page.waitForSelector('[data-testid="board-output"][data-id="strobe"][data-mode="flash"]', { timeout: 10_000 });
  t.equal(await strobe.locator('.lamp').evaluate((el) => getComputedStyle(el).animationName), 'lamp-flash', 'the strobe lamp flashes');
  await page.waitForSelector('[data-testid="board-output"][data-id="in1.sent"][data-mode="on"]', { timeout: 10_000 });
  t.pass('the point’s “alarm sent” lamp is on');
  await page.waitForSelector('[data-testid="board-input"][data-id="in1"][data-pressed="false"]');
  await shot('board-en.png');

  // ---- the stuck fault the press raised and cleared arrived live ----
  await page.getByTestId('nav-faults').click();
  const stuck = page.locator('[data-testid="fault-row"][data-code="stuck"][data-state="cleared"]');
  await stuck.waitFor({ timeout: 10_000 });
  t.match(await stuck.innerText(), /Hardware[\s\S]*Button stuck[\s\S]*in1/, 'raised and cleared while the page was open');

  // ---- self-test from the Alarms page ----
  await page.getByTestId('nav-alarms').click();
  await page.getByTestId('self-test-none').waitFor();
  t.match(await page.getByTestId('self-test').innerText(), /nobody is called/, 'says a test alarm calls nobody');
  await page.getByTestId('point-test-sos-km1-2').click();
  await page.waitForSelector('[data-testid="self-test-result"][data-outcome="passed"]', { timeout: 20_000 });
  const result = await page.getByTestId('self-test-result').innerText();
  t.match(result, /Passed[\s\S]*SOS km 1\.2 east[\s\S]*run by chief \(Administrator\)[\s\S]*central's broker took the test alarm/, 'the self-test passed, run by the admin (not "a technician")');
  await shot('alarms-self-test-en.png');

  // ---- lines: none configured (a daemon without lines support answers 404: "not available") ----
  await page.getByTestId('nav-lines').click();
  const noLines = page.locator('[data-testid="lines-none"], [data-testid="lines-unavailable"]');
  await noLines.waitFor();
  t.match(await noLines.innerText(), /No GSM modem or line card is configured|not available/);
  t.equal(await page.getByTestId('modem-card').count(), 0, 'no modem shown');
  await shot('lines-en.png');

  // ---- the same pages in Chinese ----
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  t.match(await noLines.innerText(), /未配置 GSM 模块或线路卡|线路不可用/);
  t.match(await page.getByTestId('nav-lines').innerText(), /线路/);
  await shot('lines-zh-CN.png');
  await page.getByTestId('nav-faults').click();
  await card.waitFor();
  t.match(await card.innerText(), /无 SIM 卡/, 'fault code in Chinese');
  t.match(await stuck.innerText(), /硬件[\s\S]*按钮卡住/, 'source and code in Chinese');
  await shot('faults-zh-CN.png');
  await page.getByTestId('nav-board').click();
  await strobe.waitFor();
  t.match(await strobe.innerText(), /闪烁[\s\S]*频闪灯/);
  await shot('board-zh-CN.png');
  await page.getByTestId('nav-alarms').click();
  t.match(await page.getByTestId('self-test-result').innerText(), /通过/);
  await shot('alarms-self-test-zh-CN.png');

  // ---- a fault raised live by supervision: the dispatch phone 8009 is not registered ----
  await page.getByTestId('nav-faults').click();
  const phone = page.locator('[data-testid="fault-card"][data-code="unregistered"]');
  await phone.waitFor({ timeout: 60_000 });
  t.match(await phone.innerText(), /未注册[\s\S]*8009[\s\S]*调度电话/, 'the unregistered dispatch phone appears live');
  t.equal(await indicator.getAttribute('data-count'), '2', 'the header counts two open faults');

  for (const f of ['faults-en.png', 'board-en.png', 'lines-zh-CN.png', 'board-zh-CN.png']) t.ok(statSync(join(SHOTS, f)).size > 10_000, `${f} written`);
  t.same(problems, [], 'no page errors and no CSP violations');
});

t.test('the Lines page with a simulated GSM modem and line card', { skip: skipUnless('chromium') }, async (t) => {
  const executablePath = toolPath('chromium');
  if (!executablePath) return t.fail('chromium is missing');
  const { chromium } = await import('playwright-core');
  const dir = t.testdir();
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port },
    points: [{ id: 'sos-km1-2', input: 'in1', label: 'SOS km 1.2 east', zone: 'tunnel-a', escalation: { targets: [{ extension: '8000', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
    lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }], lineCards: [{ id: 'lc0', port: 'sim:lc0' }] },
  }));
  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  t.teardown(() => d.stop());
  const simToken = readFileSync(join(d.dataDir, 'sim-control.token'), 'utf8').trim();
  const sim = async (path: string, body: unknown) => {
    const r = await fetch(`${d.url}${path}`, { method: 'POST', headers: { 'x-callpoint-sim-token': simToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    t.equal(r.status, 200, `POST ${path}`);
  };

  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  mkdirSync(SHOTS, { recursive: true });

  await page.goto(`${d.url}/setup#token=${d.setupToken()}`);
  await page.getByTestId('setup-username').fill('chief');
  await page.getByTestId('setup-password').fill(PW);
  await page.getByTestId('setup-confirm').fill(PW);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('nav-lines').click();

  // The modem comes up (SIM, registration, signal) and the line card reports its ports.
  const modem = page.locator('[data-testid="modem-card"][data-id="gsm0"][data-state="ready"]');
  await modem.waitFor({ timeout: 30_000 });
  const modemText = await modem.innerText();
  t.match(modemText, /CHINA MOBILE/, 'the operator');
  t.match(modemText, /就绪[\s\S]*本地网络|本地网络[\s\S]*就绪/, 'SIM ready and registered, in Chinese');
  t.ok(Number(await modem.getByTestId('modem-signal').getAttribute('data-bars')) > 0, 'signal bars drawn');
  t.match(modemText, /-\d+ dBm/, 'with the level in dBm');
  const card = page.locator('[data-testid="linecard-card"][data-id="lc0"]');
  await page.waitForSelector('[data-testid="linecard-card"][data-id="lc0"] [data-testid="linecard-port"]', { timeout: 30_000 });
  t.equal(await card.getByTestId('linecard-port').count(), 6, 'six ports');
  t.match(await card.locator('[data-testid="linecard-port"][data-n="5"]').innerText(), /FXO/);

  // Live: a phone on FXS port 1 goes off hook.
  await sim('/api/sim/line-cards/lc0/ports/1', { action: 'off-hook' });
  await page.waitForSelector('[data-testid="linecard-port"][data-n="1"][data-state="off-hook"]', { timeout: 10_000 });
  t.match(await card.locator('[data-testid="linecard-port"][data-n="1"]').innerText(), /摘机/, 'off hook, live');

  // Live: an SMS arrives.
  await sim('/api/sim/modems/gsm0/sms', { from: '+8613800138000', text: 'hello from the tunnel' });
  const smsIn = page.locator('[data-testid="sms-row"][data-direction="in"]');
  await smsIn.waitFor({ timeout: 15_000 });
  t.match(await smsIn.innerText(), /\+8613800138000[\s\S]*hello from the tunnel/, 'the incoming SMS in the log');

  // A test SMS from the form: it appears in the log and moves on from "queued".
  await page.getByTestId('sms-to').fill('+8613900000000');
  await page.getByTestId('sms-send').click();
  await page.waitForSelector('[data-testid="sms-feedback"].msg-ok');
  const smsOut = page.locator('[data-testid="sms-row"][data-direction="out"]');
  await smsOut.waitFor({ timeout: 15_000 });
  await page.waitForSelector('[data-testid="sms-row"][data-direction="out"]:not([data-status="queued"])', { timeout: 30_000 });
  t.match(await smsOut.innerText(), /\+8613900000000[\s\S]*Callpoint 测试短信/, 'the test SMS in the log');

  // USSD: the balance.
  await page.getByTestId('ussd-code').fill('*100#');
  await page.getByTestId('ussd-send').click();
  await page.getByTestId('ussd-result').waitFor({ timeout: 45_000 });
  t.match(await page.getByTestId('ussd-result').innerText(), /Balance: 12\.30 CNY/, 'the USSD answer');

  // Another card, locked with a PIN nobody configured: the admin gets the PIN form and enters it.
  await sim('/api/sim/modems/gsm0/card', { state: 'pin', pin: '2580', iccid: '89860033333333333333' });
  const pinForm = page.locator('[data-testid="modem-card"][data-id="gsm0"] [data-testid="sim-pin-form"]');
  await pinForm.waitFor({ timeout: 30_000 });
  t.match(await pinForm.innerText(), /SIM 卡 PIN 码[\s\S]*连续三次错误会锁卡/, 'the form, in Chinese, says why a PIN is not retried');
  await page.screenshot({ path: join(SHOTS, 'lines-sim-pin-zh-CN.png'), fullPage: true });
  await pinForm.getByTestId('sim-pin').fill('12');
  await pinForm.getByTestId('sim-pin-send').click();
  t.match(await pinForm.getByTestId('sim-pin-feedback').innerText(), /4 至 8 位数字/, 'checked before it is sent');
  await pinForm.getByTestId('sim-pin').fill('2580');
  await pinForm.getByTestId('sim-pin-send').click();
  await page.waitForSelector('[data-testid="modem-card"][data-id="gsm0"][data-state="ready"]', { timeout: 30_000 });
  t.match(await page.locator('[data-testid="modem-card"][data-id="gsm0"] [data-testid="modem-pin"]').innerText(), /由 chief 输入/, 'the card says who entered the PIN');
  t.equal(await page.locator('[data-testid="sim-pin-form"]').count(), 0, 'the form goes once the SIM is ready');

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'lines-sim-zh-CN.png'), fullPage: true });
  await page.getByTestId('lang-switch').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  t.match(await modem.innerText(), /Ready[\s\S]*Home network|Home network[\s\S]*Ready/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'lines-sim-en.png'), fullPage: true });
  t.same(problems, [], 'no page errors and no CSP violations');
});
