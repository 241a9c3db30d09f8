// The desk's wallboard in a real browser, against the real daemon (a child
// process) and the FreeSWITCH emulator (in this process) running the
// configuration provisioning wrote, as daemon/test/desk-queues.test.ts has it.
// Anna, a viewer who is agent 8001, signs in and from the page:
// - logs herself in, and pauses with a reason (the row says so);
// - sees callers arrive while she is paused: the emergency caller first with
//   its reason, the zone's caller with the zone reason, each wait ticking —
//   brought by the `desk` events, the page never reloaded;
// - resumes: the emergency call rings at her phone; once answered its row
//   leaves and she shows busy; when she hangs up, wrap-up;
// - may not act for 8002 (no buttons there; the API would answer 403);
// - the big screen hides the header and the buttons.
// Screenshots in both languages under var/screenshots/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { DeviceSecrets } from '../../provisioning/src/device-secrets.js';
import { FreeSwitchEmulator, readFreeswitchConfig } from '../../daemon/src/sim/freeswitch/index.js';
import { cli, freePort } from '../../daemon/test/helpers/daemon.js';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { Central, provision, WorldDaemon, writeWorldConfig } from '../../daemon/test/routing-world/world.js';
import { context, launch, newPage, shot } from './helpers/browser.js';

const ANNA = { username: 'anna', password: 'harbour-violet-spindle-94' };
const WRAP_UP_S = 60;
const site = {
  zones: [
    { id: 'control', name: 'Control room', dispatch: true, permissions: ['same-zone', 'other-zones', 'dispatch'] },
    { id: 'tunnel-a', name: 'Tunnel A', permissions: ['same-zone', 'other-zones', 'dispatch'] },
    { id: 'tunnel-b', name: 'Tunnel B', permissions: ['same-zone', 'other-zones', 'dispatch'] },
  ],
  phones: [
    { number: '8001', name: 'Desk 1', zone: 'control' },
    { number: '8002', name: 'Desk 2', zone: 'control' },
    { number: '5001', name: 'Niche 1', zone: 'tunnel-b' },
    { number: '5002', name: 'Niche 2', zone: 'tunnel-a' },
    { number: '5003', name: 'Niche 3', zone: 'tunnel-b' },
  ],
  routes: [
    { id: 'desk', match: { number: '7000' }, to: { queue: 'dispatch' } },
    { id: 'desk-sos', match: { number: '7999' }, to: { queue: 'dispatch', emergency: true } },
  ],
  queues: [
    {
      id: 'dispatch', name: 'Tunnel dispatch', strategy: 'longest-idle', ringS: 20, wrapUpS: WRAP_UP_S, maxWaitS: 600,
      agents: [{ extension: '8001', user: ANNA.username, zones: ['tunnel-a'] }, { extension: '8002' }],
    },
  ],
};

t.test('the wallboard: an agent logs in from the page and watches calls arrive and be answered', { skip: skipUnless('chromium') }, async (t) => {
  const dir = t.testdir();
  const central = await Central.start();
  t.teardown(() => central.close());
  const httpPort = await freePort();
  const eslPort = await freePort();
  const configFile = writeWorldConfig(dir, { httpPort, eslPort, brokerUrl: central.broker.url, site });
  const provisioned = join(dir, 'provisioned');
  await provision(configFile, provisioned);
  const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
  const emu = new FreeSwitchEmulator({
    password: secrets.eslPassword, port: eslPort, heartbeatMs: 0, recordingsDir: join(dir, 'emulator-recordings'),
    phones: site.phones.map((p) => ({ number: p.number, name: p.name, zone: p.zone, behaviour: 'answer' as const, answerAfterMs: 400, busyWhenInCall: true })),
    config: readFreeswitchConfig(provisioned),
  });
  await emu.start();
  t.teardown(() => emu.stop());
  const daemon = await WorldDaemon.start({ dir, configFile, port: httpPort });
  t.teardown(() => daemon.stop());
  const added = await cli(['user', 'add', ANNA.username, '--role', 'viewer', '--password-stdin', '--config', configFile], { input: `${ANNA.password}\n` });
  t.equal(added.code, 0, `anna added (${added.stderr})`);

  const browser = await launch(t);
  // 401: the session probe before signing in.
  const { page, problems } = await newPage(await context(browser, { locale: 'en-US' }), /status of 401 /);
  await page.goto(daemon.handle.url);
  await page.getByTestId('login-username').fill(ANNA.username);
  await page.getByTestId('login-password').fill(ANNA.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-desk').click();
  await page.getByTestId('desk-queue').waitFor();
  const agent = (ext: string) => page.locator(`[data-testid="desk-agent"][data-extension="${ext}"]`);
  const agentIn = (ext: string, state: string) => page.locator(`[data-testid="desk-agent"][data-extension="${ext}"][data-state="${state}"]`).waitFor({ timeout: 15_000 });
  t.equal(await agent('8001').getAttribute('data-state'), 'logged-out', 'anna’s phone starts logged out');
  t.equal(await agent('8001').getAttribute('data-mine'), 'yes', 'the page knows 8001 is hers');
  t.equal(await agent('8002').getByTestId('desk-agent-actions').count(), 0, 'no buttons for someone else’s agent');

  // 1. She logs in and pauses with a reason, from the page.
  await agent('8001').getByTestId('agent-login').click();
  await agentIn('8001', 'available');
  await agent('8001').getByTestId('agent-pause-reason').fill('briefing');
  await agent('8001').getByTestId('agent-pause').click();
  await agentIn('8001', 'paused');
  t.equal(await agent('8001').getByTestId('desk-agent-state').innerText(), 'paused: briefing', 'paused, with her reason');
  t.match(await agent('8001').getByTestId('desk-agent-since').innerText(), /^\d\d:\d\d:\d\d \(00:0\d\)$/, 'since when (and for how long)');

  // 2. Callers arrive: rows appear in their order, with why.
  const calls = page.getByTestId('desk-call');
  const uuids = new Map<string, string>();
  uuids.set('5001', emu.phone('5001').dial('7000'));
  await page.locator('[data-testid="desk-call"][data-caller="5001"]').waitFor({ timeout: 15_000 });
  uuids.set('5002', emu.phone('5002').dial('7000'));
  uuids.set('5003', emu.phone('5003').dial('7999'));
  await page.locator('[data-testid="desk-waiting-count"][data-count="3"]').waitFor({ timeout: 15_000 });
  t.same(await calls.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-caller'))), ['5003', '5001', '5002'], 'the emergency caller first, then by wait (nobody is free: zones do not count yet)');
  const first = calls.first();
  t.equal(await first.getAttribute('data-urgency'), 'emergency');
  t.equal(await first.getByTestId('desk-reason').first().innerText(), 'emergency: ahead of all', 'the reason for its place');
  t.match(await page.locator('[data-testid="desk-call"][data-caller="5002"]').innerText(), /zone tunnel-a: no free agent covers it[\s\S]*waiting \d+ s[\s\S]*no free agent/, 'the zone caller: its zone, its wait, what it waits for');
  const waited = page.locator('[data-testid="desk-call"][data-caller="5001"] [data-testid="desk-waited"]');
  const before = await waited.innerText();
  await page.waitForFunction((b) => document.querySelector('[data-testid="desk-call"][data-caller="5001"] [data-testid="desk-waited"]')?.textContent !== b, before, { timeout: 5000 });
  t.pass(`the wait ticks (${before} → ${await waited.innerText()})`);
  await shot(page, 'desk-waiting-en.png');

  // 3. She resumes: the emergency call rings at her phone, is answered; its row leaves; she is busy.
  await agent('8001').getByTestId('agent-resume').click();
  await agentIn('8001', 'busy');
  await page.locator('[data-testid="desk-waiting-count"][data-count="2"]').waitFor({ timeout: 15_000 });
  t.same(await calls.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-caller'))), ['5001', '5002'], 'the emergency caller’s row has left');
  t.ok(emu.channel(uuids.get('5003')!)?.bridgedTo, 'the emergency caller is talking to her');
  t.match(await agent('8001').innerText(), /busy[\s\S]*on a call/, 'busy, on a call');

  // 4. She hangs up: wrap-up, until when.
  t.ok(emu.phone('8001').hangup(), 'her phone hangs up');
  await agentIn('8001', 'wrap-up');
  t.match(await agent('8001').getByTestId('desk-agent-since').innerText(), /^until \d\d:\d\d:\d\d$/, 'wrap-up until when');
  t.equal(await page.getByTestId('desk-call').count(), 2, 'the other two still wait (she wraps up)');
  await shot(page, 'desk-wrap-up-en.png');

  // 5. The big screen: no header, no buttons.
  await page.getByTestId('desk-big').click();
  await page.locator('[data-testid="wallboard"][data-big="yes"]').waitFor();
  t.notOk(await page.locator('header.topbar').isVisible(), 'the header is hidden');
  t.equal(await page.getByTestId('desk-agent-actions').count(), 0, 'and the buttons');
  await shot(page, 'desk-big-en.png');
  await page.getByTestId('desk-big').click();
  await page.locator('[data-testid="wallboard"][data-big="no"]').waitFor();
  t.ok(await page.locator('header.topbar').isVisible(), 'back: the header again');

  // In Chinese.
  await page.evaluate(() => localStorage.setItem('callpoint.lang', 'zh-CN'));
  await page.reload();
  await page.locator('[data-testid="desk-call"][data-caller="5001"]').waitFor();
  t.match(await page.locator('[data-testid="desk-call"][data-caller="5002"]').innerText(), /区域 tunnel-a/, 'the reasons in Chinese');
  await shot(page, 'desk-wrap-up-zh.png');
  t.same(problems, [], 'no page errors');
});
