// Backup and restore: a consistent snapshot with checksums; a corrupt,
// foreign or newer file is refused and nothing is changed.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import * as tar from 'tar';
import { Store } from '../src/store/store.js';
import { LATEST_SCHEMA } from '../src/store/migrations.js';
import { cli, freePort, startDaemon, writeConfig } from './helpers/daemon.js';
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
  t.match(r.stdout, /5 messages it held for central will be sent again, numbered after the live ones/);
  s = await Store.open(dataDir, { site: 'test-site', node: 'test-node' });
  t.equal(await s.settings.get('greeting'), 'before', 'the snapshot’s data is back');
  const waiting = await s.outbox.peek(100);
  t.same(waiting.map((w) => w.seq), [seqBefore + 1, seqBefore + 2, seqBefore + 3, seqBefore + 4, seqBefore + 5], 'the backup’s waiting messages are renumbered after the live seq: it never goes back');
  t.same(waiting.map((w) => w.envelope.seq), waiting.map((w) => w.seq), 'in their envelopes too');
  t.same(waiting.map((w) => (w.envelope.data as { port: number }).port), [0, 1, 2, 3, 4], 'in their order');
  const e = await s.tx((q) => q.outbox.enqueue('event', sampleEvent(0)));
  t.equal(e.seq, seqBefore + 6);
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

t.test('a backup of another site or node is refused unless --other-site; then its backlog is dropped, never sent as ours', async (t) => {
  const { dir, config, dataDir } = await seeded(t);
  // A backup made on another node: the same data directory layout, another identity.
  const otherDir = join(dir, 'other');
  const otherCfg = join(dir, 'other.yaml');
  writeFileSync(otherCfg, readFileSync(config, 'utf8').replace('node: test-node', 'node: cabinet-9').replace(dataDir, join(otherDir, 'data')));
  const o = await Store.open(join(otherDir, 'data'), { site: 'test-site', node: 'cabinet-9' });
  await o.settings.set('greeting', 'from cabinet-9', 'test');
  const uid = await o.users.create('someone', 'admin', 'scrypt$x');
  await o.sessions.create({ tokenHash: 'h'.repeat(64), userId: uid, csrfToken: 'c', createdMs: Date.now(), lastSeenMs: Date.now(), ip: null, userAgent: null });
  for (let i = 0; i < 7; i++) await o.tx((r) => r.outbox.enqueue('event', sampleEvent(i)));
  await o.close();
  const file = join(dir, 'cabinet-9.tar');
  t.equal((await cli(['backup', file, '--config', otherCfg])).code, 0);

  const before = sha(join(dataDir, 'callpoint.db'));
  const refused = await cli(['restore', file, '--config', config]);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /was made on test-site\/cabinet-9, not on this appliance \(test-site\/test-node\); to take it anyway use --other-site/);
  t.match(refused.stderr, /nothing was changed/);
  t.equal(sha(join(dataDir, 'callpoint.db')), before, 'the live database is untouched');

  let s = await Store.open(dataDir, { site: 'test-site', node: 'test-node' });
  const liveSeq = await s.outbox.lastSeq();
  await s.close();
  const taken = await cli(['restore', file, '--other-site', '--config', config]);
  t.equal(taken.code, 0, taken.stderr);
  t.match(taken.stdout, /7 messages it held for central were test-site\/cabinet-9's and are dropped/);
  s = await Store.open(dataDir, { site: 'test-site', node: 'test-node' });
  t.equal(await s.settings.get('greeting'), 'from cabinet-9', 'its data is here');
  t.same(await s.outbox.peek(100), [], 'nothing of cabinet-9’s backlog will be published under this node’s name');
  t.ok((await s.outbox.lastSeq()) >= Math.max(liveSeq, 7), 'seq continues above both the live and the backup’s');
  t.equal((await s.db.get<{ n: number }>('SELECT count(*) AS n FROM sessions'))?.n, 0, 'another machine’s sessions end');
  t.match(await s.settings.get('system.identity'), { site: 'test-site', node: 'test-node' }, 'the database now says whose it is');
  await s.close();
});

t.test('the replaced database is kept whole: what was still in its WAL is in the kept copy', async (t) => {
  const { dir, config, dataDir } = await seeded(t);
  const file = join(dir, 'snap.tar');
  t.equal((await cli(['backup', file, '--config', config])).code, 0);
  // A crash image: the last commits are only in callpoint.db-wal (the connection never closed, so never checkpointed).
  const live = await Store.open(dataDir, { site: 'test-site', node: 'test-node' });
  await live.settings.set('written-last', 'only in the WAL', 'test');
  const crashDir = join(dir, 'crashed');
  mkdirSync(crashDir);
  copyFileSync(join(dataDir, 'callpoint.db'), join(crashDir, 'callpoint.db'));
  copyFileSync(join(dataDir, 'callpoint.db-wal'), join(crashDir, 'callpoint.db-wal'));
  await live.close();
  t.ok(statSync(join(crashDir, 'callpoint.db-wal')).size > 0, 'the crash image has a WAL with commits in it');
  const crashCfg = join(dir, 'crashed.yaml');
  writeFileSync(crashCfg, readFileSync(config, 'utf8').replace(dataDir, crashDir));
  const r = await cli(['restore', file, '--config', crashCfg]);
  t.equal(r.code, 0, r.stderr);
  const kept = /kept as (\S+?);?\s/.exec(r.stdout)?.[1];
  t.ok(kept, r.stdout);
  const { Db } = await import('../src/store/db.js');
  const old = await Db.open(kept!, { readonly: true });
  const row = await old.get<{ value: string }>("SELECT value FROM settings WHERE key = 'written-last'");
  await old.close();
  t.equal(row?.value, '"only in the WAL"', 'the last commit before the restore is in the kept copy');
  t.notOk(existsSync(join(crashDir, 'callpoint.db-wal')) && statSync(join(crashDir, 'callpoint.db-wal')).size > 0, 'no stale WAL beside the restored database');
});

t.test('restore never runs under a live daemon, even without its pid file; a daemon cannot start during a restore', async (t) => {
  const dir = t.testdir();
  const d = await startDaemon(dir);
  t.teardown(() => d.stop());
  const file = join(dir, 'snap.tar');
  t.equal((await cli(['backup', file, '--config', d.configFile])).code, 0, 'a backup while it runs is fine');
  rmSync(join(d.dataDir, 'daemon.pid'));
  const before = sha(join(d.dataDir, 'callpoint.db'));
  const r = await cli(['restore', file, '--config', d.configFile]);
  t.equal(r.code, 1);
  t.match(r.stderr, /in use by a running Callpoint daemon or a restore; stop the daemon first/);
  t.equal(sha(join(d.dataDir, 'callpoint.db')), before, 'the live database is untouched');
  await d.stop();

  // The other way round: a restore holds the same lock, and a daemon started meanwhile refuses.
  const { lockDataDir } = await import('../src/store/lock.js');
  const held = await lockDataDir(d.dataDir);
  const second = await startDaemon(dir, { configFile: d.configFile, waitUp: false });
  t.equal(await second.exited, 1, 'the daemon does not start while the data directory is held');
  await held.release();
  t.equal((await cli(['restore', file, '--config', d.configFile])).code, 0, 'with the daemon stopped, the restore runs');
});
