// Ctrl-C on `callpoint run --simulate` reaches every process of the
// terminal's process group: the daemon, and the socat that makes the
// simulated modem's and line card's serial ports. The ports must outlive the
// line services, which stop first: no "modem silent" or "card silent" fault
// may be recorded by the stop and left open for the next run.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import t from 'tap';
import { stringify } from 'yaml';
import { freePort, startDaemon } from './helpers/daemon.js';
import { skipUnless } from './helpers/tools.js';

function faultsIn(file: string): Promise<Array<{ key: string; code: string; cleared_at: string | null }>> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.all('SELECT key, code, cleared_at FROM faults', (e, rows) => db.close(() => (e ? reject(e) : resolve(rows as never))));
    });
  });
}

t.test('Ctrl-C in simulation stops cleanly, with no silent-device fault', { skip: skipUnless('socat') }, async (t) => {
  const dir = t.testdir();
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    site: 'sim', node: 'dev', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port },
    lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0', pollS: 5 }], lineCards: [{ id: 'lc0', port: 'sim:lc0' }] },
  }));
  const d = await startDaemon(dir, { configFile, port, env: { CALLPOINT_SIMULATE: '1' }, ownGroup: true });
  t.teardown(() => d.stop('SIGKILL'));
  // Both devices up: the modem registered, the line card answering.
  for (let i = 0; i < 150; i++) {
    const h = (await (await fetch(`${d.url}/api/health`)).json()) as { components: Record<string, { status: string }> };
    if (h.components.gsm?.status === 'ok' && h.components.lines?.status === 'ok') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(await d.interrupt(), 0, 'Ctrl-C: a clean stop (exit 0)');
  const silent = (await faultsIn(join(d.dataDir, 'callpoint.db'))).filter((f) => f.code === 'modem-silent' || f.code === 'card-silent');
  t.same(silent, [], 'no modem-silent or card-silent fault recorded by the stop');
  t.notMatch(d.stdout(), /FAULT: .*(does not answer|serial port unavailable)/, 'and none logged');
});
