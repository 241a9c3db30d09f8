// Backup and restore: a consistent snapshot with checksums; a corrupt,
// foreign or newer file is refused and nothing is changed.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import * as tar from 'tar';
import { Store } from '../src/store/store.js';
import { LATEST_SCHEMA } from '../src/store/migrations.js';
import { cli, freePort, writeConfig } from './helpers/daemon.js';
import { sampleEvent } from './helpers/messages.js';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

async function seeded(t: Test) {
  const dir = t.testdir();
  const config = await writeConfig(dir, await freePort());
  const dataDir = join(dir, 'data');
  const s = await Store.open(dataDir, { site: 'test-site', node: 'test-node' });
  await s.settings.set('greeting', 'before', 'test');
  for (let i = 0; i < 5; i++) await s.tx((r) => r.outbox.enqueue('event', sampleEvent(i)));
  await s.close();
  return { dir, config, dataDir, db: join(dataDir, 'callpoint.db') };
}

t.test('backup then restore brings back the data; seq is carried forward', async (t) => {
  const { dir, config, dataDir } = await seeded(t);
  const file = join(dir, 'snap.tar');
  const b = await cli(['backup', file, '--config', config]);
  t.equal(b.code, 0, b.stderr);
  t.match(b.stdout, /backup written to/);
  let s = await Store.open(dataDir, { site: 'test-site', node: 'test-node' });
  await s.settings.set('greeting', 'after', 'test');
  for (let i = 0; i < 3; i++) await s.tx((r) => r.outbox.enqueue('event', sampleEvent(i)));
  const seqBefore = await s.outbox.lastSeq();
  await s.close();
  const r = await cli(['restore', file, '--config', config]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /previous database is kept as/);
  s = await Store.open(dataDir, { site: 'test-site', node: 'test-node' });
  t.equal(await s.settings.get('greeting'), 'before', 'the snapshot’s data is back');
  t.equal(await s.outbox.lastSeq(), seqBefore, 'seq does not go back: central would see reused numbers');
  const e = await s.tx((q) => q.outbox.enqueue('event', sampleEvent(0)));
  t.ok(e.seq > seqBefore);
  t.equal((await s.db.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check, 'ok');
  await s.close();
});

t.test('bad backups are refused and nothing changes', async (t) => {
  const { dir, config, db } = await seeded(t);
  const good = join(dir, 'good.tar');
  t.equal((await cli(['backup', good, '--config', config])).code, 0);
  const before = sha(db);

  const cases: Array<[string, () => string, RegExp]> = [
    ['a corrupt file (one byte flipped in the database)', () => {
      const f = join(dir, 'corrupt.tar');
      const buf = readFileSync(good);
      buf[2048] = buf[2048]! ^ 0xff; // inside the first data block after manifest header
      writeFileSync(f, buf);
      return f;
    }, /checksum mismatch|not a readable backup|manifest/],
    ['a truncated file', () => {
      const f = join(dir, 'short.tar');
      writeFileSync(f, readFileSync(good).subarray(0, 3000));
      return f;
    }, /not a readable backup|missing|checksum/],
    ['a file that is not a backup', () => {
      const f = join(dir, 'photo.jpg');
      writeFileSync(f, Buffer.alloc(5000, 7));
      return f;
    }, /not a readable backup|not a Callpoint backup/],
  ];
  for (const [what, make, msg] of cases) {
    const r = await cli(['restore', make(), '--config', config]);
    t.equal(r.code, 1, what);
    t.match(r.stderr, msg, what);
    t.match(r.stderr, /nothing was changed/, what);
    t.notMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
    t.equal(sha(db), before, `${what}: the live database is untouched`);
  }
});

t.test('a backup of a newer schema or a foreign database is refused', async (t) => {
  const { dir, config, db } = await seeded(t);
  const before = sha(db);
  const make = async (name: string, mutate: string) => {
    const work = mkdtempSync(join(dir, 'w-'));
    copyFileSync(db, join(work, 'callpoint.db'));
    const { Db } = await import('../src/store/db.js');
    const d = await Db.open(join(work, 'callpoint.db'));
    await d.exec(`PRAGMA journal_mode = DELETE; ${mutate}`);
    await d.close();
    const manifest = { format: 'callpoint-backup/1', createdAt: new Date().toISOString(), callpointVersion: 'x', schemaVersion: 0, site: 's', node: 'n', files: { 'callpoint.db': { sha256: sha(join(work, 'callpoint.db')), bytes: 0 } } };
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest));
    const f = join(dir, name);
    await tar.c({ file: f, cwd: work }, ['manifest.json', 'callpoint.db']);
    return f;
  };
  const newer = await cli(['restore', await make('newer.tar', `PRAGMA user_version = ${LATEST_SCHEMA + 5}`), '--config', config]);
  t.equal(newer.code, 1);
  t.match(newer.stderr, /newer than this Callpoint/);
  const foreign = await cli(['restore', await make('foreign.tar', 'PRAGMA application_id = 42'), '--config', config]);
  t.equal(foreign.code, 1);
  t.match(foreign.stderr, /not a Callpoint database/);
  t.equal(sha(db), before);
});
