// Backup, restore and restart in a real browser, as an admin does them: the
// backup downloaded; a file that is no backup refused with the API's own
// words and nothing staged; the real backup uploaded, said to be ready and
// what it will do; a restart asked for, confirmed, waited for — and the page
// saying Callpoint is back and the backup was restored.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Client } from '../../daemon/test/helpers/http.js';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { context, firstAdmin, launch, newPage, shot, simDaemon } from './helpers/browser.js';

const PW = 'orchard-beacon-granite-46';
/** The daemon stops in order (bounded) and starts again; a loaded machine may take a while. */
const RESTART_TIMEOUT_MS = 120_000;

t.test('backup, a refused restore, a staged restore, restart and back', { skip: skipUnless('chromium') }, async (t) => {
  const dir = t.testdir(); // once: a second call would empty it under the running daemon
  const d = await simDaemon(t, {
    points: [{ id: 'sos-1', input: 'in1', label: 'SOS 1', zone: 'tunnel-a', escalation: { targets: [{ extension: '8000', ringS: 10 }] } }],
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
  }, dir);
  const browser = await launch(t);
  // 401: the session probe; 400: the refused upload; the restart: requests cut while the daemon is away.
  const { page, problems } = await newPage(await context(browser, { locale: 'en-US', acceptDownloads: true }), /status of 40[01] |ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|net::ERR_/);
  await firstAdmin(page, d, 'chief', PW);
  await page.getByTestId('nav-maintenance').click();
  await page.getByTestId('restore-panel').waitFor();

  // ---- the backup ----
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-download').click()]);
  t.match(download.suggestedFilename(), /^callpoint-sim-dev-\d{4}-\d\d-\d\d_\d{6}[+-]\d{4}\.tar$/, 'named with the site, the node and the time');
  const backup = join(dir, download.suggestedFilename());
  await download.saveAs(backup);
  t.ok(statSync(backup).size > 10_000, `a backup of ${statSync(backup).size} bytes`);

  // ---- a file that is no backup: refused, the API's words shown as they are ----
  const junk = { name: 'notes.tar', mimeType: 'application/x-tar', buffer: Buffer.from('this is not a backup') };
  const admin = new Client(d.url);
  await admin.login('chief', PW);
  const direct = await fetch(`${d.url}/api/backup/restore`, { method: 'POST', body: junk.buffer, headers: { 'content-type': 'application/octet-stream', cookie: `${admin.cookieName}=${admin.cookie}`, 'x-csrf-token': admin.csrf! } });
  t.equal(direct.status, 400);
  const apiSays = ((await direct.json()) as { error: string }).error;
  await page.getByTestId('restore-file').setInputFiles(junk);
  t.match(await page.getByTestId('restore-confirm').innerText(), /Restore from notes\.tar[\s\S]*checked[\s\S]*Nothing changes yet[\s\S]*next restart[\s\S]*replaces this appliance’s database and configuration/, 'before anything: what will happen, step by step');
  await page.getByTestId('restore-upload').click();
  await page.getByTestId('restore-error-text').waitFor();
  // The API names its own temporary copy of the upload (a random name per upload): the rest is word for word.
  const upload = (s: string) => s.replace(/\.upload-[0-9a-f]+\.tar/g, '.upload-….tar');
  t.equal(upload(await page.getByTestId('restore-error-text').innerText()), upload(apiSays), 'the API’s message, verbatim');
  t.match(apiSays, /^not restored: .*nothing was changed$/);
  t.equal(await page.getByTestId('restore-pending').count(), 0, 'nothing staged');

  // ---- the real backup: checked, ready, and said what it does ----
  await page.getByTestId('restore-file').setInputFiles(backup);
  await page.getByTestId('restore-upload').click();
  await page.getByTestId('restore-pending').waitFor();
  t.match(await page.getByTestId('restore-pending').innerText(), /A backup is ready[\s\S]*Made on sim \/ dev[\s\S]*Uploaded by chief/, 'ready: whose, from where, by whom');
  t.equal(await page.getByTestId('restore-error').count(), 0, 'the earlier refusal is gone');
  // Something done after the backup, which the restore takes away.
  t.equal((await admin.post('/api/users', { username: 'later', password: PW, role: 'viewer' })).status, 201);

  // ---- restart: asked, confirmed, waited for, back ----
  await page.getByTestId('restart-open').click();
  const confirm = page.getByTestId('restart-confirm');
  t.match(await confirm.innerText(), /call points are not watched[\s\S]*calls in progress may be cut/, 'what a restart interrupts');
  t.equal(await page.getByTestId('restart-restores').count(), 1, 'and that it restores the backup');
  await page.getByTestId('restart-reason').fill('restore before the audit');
  await shot(page, 'maintenance-confirm-en.png');
  await page.getByTestId('restart-confirm-yes').click();
  await page.waitForSelector('[data-testid="restart-state"][data-state="waiting"]');
  t.pass('the page says it waits');
  await page.waitForSelector('[data-testid="restart-state"][data-state="back"]', { timeout: RESTART_TIMEOUT_MS });
  t.match(await page.getByTestId('restart-state').innerText(), /Callpoint is back/, 'and then that Callpoint is back');
  t.equal(d.lines.filter((l) => l.msg === 'Callpoint is up').length, 2, 'it did start again');
  await page.waitForSelector('[data-testid="restore-result"][data-outcome="ok"]');
  t.match(await page.getByTestId('restore-result').innerText(), /restored at start/, 'the restore: applied at the start');
  t.equal(await page.getByTestId('restore-pending').count(), 0, 'nothing waits any more');
  await page.waitForSelector('[data-testid="live-indicator"][data-state="live"]', { timeout: 30_000 });
  t.pass('the page is live again');
  const after = new Client(d.url);
  await after.login('chief', PW);
  t.notOk(((await after.get('/api/users')).json.users as Array<{ username: string }>).some((u) => u.username === 'later'), 'the user added after the backup is gone');
  await shot(page, 'maintenance-back-en.png');
  t.same(problems, [], 'no page errors');
});
