// Power-cut safety: the daemon is SIGKILLed in the middle of a stream of
// acknowledged writes, again and again. After each restart the database is
// intact, its migrations in place, and every write that got a 200 is there.
import { join } from 'node:path';
import t from 'tap';
import { Db } from '../src/store/db.js';
import { LATEST_SCHEMA } from '../src/store/migrations.js';
import { cli, freePort, startDaemon, writeConfig } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const PW = 'granite-signal-orchard-5';
const CYCLES = 8;

t.test('SIGKILL during writes loses nothing acknowledged', async (t) => {
  const dir = t.testdir();
  const port = await freePort();
  const configFile = await writeConfig(dir, port);
  const add = await cli(['user', 'add', 'tech', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PW}\n` });
  t.equal(add.code, 0, add.stderr);
  const acked = new Map<string, number>();
  let client: Client | undefined;
  let written = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const d = await startDaemon(dir, { configFile, port });
    if (!client) {
      client = new Client(d.url);
      t.equal((await client.login('tech', PW)).status, 200);
    }
    const c = client;
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const key = `pc.c${cycle}.w${w}.n${i}`;
        try {
          const r = await c.req('PUT', `/api/settings/${key}`, { value: i });
          if (r.status === 200) acked.set(key, i);
        } catch {
          return; // connection cut by the kill: not acknowledged
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    // Killed in the middle of a stream of writes: after some were acknowledged (however slow the machine), at a random moment.
    const before = acked.size;
    for (const end = Date.now() + 20_000; acked.size - before < 12 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
    d.proc.kill('SIGKILL');
    await d.exited;
    stop = true;
    await Promise.all(writers);
    written = acked.size;
  }
  t.ok(written > CYCLES * 10, `a real stream of writes was acknowledged (${written})`);

  const db = await Db.open(join(dir, 'data', 'callpoint.db'));
  t.equal((await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check, 'ok', 'integrity_check ok');
  t.equal((await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version, LATEST_SCHEMA, 'migrations intact');
  const rows = await db.all<{ key: string; value: string }>("SELECT key, value FROM settings WHERE key LIKE 'pc.%'");
  const audits = await db.all<{ target: string }>("SELECT target FROM audit_log WHERE action = 'setting.set' AND outcome = 'ok'");
  await db.close();
  const stored = new Map(rows.map((r) => [r.key, Number(JSON.parse(r.value))]));
  const audited = new Set(audits.map((a) => a.target));
  const lost = [...acked].filter(([k, v]) => stored.get(k) !== v);
  t.same(lost, [], 'every acknowledged write survived');
  t.same([...acked.keys()].filter((k) => !audited.has(k)), [], 'and every one has its audit row');
});
