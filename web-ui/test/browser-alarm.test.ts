// The newcomer's path in a real browser: simulation mode, first-run setup,
// press a simulated call point, watch the alarm go to the dispatch desk, the
// dispatcher acknowledge with the key, and clear it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { freePort, ROOT, startDaemon } from '../../daemon/test/helpers/daemon.js';
import { skipUnless, toolPath } from '../../daemon/test/helpers/tools.js';

const SHOTS = join(ROOT, 'var', 'screenshots');
const PW = 'harbour-signal-tunnel-58';

t.test('press, call, acknowledge, clear — in the Alarms page', { skip: skipUnless('chromium') }, async (t) => {
  const executablePath = toolPath('chromium');
  if (!executablePath) return t.fail('chromium is missing');
  const { chromium } = await import('playwright-core');
  const dir = t.testdir();
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port },
    points: [{ id: 'sos-km1-2', input: 'in1', label: 'SOS km 1.2 east', location: 'Tunnel A, km 1.2', zone: 'tunnel-a', phone: '1001', escalation: { targets: [{ extension: '8000', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }, { number: '1001', name: 'Intercom', zone: 'tunnel-a' }],
  }));
  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' } });
  t.teardown(() => d.stop());
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${d.url}/setup#token=${d.setupToken()}`);
  await page.getByTestId('setup-username').fill('chief');
  await page.getByTestId('setup-password').fill(PW);
  await page.getByTestId('setup-confirm').fill(PW);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('nav-alarms').click();
  await page.getByTestId('sim-press-sos-km1-2').click();
  const card = page.getByTestId('alarm-card').first();
  await card.waitFor();
  await page.getByTestId('alarm-banner').waitFor();
  t.pass('an alarm card and the banner appear');
  await page.waitForSelector('[data-testid="alarm-card"][data-state="connected"]', { timeout: 10_000 });
  t.pass('the dispatch desk answered: connected');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'alarm-connected-en.png'), fullPage: true });
  await page.getByTestId('sim-dispatcher-ack').click();
  await page.waitForSelector('[data-testid="alarm-card"][data-state="acknowledged"]', { timeout: 5000 });
  t.pass('the dispatcher’s key acknowledged it');
  await page.getByTestId('alarm-clear').click();
  await page.getByTestId('alarm-clear-confirm').click();
  await page.getByTestId('alarm-row').first().waitFor();
  await page.getByTestId('alarm-banner').waitFor({ state: 'detached' });
  t.equal(await page.getByTestId('alarm-card').count(), 0, 'no open alarm left, the banner is gone');
  t.match(await page.getByTestId('alarm-row').first().innerText(), /SOS km 1\.2 east/);
  t.same(errors, [], 'no page errors');
});
