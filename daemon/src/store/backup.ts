// `callpoint backup FILE` / `callpoint restore FILE`.
//
// A backup is a tar file holding manifest.json, callpoint.db (a consistent
// snapshot made with VACUUM INTO, safe while the daemon runs) and, when
// given, config.yaml. The manifest records a sha256 of each. A restore checks
// everything before it touches anything: format, checksums, that the database
// is a Callpoint database, not newer than this code, and passes
// integrity_check, and that it was made on this site and node (or the
// operator said --other-site). Only then is the live database swapped (the
// old one kept beside it, its WAL included), under the data directory's lock:
// never while the daemon runs.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tar from 'tar';
import { Db } from './db.js';
import { refusal, schemaInfo } from './migrate.js';
import { LATEST_SCHEMA } from './migrations.js';
import { DB_FILE, IDENTITY_KEY } from './store.js';
import { DataDirBusy, lockDataDir, type DataDirLock } from './lock.js';
import { writeFileAtomic } from '../lifecycle/atomic-file.js';

export const BACKUP_FORMAT = 'callpoint-backup/1';

export interface Manifest {
  format: string;
  createdAt: string;
  callpointVersion: string;
  schemaVersion: number;
  site: string;
  node: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function createBackup(opts: { dataDir: string; out: string; configFile?: string; version: string; site: string; node: string }): Promise<Manifest> {
  const work = join(opts.dataDir, `.backup-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true, mode: 0o700 });
  try {
    const db = await Db.open(join(opts.dataDir, DB_FILE), { readonly: true }).catch((e: Error) => {
      throw new BackupError(`no database to back up in ${opts.dataDir}: ${e.message}`);
    });
    let schemaVersion: number;
    try {
      await db.exec('PRAGMA busy_timeout = 5000');
      schemaVersion = (await schemaInfo(db)).userVersion;
      await db.exec(`VACUUM INTO '${join(work, DB_FILE).replaceAll("'", "''")}'`);
    } finally {
      await db.close();
    }
    const names = [DB_FILE];
    if (opts.configFile) {
      await copyFile(opts.configFile, join(work, 'config.yaml'));
      names.push('config.yaml');
    }
    const files: Manifest['files'] = {};
    for (const n of names) files[n] = { sha256: await sha256(join(work, n)), bytes: (await stat(join(work, n))).size };
    const manifest: Manifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), callpointVersion: opts.version, schemaVersion, site: opts.site, node: opts.node, files };
    await writeFile(join(work, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const tmp = `${opts.out}.tmp-${process.pid}`;
    await tar.c({ file: tmp, cwd: work, portable: true }, ['manifest.json', ...names]);
    await rename(tmp, opts.out);
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Unpack and verify a backup into `work`; throws BackupError naming what is wrong. */
export async function verifyBackup(file: string, work: string): Promise<Manifest> {
  const allowed = new Set(['manifest.json', DB_FILE, 'config.yaml']);
  const seen: string[] = [];
  try {
    await tar.x({
      file,
      cwd: work,
      strict: true,
      filter: (p, entry) => {
        const ok = allowed.has(p) && 'type' in entry && entry.type === 'File';
        if (ok) seen.push(p);
        return ok;
      },
    });
  } catch (e) {
    throw new BackupError(`${basename(file)} is not a readable backup (${(e as Error).message})`);
  }
  if (!seen.includes('manifest.json')) throw new BackupError(`${basename(file)} is not a Callpoint backup (no manifest)`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(work, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new BackupError(`${basename(file)}: the manifest is not valid JSON`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`${basename(file)} is not a Callpoint backup (format ${JSON.stringify(manifest.format)})`);
  if (!manifest.files?.[DB_FILE]) throw new BackupError(`${basename(file)}: the backup holds no database`);
  for (const [name, want] of Object.entries(manifest.files)) {
    if (!seen.includes(name)) throw new BackupError(`${basename(file)}: ${name} is listed in the manifest but missing`);
    const got = await sha256(join(work, name));
    if (got !== want.sha256) throw new BackupError(`${basename(file)}: checksum mismatch for ${name} — the file is corrupt`);
  }
  const db = await Db.open(join(work, DB_FILE), { readonly: true });
  try {
    const info = await schemaInfo(db).catch(() => {
      throw new BackupError(`${basename(file)}: the database inside is not a readable SQLite file`);
    });
    const why = refusal(info, LATEST_SCHEMA);
    if (why) throw new BackupError(`${basename(file)}: ${why}`);
    if (info.tables === 0) throw new BackupError(`${basename(file)}: the database inside is empty`);
    const check = await db.all<{ integrity_check: string }>('PRAGMA integrity_check');
    if (check.length !== 1 || check[0]?.integrity_check !== 'ok') throw new BackupError(`${basename(file)}: the database fails its integrity check`);
  } finally {
    await db.close();
  }
  return manifest;
}

export interface RestoreOptions {
  dataDir: string;
  file: string;
  /** Also put back the configuration from the backup, here (the current one is kept as .pre-restore). */
  configFile?: string;
  /**
   * This appliance's site and node. A backup made on another site or node is
   * refused unless `otherSite`; give them (the CLI passes the configuration's).
   * Without them the identity recorded in the live database is used, if any.
   */
  site?: string;
  node?: string;
  /** Take a backup of another site or node: its backlog for central is dropped, not sent as ours. */
  otherSite?: boolean;
  /** The caller holds the data directory's lock (the daemon applying an upload at its start). */
  lockHeld?: boolean;
}

export interface RestoreResult {
  manifest: Manifest;
  /** Where the replaced database was kept (with its WAL folded in), or null when there was none. */
  keptAs: string | null;
  /** Messages of the backup still waiting for central: sent again with new seq numbers after the live one (same node), or dropped (another node's). */
  backlog: { resent: number; dropped: number };
}

/**
 * Restore a backup: verify it, then swap the database while holding the data
 * directory's lock (a running daemon holds it: never under a live daemon, and
 * no daemon starts meanwhile). Sequence numbers never go back: the backup's
 * waiting messages are renumbered after the live counter, or — for another
 * site's or node's backup — dropped, never published under this node's name.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o750 });
  let lock: Pick<DataDirLock, 'release'> = { release: async () => undefined };
  try {
    if (!opts.lockHeld) lock = await lockDataDir(opts.dataDir);
  } catch (e) {
    if (e instanceof DataDirBusy) throw new BackupError(`${e.message}; stop the daemon first (systemctl stop callpoint)`);
    throw e;
  }
  const work = join(opts.dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(work, { recursive: true, mode: 0o700 });
    const manifest = await verifyBackup(opts.file, work);
    const live = join(opts.dataDir, DB_FILE);
    const restored = join(work, DB_FILE);
    const exists = await stat(live).then(() => true, () => false);
    const current = exists ? await liveState(live) : { seq: 0, identity: undefined };
    const us = opts.site && opts.node ? { site: opts.site, node: opts.node } : current.identity;
    const foreign = !!us && (manifest.site !== us.site || manifest.node !== us.node);
    if (foreign && !opts.otherSite)
      throw new BackupError(`${basename(opts.file)} was made on ${manifest.site}/${manifest.node}, not on this appliance (${us.site}/${us.node}); to take it anyway use --other-site (its messages still waiting for central are then dropped, never sent as this node's)`);
    const backlog = await prepareRestored(restored, current.seq, foreign, us);
    let keptAs: string | null = null;
    if (exists) {
      keptAs = `${live}.pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await keepLive(live, keptAs);
    }
    await rename(restored, live);
    if (opts.configFile && manifest.files['config.yaml']) {
      const text = await readFile(join(work, 'config.yaml'), 'utf8');
      await mkdir(dirname(opts.configFile), { recursive: true });
      const existed = await stat(opts.configFile).then(() => true, () => false);
      if (existed) await copyFile(opts.configFile, `${opts.configFile}.pre-restore`);
      await writeFileAtomic(opts.configFile, text);
    }
    return { manifest, keptAs, backlog };
  } finally {
    await rm(work, { recursive: true, force: true });
    await lock.release();
  }
}

/** The live database's outbox counter and recorded identity (read-only; the WAL is read too). */
async function liveState(live: string): Promise<{ seq: number; identity: { site: string; node: string } | undefined }> {
  const cur = await Db.open(live, { readonly: true });
  try {
    const seq = (await cur.get<{ value: number }>("SELECT value FROM counters WHERE name = 'outbox_seq'").catch(() => undefined))?.value ?? 0;
    const raw = (await cur.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [IDENTITY_KEY]).catch(() => undefined))?.value;
    const parsed = raw ? (JSON.parse(raw) as { site?: unknown; node?: unknown }) : undefined;
    const identity = typeof parsed?.site === 'string' && typeof parsed.node === 'string' ? { site: parsed.site, node: parsed.node } : undefined;
    return { seq, identity };
  } finally {
    await cur.close();
  }
}

/**
 * The restored copy, before it goes live: its waiting messages renumbered
 * after the live counter (central saw numbers up to there: seq never goes
 * back), or dropped when they are another node's; for another node's backup
 * its sessions end too (cookies of another machine). The identity is recorded.
 */
async function prepareRestored(file: string, liveSeq: number, foreign: boolean, us: { site: string; node: string } | undefined): Promise<RestoreResult['backlog']> {
  const db = await Db.open(file);
  try {
    const backlog = await db.tx(async (q) => {
      const rows = await q.all<{ seq: number; msg_id: string; type: string; order_key: string | null; envelope: string; created_at: string }>('SELECT * FROM outbox ORDER BY seq');
      const backupSeq = (await q.get<{ value: number }>("SELECT value FROM counters WHERE name = 'outbox_seq'"))?.value ?? 0;
      let next = Math.max(liveSeq, backupSeq);
      await q.run('DELETE FROM outbox');
      if (foreign) {
        await q.run('DELETE FROM sessions');
      } else {
        // Same order, new numbers: the envelopes keep their ids (central de-duplicates a message it already has).
        for (const r of rows) {
          const env = JSON.parse(r.envelope) as { seq: number };
          env.seq = ++next;
          await q.run('INSERT INTO outbox(seq, msg_id, type, order_key, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?)', [env.seq, r.msg_id, r.type, r.order_key, JSON.stringify(env), r.created_at]);
        }
      }
      await q.run("UPDATE counters SET value = ? WHERE name = 'outbox_seq'", [next]);
      if (us) await q.run('INSERT OR REPLACE INTO settings(key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)', [IDENTITY_KEY, JSON.stringify(us), new Date().toISOString(), 'restore']);
      return foreign ? { resent: 0, dropped: rows.length } : { resent: rows.length, dropped: 0 };
    });
    await db.exec('PRAGMA journal_mode = DELETE');
    return backlog;
  } finally {
    await db.close();
  }
}

/**
 * Move the live database aside with everything it holds: committed
 * transactions still in its WAL are folded in by a checkpoint first; if that
 * cannot run (a full disk), the WAL goes beside the kept copy under the name
 * SQLite looks for (`<kept>-wal`), so opening the kept copy still sees them.
 */
async function keepLive(live: string, keptAs: string): Promise<void> {
  const db = await Db.open(live).catch(() => undefined);
  if (db) {
    await db.exec('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
    await db.close().catch(() => undefined);
  }
  await rename(live, keptAs);
  const wal = await stat(`${live}-wal`).then((s) => s.size, () => -1);
  if (wal > 0) await rename(`${live}-wal`, `${keptAs}-wal`);
  for (const ext of ['-wal', '-shm']) await rm(live + ext, { force: true });
}
