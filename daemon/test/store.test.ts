// The store: migrations, refusal of foreign and newer databases, transactions,
// and an outbox whose seq only ever goes up.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Db } from '../src/store/db.js';
import { migrate, schemaInfo } from '../src/store/migrate.js';
import { LATEST_SCHEMA, migrations } from '../src/store/migrations.js';
import { Store } from '../src/store/store.js';
import { sampleAlarm, sampleCall, sampleEvent } from './helpers/messages.js';

const origin = { site: 's', node: 'n' };

t.test('migrations apply once and are idempotent', async (t) => {
  const dir = t.testdir();
  const s1 = await Store.open(dir, origin);
  t.equal(s1.migrationsApplied, migrations.length);
  const info = await schemaInfo(s1.db);
  t.equal(info.userVersion, LATEST_SCHEMA);
  t.equal(info.applicationId, 0x43504e54);
  t.equal((await s1.db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode, 'wal');
  t.equal((await s1.db.get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous, 2, 'synchronous=FULL');
  await s1.close();
  const s2 = await Store.open(dir, origin);
  t.equal(s2.migrationsApplied, 0, 'nothing to apply the second time');
  await s2.close();
});

t.test('a database from a newer Callpoint is refused and left alone', async (t) => {
  const dir = t.testdir();
  const s = await Store.open(dir, origin);
  await s.db.exec(`PRAGMA user_version = ${LATEST_SCHEMA + 1}`);
  await s.close();
  await t.rejects(Store.open(dir, origin), /schema version \d+ is newer than this Callpoint understands/);
  const db = await Db.open(join(dir, 'callpoint.db'));
  t.equal((await schemaInfo(db)).userVersion, LATEST_SCHEMA + 1, 'unchanged');
  await db.close();
});

t.test('a foreign SQLite file or a non-database is refused', async (t) => {
  const dir = t.testdir({ other: {} });
  const db = await Db.open(join(dir, 'other', 'callpoint.db'));
  await db.exec('CREATE TABLE photos (id INTEGER)');
  await db.close();
  await t.rejects(Store.open(join(dir, 'other'), origin), /not a Callpoint database/);
  const junk = t.testdir();
  writeFileSync(join(junk, 'callpoint.db'), 'this is not sqlite at all, just text '.repeat(200));
  await t.rejects(Store.open(junk, origin), /file is not a database|not a database/i);
});

t.test('a failed migration leaves the database at the previous version', async (t) => {
  const dir = t.testdir();
  const db = await Db.open(join(dir, 'x.db'));
  await db.configure();
  const list = [...migrations, { version: LATEST_SCHEMA + 1, name: 'broken', sql: 'CREATE TABLE ok_part (a);\nTHIS IS NOT SQL;' }];
  await t.rejects(migrate(db, list));
  t.equal((await schemaInfo(db)).userVersion, LATEST_SCHEMA);
  t.equal(await db.get("SELECT name FROM sqlite_master WHERE name = 'ok_part'"), undefined, 'the partial migration rolled back');
  await db.close();
});

t.test('transactions commit all or nothing', async (t) => {
  const s = await Store.open(t.testdir(), origin);
  await t.rejects(
    s.tx(async (r) => {
      await r.settings.set('a', 1, 'x');
      await r.outbox.enqueue('event', sampleEvent(1));
      throw new Error('boom');
    }),
    /boom/,
  );
  t.equal(await s.settings.get('a'), undefined);
  t.equal((await s.outbox.stats()).count, 0);
  await s.tx(async (r) => {
    await r.settings.set('a', 2, 'x');
    await r.outbox.enqueue('event', sampleEvent(2));
  });
  t.equal(await s.settings.get('a'), 2);
  t.equal((await s.outbox.stats()).count, 1);
  await s.close();
});

t.test('outbox seq is strictly increasing and never reused, across deletes and restarts', async (t) => {
  const dir = t.testdir();
  let s = await Store.open(dir, origin);
  const seen: number[] = [];
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) => s.tx((r) => r.outbox.enqueue('call', sampleCall(i), `k${i % 3}`))));
  for (const e of all) seen.push(e.seq);
  for (const row of await s.outbox.peek(100)) await s.outbox.acknowledge(row.seq);
  t.equal((await s.outbox.stats()).count, 0, 'all acknowledged and deleted');
  await s.close();
  s = await Store.open(dir, origin);
  const next = await s.tx((r) => r.outbox.enqueue('alarm', sampleAlarm(1), 'alarm-1'));
  seen.push(next.seq);
  t.same([...seen].sort((a, b) => a - b), seen, 'in order of commit');
  t.equal(new Set(seen).size, seen.length, 'no duplicates');
  t.ok(next.seq > Math.max(...seen.slice(0, -1)), 'after a restart seq continues above every earlier one');
  t.match(next, { site: 's', node: 'n', type: 'alarm', data: sampleAlarm(1) });
  t.match(next.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.match(next.id, /^[0-9a-f-]{36}$/);
  await s.close();
});

t.test('the audit log is kept for its age and size, oldest first, in the order it was written', async (t) => {
  const s = await Store.open(t.testdir(), origin);
  const day = 86_400_000;
  const now = Date.parse('2026-06-01T00:00:00.000Z');
  const row = (i: number, ts: string) => ({ ts, username: 'u', role: null, ip: null, action: `a${i}`, target: null, outcome: 'ok' as const, detail: null });
  // 10 rows of a year ago, 10 of last week, then 3 stamped 1970 (a board without a clock, before NTP), then 5 of today.
  await s.tx(async (r) => {
    for (let i = 0; i < 10; i++) await r.audit.insert(row(i, new Date(now - 400 * day).toISOString()));
    for (let i = 10; i < 20; i++) await r.audit.insert(row(i, new Date(now - 7 * day).toISOString()));
    for (let i = 20; i < 23; i++) await r.audit.insert(row(i, '1970-01-01T00:00:05.000Z'));
    for (let i = 23; i < 28; i++) await r.audit.insert(row(i, new Date(now).toISOString()));
  });
  t.equal(await s.audit.prune(365, 10_000, now), 10, 'by age: the year-old rows go');
  t.same((await s.audit.list(100)).map((e) => e.action).reverse().slice(0, 3), ['a10', 'a11', 'a12'], 'the oldest left is from last week');
  t.equal(await s.audit.count(), 18, 'the rows stamped 1970, written after last week’s, stay while those do: writing order, not the stamp');
  t.equal(await s.audit.prune(365, 6, now), 12, 'by size: only the newest 6 stay');
  t.same((await s.audit.list(100)).map((e) => e.action).reverse(), ['a22', 'a23', 'a24', 'a25', 'a26', 'a27']);
  await s.close();
});
