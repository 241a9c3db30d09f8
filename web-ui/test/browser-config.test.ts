// Configuring the appliance in a real browser against the real daemon in
// simulation (board and FreeSWITCH emulator): a technician adds a zone, a
// phone, a plan and a point through the generated forms (in English, then in
// Chinese), applies each, presses the new point and the alarm calls the new
// plan's phone; the file on disk stays valid and keeps its comments. Invalid
// input shows the daemon's message on the field and writes nothing. Two
// people saving at once: the second gets what changed and saves again on the
// latest version, losing nothing. A change to the point of an open alarm is
// shown as waiting, on the page, until the alarm is cleared. Screenshots in
// both languages.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import type { Page } from 'playwright-core';
import { cli } from '../../daemon/test/helpers/daemon.js';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { rig, shot } from './helpers/config-rig.js';

/** Open a section, add an entry, fill its fields, review and apply; the result names the new version. */
async function addEntry(page: Page, section: string, fill: (page: Page) => Promise<void>): Promise<number> {
  await page.getByTestId(`settings-nav-${section}`).click();
  await page.getByTestId(`section-${section}`).waitFor();
  await page.getByTestId('entry-add').click();
  await fill(page);
  await page.getByTestId('config-review').click();
  await page.getByTestId('config-apply').waitFor();
  await page.getByTestId('config-apply').click();
  const result = page.getByTestId('config-result');
  await result.waitFor();
  return Number(await result.getAttribute('data-version'));
}

t.test('a technician adds a zone, a phone, a plan and a point in the UI; the new point’s alarm follows the new plan', { skip: skipUnless('chromium') }, async (t) => {
  const r = await rig(t);
  const page = await r.page('tech');
  await page.getByTestId('nav-settings').click();

  // In English: a zone and a phone.
  await addEntry(page, 'zones', async (p) => {
    await p.getByTestId('field-id').fill('east');
    await p.getByTestId('field-name').fill('East bore');
    await p.getByTestId('config-review').click();
    await p.getByTestId('config-diff').waitFor();
    t.match(await p.getByTestId('config-diff').innerText(), /zones\[id=east\][\s\S]*added/, 'the review shows the change per field');
    await p.getByTestId('config-back').click();
  });
  await shot(page, 'config-zone-en.png');
  await addEntry(page, 'phones', async (p) => {
    await p.getByTestId('field-number').fill('1003');
    await p.getByTestId('field-name').fill('Duty phone east');
    await p.getByTestId('field-zone').fill('east');
  });

  // In Chinese: the plan and the point.
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await addEntry(page, 'plans', async (p) => {
    t.match(await p.getByTestId('entry-editor').innerText(), /方案标识[\s\S]*呼叫目标/, 'the plan form in Chinese, from the schema');
    await p.getByTestId('field-id').fill('east-duty');
    await p.getByTestId('field-name').fill('东洞值班');
    await p.getByTestId('field-targets-add').click();
    await p.getByTestId('field-targets[0].extension').fill('1003');
    await p.getByTestId('field-targets[0].ringS').fill('15');
    await shot(p, 'config-plan-zh-CN.png');
  });
  const v = await addEntry(page, 'points', async (p) => {
    await p.getByTestId('field-id').fill('sos-east');
    await p.getByTestId('field-input').selectOption('in4');
    await p.getByTestId('field-label').fill('SOS 东洞 km 0.4');
    await p.getByTestId('field-location').fill('东洞 0.4 公里');
    await p.getByTestId('field-zone').fill('east');
    await p.getByTestId('field-plan').fill('east-duty');
  });
  t.match(await page.getByTestId('config-result').innerText(), /已应用[\s\S]*points/, 'applied, said in Chinese');
  await shot(page, 'config-point-zh-CN.png');
  t.ok(v >= 5, `four applies made version ${v}`);

  // The new point, pressed in simulation: its alarm calls the new plan's phone.
  await page.getByTestId('nav-alarms').click();
  await page.getByTestId('sim-press-sos-east').click();
  const card = page.locator('[data-testid="alarm-card"][data-state="connected"]');
  await card.waitFor({ timeout: 15_000 });
  const alarms = (await page.evaluate(async () => (await fetch('/api/alarms')).json() as unknown)) as { open: Array<{ pointId: string; target: string; state: string }> };
  t.match(alarms.open.find((a) => a.pointId === 'sos-east'), { state: 'connected', target: 'extension 1003' }, 'the alarm follows the new plan: 1003 was called and answered');
  await shot(page, 'config-alarm-zh-CN.png');

  // The file on disk: valid, with everything added, and every comment kept.
  const text = readFileSync(r.live, 'utf8');
  const file = parse(text) as { zones: Array<{ id: string }>; phones: Array<{ number: string }>; plans: Array<{ id: string }>; points: Array<{ id: string; plan: string }> };
  t.ok(file.zones.some((z) => z.id === 'east') && file.phones.some((x) => x.number === '1003') && file.plans.some((x) => x.id === 'east-duty') && file.points.some((x) => x.id === 'sos-east' && x.plan === 'east-duty'), 'the YAML holds the zone, the phone, the plan and the point');
  for (const c of ['# Tunnel B — cabinet 1, as provisioned by the installer.', '# the desk is here', '# The dispatch desk only, for now.', '# painted on the cabinet']) t.ok(text.includes(c), `comment kept: ${c}`);
  const check = await cli(['config', 'check', r.live]);
  t.equal(check.code, 0, `callpoint config check passes: ${check.stdout}${check.stderr}`);
  t.same(r.problems, [], 'no page errors');
});

t.test('invalid input shows the daemon’s message on the field; nothing is written', { skip: skipUnless('chromium') }, async (t) => {
  const r = await rig(t);
  const page = await r.page('tech');
  const before = readFileSync(r.live, 'utf8');
  await page.getByTestId('nav-settings').click();
  const review = async () => {
    await page.getByTestId('config-review').click();
    await page.locator('.field-error').first().waitFor();
  };

  // A plan: a ring time that is no number, then one too small.
  await page.getByTestId('settings-nav-plans').click();
  await page.getByTestId('entry-edit-desk').click();
  await page.getByTestId('field-targets[0].ringS').fill('twenty');
  await review();
  t.equal(await page.getByTestId('field-error-targets[0].ringS').innerText(), 'expected a number, got "twenty"', 'wrong type: the schema’s message on the field');
  t.equal(await page.getByTestId('field-targets[0].ringS').getAttribute('aria-invalid'), 'true');
  await page.getByTestId('field-targets[0].ringS').fill('2');
  await review();
  // The earlier error is still on the page until the new review answers: wait for the new message.
  await page.getByTestId('field-error-targets[0].ringS').filter({ hasText: /expected number to be >=5/ }).waitFor({ timeout: 10_000 }).catch(() => undefined);
  t.match(await page.getByTestId('field-error-targets[0].ringS').innerText(), /expected number to be >=5/, 'bad number: on the field');
  await shot(page, 'config-invalid-en.png');
  await page.getByTestId('entry-close').click();

  // A point naming a plan that does not exist.
  await page.getByTestId('settings-nav-points').click();
  await page.getByTestId('entry-add').click();
  await page.getByTestId('field-id').fill('sos-2');
  await page.getByTestId('field-input').selectOption('in2');
  await page.getByTestId('field-label').fill('SOS 2');
  await page.getByTestId('field-zone').fill('control');
  await page.getByTestId('field-plan').fill('nobody');
  await review();
  t.equal(await page.getByTestId('field-error-plan').innerText(), 'no escalation plan "nobody" (plans: desk)', 'a missing reference: on the field, listing what exists');
  await page.getByTestId('entry-close').click();

  // A zone whose id is taken, in Chinese.
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await page.getByTestId('settings-nav-zones').click();
  await page.getByTestId('entry-add').click();
  await page.getByTestId('field-id').fill('control');
  await review();
  t.equal(await page.getByTestId('field-error-id').innerText(), 'zone id "control" is already used by zones[0]', 'a duplicate id: on the field');
  await shot(page, 'config-invalid-zh-CN.png');

  // Deleting the zone that everything is in: refused with the list.
  await page.getByTestId('entry-close').click();
  await page.getByTestId('entry-edit-control').click();
  await page.getByTestId('entry-delete').click();
  await page.getByTestId('entry-delete-confirm').click();
  await page.getByTestId('delete-refused').waitFor();
  t.match(await page.getByTestId('delete-refused').innerText(), /cannot be deleted: points\[0\] \(sos-1\), phones\[0\] \(8000\) refer to it/);

  t.equal(readFileSync(r.live, 'utf8'), before, 'nothing was written');
  t.same(r.problems, [], 'no page errors');
});

t.test('two people save at once: the second gets 409 with what changed, saves again on the latest, nothing is lost', { skip: skipUnless('chromium') }, async (t) => {
  const r = await rig(t);
  const a = await r.page('tech');
  const b = await r.page('tech2');
  for (const p of [a, b]) {
    await p.getByTestId('nav-settings').click();
    await p.getByTestId('settings-nav-phones').click();
    await p.getByTestId('entry-edit-8000').click();
  }
  // On the same version: A renames the desk phone, B the control room.
  await a.getByTestId('field-name').fill('Dispatch desk (A)');
  await a.getByTestId('config-review').click();
  await b.getByTestId('settings-nav-zones').click();
  await b.getByTestId('entry-edit-control').click();
  await b.getByTestId('field-name').fill('Control room (B)');
  await b.getByTestId('config-review').click();
  await a.getByTestId('config-apply').click();
  await a.getByTestId('config-result').waitFor();
  await b.getByTestId('config-apply').click();
  const conflict = b.getByTestId('config-conflict');
  await conflict.waitFor();
  t.match(await conflict.innerText(), /phones\[number=8000\]\.name[\s\S]*Dispatch[\s\S]*Dispatch desk \(A\)/, 'B sees what A changed, per field');
  t.equal(await b.getByTestId('field-name').inputValue(), 'Control room (B)', 'B’s change is still in the form');
  await shot(b, 'config-conflict-en.png');
  await b.getByTestId('config-retry').click();
  await b.getByTestId('config-apply').click();
  await b.getByTestId('config-result').waitFor();
  const text = readFileSync(r.live, 'utf8');
  t.match(text, /Dispatch desk \(A\)/, 'A’s change is in the file');
  t.match(text, /Control room \(B\)/, 'and B’s');
  t.same(r.problems, [], 'no page errors');
});

t.test('a change to the point of an open alarm waits until the alarm is cleared, and the UI says so', { skip: skipUnless('chromium') }, async (t) => {
  const r = await rig(t);
  const page = await r.page('tech');
  const pressed = await r.press('in1');
  t.ok(pressed.alarmId, `alarm ${pressed.alarmId} is open`);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-nav-points').click();
  await page.getByTestId('entry-edit-sos-1').click();
  await page.getByTestId('field-label').fill('SOS 1 (cabinet 1)');
  await page.getByTestId('config-review').click();
  await page.getByTestId('config-apply').click();
  const waiting = page.locator(`[data-testid="config-result"] [data-testid="pending-row"][data-waits="alarm"][data-path="points[id=sos-1]"]`);
  await waiting.waitFor();
  t.match(await waiting.innerText(), new RegExp(`waits until alarm ${pressed.alarmId} is cleared`), 'the result says the change waits for the alarm');
  await shot(page, 'config-pending-en.png');
  // The page itself (not only the apply's result) keeps saying what waits, on any section.
  await page.getByTestId('settings-nav-zones').click();
  const pageWarning = page.locator('.settings > .msg-warn [data-testid="pending-row"][data-waits="alarm"]');
  await pageWarning.waitFor();
  t.match(await pageWarning.innerText(), new RegExp(`waits until alarm ${pressed.alarmId} is cleared`), 'the settings page says the change waits');
  // The alarm is acknowledged and cleared: the change takes effect, and the page says nothing waits.
  for (const action of ['ack', 'clear']) {
    const res = await page.evaluate(async ([id, a]) => {
      const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      return (await fetch(`/api/alarms/${id}/${a}`, { method: 'POST', headers: { 'x-csrf-token': s.csrfToken } })).status;
    }, [pressed.alarmId!, action] as const);
    t.equal(res, 200, `alarm ${action}`);
  }
  await page.waitForFunction(() => !document.querySelector('.settings [data-testid="config-pending"]'));
  t.pass('nothing waits any more');
  const alarms = (await page.evaluate(async () => (await fetch('/api/alarms')).json() as unknown)) as { points: Array<{ id: string; label: string }> };
  t.equal(alarms.points.find((x) => x.id === 'sos-1')?.label, 'SOS 1 (cabinet 1)', 'the point’s change is in effect');
  t.same(r.problems, [], 'no page errors');
});
