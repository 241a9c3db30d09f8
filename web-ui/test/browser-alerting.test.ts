// The dispatcher cannot miss an alarm, and the screen never lies — in real
// Chromium against the real daemon in simulation mode:
// - an alarm raised while the tab is in the background: a desktop
//   notification, the open count in the tab's title and icon; the tone plays
//   (the page's audio state) until the alarm is acknowledged, a mute expires
//   and a new alarm ends it; the notice of a cleared alarm does not linger;
// - the daemon stopped: the header's pill is not green, the page is marked
//   stale with its last update and its controls are disabled; started again:
//   live within 2 s of its health answering.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDaemon } from '../../daemon/test/helpers/daemon.js';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { context, emulateVisibility, firstAdmin, launch, newPage, notifications, recordNotifications, setHidden, shot, simDaemon } from './helpers/browser.js';

const PW = 'beacon-harbour-quartz-64';
const PLAN = { targets: [{ extension: '8000', ringS: 10 }] };
const CONFIG = {
  points: [
    { id: 'sos-km1-2', input: 'in1', label: 'SOS km 1.2 east', location: 'Tunnel A, km 1.2', zone: 'tunnel-a', phone: '1001', escalation: PLAN },
    { id: 'sos-km2-4', input: 'in2', label: 'SOS km 2.4 west', location: 'Tunnel A, km 2.4', zone: 'tunnel-a', escalation: PLAN },
  ],
  phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }, { number: '1001', name: 'Intercom', zone: 'tunnel-a' }],
};

t.test('an alarm in a background tab: notification, title and icon count, a tone until acknowledged', { skip: skipUnless('chromium') }, async (t) => {
  const d = await simDaemon(t, CONFIG);
  const browser = await launch(t);
  const ctx = await context(browser, { locale: 'en-US' });
  await emulateVisibility(ctx);
  await recordNotifications(ctx);
  const { page, problems } = await newPage(ctx);
  await firstAdmin(page, d, 'chief', PW);
  const tone = page.getByTestId('alarm-tone');
  const toneState = () => page.evaluate(() => document.documentElement.dataset.alarmTone ?? 'off');
  const audioState = () => page.evaluate(() => document.documentElement.dataset.audio ?? 'none');

  // Desktop notifications are offered once, asked only on the user's click.
  const offer = page.getByTestId('notify-offer');
  await offer.waitFor();
  await ctx.grantPermissions(['notifications'], { origin: d.url });
  await page.getByTestId('notify-allow').click();
  await offer.waitFor({ state: 'detached' });
  t.equal(await page.evaluate(() => Notification.permission), 'granted', 'the user allowed notifications');
  await page.reload();
  await page.getByTestId('overall-status').waitFor(); // the dashboard
  t.equal(await offer.count(), 0, 'not offered again');
  t.equal(await page.title(), 'Dashboard – Callpoint', 'no count in the title while nothing is open');

  // The tab goes to the background; an alarm is raised.
  await page.getByTestId('page').click({ position: { x: 5, y: 5 } }); // a gesture: the browser may now play sound
  await setHidden(page, true);
  const raised = (await (await d.sim('/api/sim/inputs/in1/press')).json()) as { alarmId: string };
  await page.waitForFunction(() => document.title.startsWith('(1) '), undefined, { timeout: 10_000 });
  t.equal(await page.title(), '(1) Dashboard – Callpoint', 'the count in the tab title');
  t.equal(await page.locator('link[rel="icon"]').getAttribute('data-count'), '1', 'and in the tab icon');
  t.match(await page.locator('link[rel="icon"]').getAttribute('href'), /^data:image\/png;base64,/);
  await page.waitForFunction(() => (window as unknown as { __notifications: unknown[] }).__notifications.length > 0, undefined, { timeout: 5000 });
  t.match(await notifications(page), [{ title: 'ALARM: SOS km 1.2 east', body: `Alarm ${raised.alarmId} at Tunnel A, km 1.2. Open Callpoint to handle it.`, tag: raised.alarmId }], 'one desktop notification, naming the point');
  t.equal(await toneState(), 'playing', 'the tone plays');
  t.equal(await audioState(), 'running', 'through a running audio context');
  await setHidden(page, false);

  // In front again: the banner names the alarm; a mute holds until a new alarm.
  const banner = page.getByTestId('alarm-banner');
  t.match(await banner.innerText(), /ALARM: SOS km 1\.2 east/);
  await page.getByTestId('alarm-mute').click();
  t.equal(await tone.getAttribute('data-state'), 'muted', 'muted');
  t.match(await tone.innerText(), /Tone muted until \d\d:\d\d:\d\d/, 'says until when');
  const second = (await (await d.sim('/api/sim/inputs/in2/press')).json()) as { alarmId: string };
  await page.waitForFunction(() => document.title.startsWith('(2) '), undefined, { timeout: 10_000 });
  await page.waitForFunction(() => document.documentElement.dataset.alarmTone === 'playing', undefined, { timeout: 5000 });
  t.pass('a new alarm ends the mute');
  t.equal((await notifications(page)).length, 1, 'no notification while the tab is in front');
  t.match(await banner.innerText(), /SOS km 2\.4 west/, 'the banner names the newest alarm');
  await shot(page, 'alarm-banner-en.png');

  // Acknowledged elsewhere (the dispatcher's key on the call of the first) and on this screen (the second): the tone stops only then.
  await page.getByTestId('nav-alarms').click();
  const card1 = page.locator(`[data-testid="alarm-card"][data-id="${raised.alarmId}"]`);
  await page.waitForSelector(`[data-testid="alarm-card"][data-id="${raised.alarmId}"][data-state="connected"]`, { timeout: 15_000 });
  await page.getByTestId('sim-dispatcher-ack').click();
  await page.waitForSelector(`[data-testid="alarm-card"][data-id="${raised.alarmId}"][data-state="acknowledged"]`, { timeout: 10_000 });
  t.equal(await toneState(), 'playing', 'one alarm still waits: the tone goes on');
  await page.locator(`[data-testid="alarm-card"][data-id="${second.alarmId}"]`).getByTestId('alarm-ack').click();
  await page.waitForFunction(() => document.documentElement.dataset.alarmTone === 'off', undefined, { timeout: 10_000 });
  t.pass('both acknowledged: the tone stops');
  t.equal(await page.title(), '(2) Alarms – Callpoint', 'acknowledged alarms are still open: still counted');

  // Clearing says so; the next alarm's arrival takes that notice away.
  await card1.getByTestId('alarm-clear').click();
  await page.getByTestId('alarm-clear-confirm').click();
  const notice = page.getByTestId('alarm-feedback');
  await page.waitForSelector(`[data-testid="alarm-feedback"]:has-text("${raised.alarmId}")`);
  t.match(await notice.innerText(), /cleared/);
  await page.waitForFunction(() => document.title.startsWith('(1) '), undefined, { timeout: 10_000 });
  const third = (await (await d.sim('/api/sim/inputs/in1/press')).json()) as { alarmId: string };
  await page.waitForSelector(`[data-testid="alarm-card"][data-id="${third.alarmId}"]`, { timeout: 10_000 });
  await notice.waitFor({ state: 'detached', timeout: 5000 });
  t.pass('the cleared alarm’s notice does not linger into the next alarm');
  t.same(problems, [], 'no page errors');
});

t.test('the daemon stops: not green, stale, disabled; back within 2 s of answering', { skip: skipUnless('chromium') }, async (t) => {
  const dir = t.testdir();
  const d = await simDaemon(t, CONFIG, dir);
  const browser = await launch(t);
  const ctx = await context(browser, { locale: 'zh-CN' });
  // The stream's reconnection attempts fail while the daemon is down: expected console errors.
  const { page, problems } = await newPage(ctx, /ERR_CONNECTION_REFUSED|Failed to load resource/);
  await firstAdmin(page, d, 'chief', PW);
  const pill = page.getByTestId('overall-pill');
  const live = page.getByTestId('live-indicator');
  await page.getByTestId('nav-alarms').click();
  await page.waitForSelector('[data-testid="live-indicator"][data-state="live"]');
  const pressButton = page.getByTestId('sim-press-sos-km1-2');
  t.equal(await pressButton.isEnabled(), true, 'the controls work while connected');
  t.not(await pill.getAttribute('data-state'), 'offline');

  await d.stop();
  await page.waitForSelector('[data-testid="overall-pill"][data-state="offline"]', { timeout: 5000 });
  t.match(await pill.innerText(), /未连接/, 'the pill says “not connected”, not green');
  t.not(await pill.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(229, 244, 234)', 'and it is not the green of “all OK”');
  const notice = page.getByTestId('stale-notice');
  await notice.waitFor();
  t.match(await notice.innerText(), /连接已断开[\s\S]*最后更新 \d\d:\d\d:\d\d[\s\S]*操作均不可用/, 'stale, since when, and why the buttons do nothing');
  t.equal(await page.locator('main').getAttribute('data-stale'), 'true');
  t.ok(Number(await page.getByTestId('page').evaluate((el) => getComputedStyle(el).opacity)) < 1, 'the data is greyed');
  t.equal(await pressButton.isDisabled(), true, 'actions are disabled');
  await shot(page, 'disconnected-zh-CN.png');
  // When the page's own probe first finds the appliance answering (its next probe after the daemon is up).
  let probeAnswered = 0;
  page.on('response', (r) => {
    if (!probeAnswered && r.url().endsWith('/api/health') && r.ok()) probeAnswered = Date.now();
  });
  await sleep(6000); // an outage long enough for the stream's backoff to have grown

  // Started again on the same port: from the moment its health answers, the page is live within 2 s.
  const again = await startDaemon(dir, { configFile: d.configFile, port: d.port, env: { CALLPOINT_SIMULATE: '1' }, waitUp: false });
  t.teardown(() => again.stop());
  let answered = 0;
  while (!answered) {
    const ok = await fetch(`${d.url}/api/health`).then((r) => r.ok, () => false);
    if (ok) answered = Date.now();
    else await sleep(20);
  }
  await page.waitForSelector('[data-testid="live-indicator"][data-state="live"]', { timeout: 10_000 });
  const liveAt = Date.now();
  const tookMs = liveAt - answered;
  // The reconnection follows the probe at once, not the stream's backoff (grown to 8 s and more by
  // now). Measured from the page's probe: on a loaded machine the daemon's first seconds after its
  // health answers can be slow, which is not what this checks.
  t.ok(probeAnswered > 0 && liveAt - probeAnswered <= 2000, `live ${liveAt - probeAnswered} ms after the page's probe found the daemon answering (${tookMs} ms after its health first answered)`);
  await page.waitForSelector('main[data-stale="false"]');
  t.equal(await notice.count(), 0, 'no longer stale');
  t.equal(await pressButton.isEnabled(), true, 'actions enabled again');
  t.not(await pill.getAttribute('data-state'), 'offline');
  t.equal(await live.getAttribute('data-state'), 'live');
  t.same(problems, [], 'no page errors');
});

t.test('the dashboard loads each list once', { skip: skipUnless('chromium') }, async (t) => {
  const d = await simDaemon(t, CONFIG);
  const browser = await launch(t);
  const ctx = await context(browser, { locale: 'en-US' });
  const setup = await newPage(ctx);
  await firstAdmin(setup.page, d, 'chief', PW);
  // A new tab on the dashboard, the setup tab closed: only this page's requests are counted
  // (a reload would count the old document's too while it unloads).
  await setup.page.close();
  const { page, problems } = await newPage(ctx);
  const asked = new Map<string, number>();
  const streams: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    asked.set(path, (asked.get(path) ?? 0) + 1);
  });
  page.on('response', (r) => void (new URL(r.url()).pathname === '/api/events' && streams.push(`answered ${r.status()}`)));
  page.on('requestfailed', (r) => void (new URL(r.url()).pathname === '/api/events' && streams.push(`failed: ${r.failure()?.errorText}`)));
  await page.goto(d.url);
  await page.getByTestId('component-store').waitFor();
  await page.waitForSelector('[data-testid="live-indicator"][data-state="live"]');
  await sleep(1500);
  t.equal(asked.get('/api/alarms'), 1, 'GET /api/alarms once');
  t.equal(asked.get('/api/faults'), 1, 'GET /api/faults once');
  t.equal(asked.get('/api/events'), 1, `one event stream (${streams.join('; ')})`);
  t.ok([...asked.keys()].filter((p) => p.startsWith('/api/')).every((p) => asked.get(p) === 1), `nothing asked twice: ${JSON.stringify([...asked])}`);
  t.same([...setup.problems, ...problems], [], 'no page errors');
});
