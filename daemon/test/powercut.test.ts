// Power-cut safety of acknowledged writes: the daemon is SIGKILLed at random
// moments while configuration applies stream in (two technicians saving one
// entry each, again and again, each save written to disk, versioned and
// audited before it is answered). After every kill, before anything else
// runs: the live file is one whole version the database knows, and passes
// `callpoint config check`. The daemon restarts on it. Nothing acknowledged
// is lost: every acknowledged save is in the audit log, and the file holds
// each technician's last acknowledged value (or the save in flight at the
// kill, never anything older). The database stays intact.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { Db } from '../src/store/db.js';
import { LATEST_SCHEMA } from '../src/store/migrations.js';
import { cli, freePort, startDaemon, writeConfig } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const PW = 'granite-signal-orchard-5';
const APPLIES = 200;
const WRITERS = ['pc0', 'pc1'];

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// Two hundred kills and restarts: about 2 minutes on an idle two-core machine, more beside other work.
t.setTimeout(400_000);
t.test('SIGKILL at random moments during 200 applies: the file is always one whole, valid version; nothing acknowledged is lost', { timeout: 390_000 }, async (t) => {
  const dir = t.testdir();
  const port = await freePort();
  const configFile = await writeConfig(dir, port, { zones: WRITERS.map((id) => ({ id, name: 'start' })) });
  const add = await cli(['user', 'add', 'tech', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PW}\n` });
  t.equal(add.code, 0, add.stderr);
  const liveFile = join(dir, 'data', 'config.yaml');
  /** Per writer: every name acknowledged (in order), with its version. */
  const acked = new Map(WRITERS.map((w) => [w, [] as Array<{ name: string; version: number }>]));
  let applies = 0;
  let cycle = 0;
  while (applies < APPLIES) {
    cycle++;
    const d = await startDaemon(dir, { configFile, port });
    const c = new Client(d.url);
    t.equal((await c.login('tech', PW)).status, 200);
    let version = Number((await c.get('/api/config')).json.version);
    let stop = false;
    const inFlight = new Map<string, string>();
    const writer = async (zone: string) => {
      for (let i = 0; !stop; i++) {
        const name = `c${cycle}-n${i}`;
        inFlight.set(zone, name);
        try {
          const r = await c.req('PUT', `/api/config/entries/zones/${zone}`, { entry: { id: zone, name } }, { 'if-match': String(version) });
          if (r.status === 200) {
            version = Number(r.json.version);
            acked.get(zone)!.push({ name, version });
            applies++;
          } else if (r.status === 409) version = Number(r.json.version); // the other technician saved first: again on the new version
          else throw new Error(`unexpected ${r.status}: ${JSON.stringify(r.json)}`);
        } catch (e) {
          if ((e as Error).message.startsWith('unexpected')) throw e;
          return; // the connection was cut by the kill: not acknowledged
        }
      }
    };
    const writers = WRITERS.map(writer);
    // Killed in the middle of the stream: after some applies (however slow the machine), at a random moment.
    const before = applies;
    const want = 12 + Math.floor(Math.random() * 20);
    for (const end = Date.now() + 30_000; applies - before < want && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
    d.proc.kill('SIGKILL');
    await d.exited;
    stop = true;
    await Promise.all(writers);

    // Before any restart: the file is one whole version, and valid.
    const text = readFileSync(liveFile);
    const db = await Db.open(join(dir, 'data', 'callpoint.db'), { readonly: true });
    const known = await db.all<{ version: number; state: string }>('SELECT version, state FROM config_versions WHERE sha256 = ?', [sha(text)]);
    await db.close();
    t.ok(known.length > 0, `cycle ${cycle}: the file after the kill is a version the database holds (${known.map((k) => `${k.version} ${k.state}`).join(', ')})`);
    const check = await cli(['config', 'check', liveFile]);
    t.equal(check.code, 0, `cycle ${cycle}: config check passes on the file after the kill ${check.stderr}`);
    // Each technician's value: their last acknowledged one, or the one in flight at the kill.
    const zones = (parse(text.toString('utf8')) as { zones: Array<{ id: string; name: string }> }).zones;
    for (const w of WRITERS) {
      const last = acked.get(w)!.at(-1)?.name ?? 'start';
      const now = zones.find((z) => z.id === w)?.name;
      t.ok(now === last || now === inFlight.get(w), `cycle ${cycle}: ${w} holds its last acknowledged save (${last}) or the one in flight (${inFlight.get(w)}), has ${now}`);
    }
  }
  t.ok(applies >= APPLIES, `${applies} applies acknowledged over ${cycle} kills`);

  // The daemon restarts on the file; the history and the audit hold every acknowledged save.
  const d = await startDaemon(dir, { configFile, port });
  const c = new Client(d.url);
  await c.login('tech', PW);
  const v = (await c.get('/api/config')).json as { version: number; config: { zones: Array<{ id: string; name: string }> } };
  const lastAcked = Math.max(...[...acked.values()].flat().map((a) => a.version));
  t.ok(v.version >= lastAcked, `the daemon runs version ${v.version}, at least the last acknowledged ${lastAcked}`);
  await d.stop();
  const db = await Db.open(join(dir, 'data', 'callpoint.db'));
  t.equal((await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check, 'ok', 'integrity_check ok');
  t.equal((await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version, LATEST_SCHEMA, 'migrations intact');
  const audited = new Set((await db.all<{ target: string }>("SELECT target FROM audit_log WHERE action = 'config.apply' AND outcome = 'ok'")).map((a) => a.target));
  const writing = await db.all<{ version: number }>("SELECT version FROM config_versions WHERE state = 'writing'");
  await db.close();
  const missing = [...acked.values()].flat().filter((a) => !audited.has(`v${a.version}`));
  t.same(missing, [], 'every acknowledged apply is in the audit log');
  t.same(writing, [], 'no version is left half-written after a start');
});
