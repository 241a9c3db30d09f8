// `callpoint backup FILE` / `callpoint restore FILE`.
//
// A backup is a tar file holding manifest.json, callpoint.db (a consistent
// snapshot made with VACUUM INTO, safe while the daemon runs) and, when
// given, config.yaml. The manifest records a sha256 of each. A restore checks
// everything before it touches anything: format, checksums, that the database
// is a Callpoint database, not newer than this code, and passes
// integrity_check. Only then is the live database swapped (the old one kept
// beside it), and never while the daemon runs.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tar from 'tar';
import { Db } from './db.js';
import { refusal, schemaInfo } from './migrate.js';
import { LATEST_SCHEMA } from './migrations.js';
import { DB_FILE } from './store.js';
import { daemonRunning } from './lock.js';
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

export async function restoreBackup(opts: { dataDir: string; file: string; configFile?: string }): Promise<{ manifest: Manifest; keptAs: string | null }> {
  const pid = await daemonRunning(opts.dataDir);
  if (pid) throw new BackupError(`the daemon is running (pid ${pid}); stop it first (systemctl stop callpoint)`);
  await mkdir(opts.dataDir, { recursive: true, mode: 0o750 });
  const work = join(opts.dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true, mode: 0o700 });
  try {
    const manifest = await verifyBackup(opts.file, work);
    const live = join(opts.dataDir, DB_FILE);
    const restored = join(work, DB_FILE);
    // seq must never be reused: central de-duplicates and orders by it. Carry
    // the live counter forward when it is ahead of the backup's.
    let liveSeq = 0;
    const exists = await stat(live).then(() => true, () => false);
    if (exists) {
      const cur = await Db.open(live, { readonly: true });
      liveSeq = (await cur.get<{ value: number }>("SELECT value FROM counters WHERE name = 'outbox_seq'").catch(() => undefined))?.value ?? 0;
      await cur.close();
    }
    const db = await Db.open(restored);
    try {
      await db.run("UPDATE counters SET value = max(value, ?) WHERE name = 'outbox_seq'", [liveSeq]);
      await db.exec('PRAGMA journal_mode = DELETE');
    } finally {
      await db.close();
    }
    let keptAs: string | null = null;
    if (exists) {
      keptAs = `${live}.pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(live, keptAs);
      for (const ext of ['-wal', '-shm']) await rm(live + ext, { force: true });
    }
    await rename(restored, live);
    if (opts.configFile && manifest.files['config.yaml']) {
      const text = await readFile(join(work, 'config.yaml'), 'utf8');
      await mkdir(dirname(opts.configFile), { recursive: true });
      const existed = await stat(opts.configFile).then(() => true, () => false);
      if (existed) await copyFile(opts.configFile, `${opts.configFile}.pre-restore`);
      await writeFileAtomic(opts.configFile, text);
    }
    return { manifest, keptAs };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
