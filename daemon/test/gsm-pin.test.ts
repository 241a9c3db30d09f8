// A wrong SIM PIN and a daemon that restarts — the real daemon as a child
// process, its modem a GSM modem simulator held by this test on the far end of
// a socat pty, so the SIM (and its three PIN attempts) outlives every daemon:
//  - three restarts, two of them crashes (SIGKILL), cost one attempt, not four;
//  - `callpoint gsm pin` beside the running daemon gives the right PIN, which
//    the daemon enters at its next check of the SIM;
//  - another card (another ICCID) is not held by the first card's refusal;
//  - the admin form's API: admins only, audited, the PIN never echoed;
//  - the PIN appears in no log line, no API answer and no audit row.
import { realpathSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { SerialPort } from 'serialport';
import { stringify } from 'yaml';
import { GsmModemSim } from '../../hardware/src/sim/serial/gsm-modem-sim.js';
import { openPtyPair } from '../../hardware/src/sim/serial/pty-pair.js';
import { cli, freePort, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { Client } from './helpers/http.js';
import { skipUnless } from './helpers/tools.js';

const PW = 'sim-tray-lantern-48';
const CARD1 = { iccid: '89860011111111111111', pin: '8642' };
const CARD2 = { iccid: '89860022222222222222', pin: '1357' };
const CARD3 = { iccid: '89860033333333333333', pin: '2580' };
const CONFIG_PIN = '1357'; // wrong for cards 1 and 3, right for card 2
const WRONG_BY_HAND = '97531';

const until = async <T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

interface Health { components: { gsm: { status: string; detail: string } } }
const gsmHealth = async (d: DaemonHandle) => ((await (await fetch(`${d.url}/api/health`)).json()) as Health).components.gsm;

t.test('a wrong SIM PIN across restarts, the CLI and the admin form', { skip: skipUnless('socat') }, async (t) => {
  const dir = t.testdir();
  const pty = await openPtyPair(dir);
  t.teardown(() => pty.close());
  const sim = new GsmModemSim({ model: 'sim800', sim: 'pin', pin: CARD1.pin, iccid: CARD1.iccid, networkDelayMs: 5 });
  const far = new SerialPort({ path: pty.b, baudRate: 115200 });
  await new Promise<void>((resolve, reject) => far.once('open', () => resolve()).once('error', reject));
  sim.attach(far);
  t.teardown(async () => {
    sim.close();
    await new Promise<void>((r) => far.close(() => r()));
  });

  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, freeswitch: { host: '127.0.0.1', port: await freePort() }, log: { level: 'debug' },
    lines: { modems: [{ id: 'gsm0', port: realpathSync(pty.a), pin: CONFIG_PIN, pollS: 5 }] },
  }));
  const pinsSent = () => sim.count('AT+CPIN="');
  const checks = () => sim.count('AT+CPIN?');
  const allLogs: string[] = [];
  const keep = (d: DaemonHandle) => allLogs.push(d.stdout(), d.stderr());

  // ---- four starts with the wrong configured PIN: one attempt spent ----
  let d: DaemonHandle | undefined;
  for (let start = 1; start <= 4; start++) {
    const before = checks();
    d = await startDaemon(dir, { configFile, port });
    await until(checks, (n) => n > before, `start ${start}: the SIM checked`);
    const h = await until(() => gsmHealth(d!), (g) => /refused the configured PIN/.test(g.detail), `start ${start}: the refusal in health`);
    t.equal(h.status, 'down', `start ${start}: gsm down`);
    t.match(h.detail, new RegExp(`SIM ${CARD1.iccid} refused the configured PIN \\(incorrect password\\); it is not entered again`), `start ${start}: ${start === 1 ? 'refused' : 'held from the database'}, and why`);
    t.equal(pinsSent(), 1, `start ${start}: the PIN was sent once in all`);
    if (start < 4) {
      keep(d);
      await d.stop(start === 2 ? 'SIGTERM' : 'SIGKILL'); // a crash loop, and one orderly restart
    }
  }
  t.equal(sim.pinAttemptsLeft(), 2, 'the SIM has two of three attempts left after four starts');
  const daemon = d!;
  t.teardown(() => daemon.stop());

  // ---- a person gives the right PIN with the CLI, beside the running daemon ----
  const noModem = await cli(['gsm', 'pin', 'gsm9', '--pin-stdin', '--config', configFile], { input: `${CARD1.pin}\n` });
  t.equal(noModem.code, 1);
  t.match(noModem.stderr, /no modem "gsm9" in lines\.modems \(there are: gsm0\)/);
  t.match((await cli(['gsm', 'pin', 'gsm0', '--pin-stdin', '--config', configFile], { input: '12\n' })).stderr, /a SIM PIN is 4–8 digits/);
  const entered = await cli(['gsm', 'pin', 'gsm0', '--pin-stdin', '--config', configFile], { input: `${CARD1.pin}\n` });
  t.equal(entered.code, 0, entered.stderr);
  t.match(entered.stdout, new RegExp(`SIM PIN for gsm0 stored \\(for SIM ${CARD1.iccid}\\); a running daemon enters it at its next check of the SIM, within 5 s`));
  await until(() => sim.state.sim, (s) => s === 'ready', 'the daemon entered the PIN from the CLI');
  t.equal(pinsSent(), 2);
  t.equal(sim.pinAttemptsLeft(), 3, 'taken: the SIM has its three attempts again');
  await until(() => gsmHealth(daemon), (g) => g.status === 'ok', 'gsm ok');

  // ---- another card, whose PIN is the configured one: entered at once ----
  sim.swapCard('pin', CARD2.pin, CARD2.iccid);
  await until(() => gsmHealth(daemon), (g) => g.status === 'ok' && pinsSent() === 3, 'card 2 unlocked with the configured PIN');
  t.equal(sim.state.sim, 'ready', 'the PIN entered for card 1 was not tried on card 2; the configured one was');

  // ---- a third card, whose PIN nobody configured: refused once, then the admin form ----
  sim.swapCard('pin', CARD3.pin, CARD3.iccid);
  await until(() => gsmHealth(daemon), (g) => new RegExp(`SIM ${CARD3.iccid} refused the configured PIN`).test(g.detail), 'card 3 refused the configured PIN');
  t.equal(pinsSent(), 4);
  for (const [user, role] of [['chief', 'admin'], ['tech', 'technician']] as const) {
    t.equal((await cli(['user', 'add', user, '--role', role, '--password-stdin', '--config', configFile], { input: `${PW}\n` })).code, 0);
  }
  const tech = new Client(daemon.url);
  await tech.login('tech', PW);
  t.equal((await tech.post('/api/lines/modems/gsm0/pin', { pin: CARD3.pin })).status, 403, 'a technician cannot enter a PIN');
  const admin = new Client(daemon.url);
  await admin.login('chief', PW);
  t.equal((await admin.post('/api/lines/modems/gsm0/pin', { pin: '12' })).status, 400);
  t.equal((await admin.post('/api/lines/modems/gsm9/pin', { pin: CARD3.pin })).status, 404);
  t.equal(pinsSent(), 4, 'nothing reached the SIM');
  const wrong = await admin.post('/api/lines/modems/gsm0/pin', { pin: WRONG_BY_HAND });
  t.match(wrong, { status: 200, json: { sim: 'pin', faults: [{ code: 'wrong-pin' }] } }, 'a person may try a PIN; the answer says the SIM refused it');
  const right = await admin.post('/api/lines/modems/gsm0/pin', { pin: CARD3.pin });
  t.match(right, { status: 200, json: { sim: 'ready', faults: [] } }, 'the right one is taken at once');
  t.equal(pinsSent(), 6);
  const lines = (await admin.get('/api/lines')).json as { modems: Array<{ pin: { entered: { by: string } | null; configured: boolean }; iccid: string }> };
  t.match(lines.modems[0], { iccid: CARD3.iccid, pin: { entered: { by: 'chief' }, configured: true } });

  // ---- audited, and the PIN nowhere ----
  const auditRes = (await admin.get('/api/audit?limit=100')).json as { entries?: Array<{ action: string; username: string; outcome: string; detail: string | null }> } | Array<{ action: string; username: string; outcome: string; detail: string | null }>;
  const audit = (Array.isArray(auditRes) ? auditRes : (auditRes.entries ?? [])).filter((e) => e.action === 'gsm.pin');
  // The CLI's two refused calls (no such modem, not a PIN) never reach the database; its stored PIN does.
  const want = [['chief', 'failed'], ['chief', 'failed'], ['chief', 'failed'], ['chief', 'ok'], [`cli:${userInfo().username}`, 'ok'], ['tech', 'denied']];
  t.same(audit.map((e) => [e.username, e.outcome]).sort(), want.sort(), 'every attempt audited: the 400, the 404, the refused PIN, the taken one, the CLI, the technician');
  t.ok(audit.some((e) => e.username === 'chief' && e.outcome === 'failed' && /refused the PIN/.test(e.detail ?? '')), 'the refusal is in the audit detail');
  keep(daemon);
  const everything = [...allLogs, JSON.stringify(audit), JSON.stringify(wrong.json), JSON.stringify(right.json), JSON.stringify(lines), entered.stdout, entered.stderr].join('\n');
  for (const pin of [CARD1.pin, CARD3.pin, CONFIG_PIN, WRONG_BY_HAND]) t.notOk(everything.includes(`"${pin}"`) || new RegExp(`\\b${pin}\\b`).test(everything.replace(/"time":\d+|\d{4}-\d\d-\d\dT[\d:.]+Z/g, '')), `PIN ${pin} appears nowhere`);
});
