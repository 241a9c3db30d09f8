// A restore uploaded through the admin UI. The database must never be
// swapped under a running daemon (the CLI's rule, backup.ts), so an upload is
// verified at once with the same checks as `callpoint restore` and, when it
// passes, staged in the data directory; the daemon applies it at its next
// start, after it holds the data directory and before it opens the
// database — with `restoreBackup`, exactly as the CLI would. A staged backup
// that fails at that point is set aside and the daemon starts on the
// database it had: an appliance is never left down by a restore.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StagedRestore } from '../contracts/maintenance.js';
import { BackupError, restoreBackup, verifyBackup } from './backup.js';

export type { StagedRestore } from '../contracts/maintenance.js';

export const PENDING_FILE = 'restore-pending.tar';
const PENDING_INFO = 'restore-pending.json';

/** Verify an uploaded backup and stage it for the next start; throws BackupError naming what is wrong (nothing is staged then). */
export interface Identity {
  site: string;
  node: string;
}

/**
 * Verify an uploaded backup and stage it for the next start; throws BackupError naming what is wrong
 * (nothing is staged then). A backup of another site or node is refused here: taking one needs
 * `callpoint restore --other-site` on the board, where its consequences are spelt out.
 */
export async function stageRestore(dataDir: string, upload: string, by: string, us: Identity): Promise<StagedRestore> {
  const work = join(dataDir, `.restore-check-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true, mode: 0o700 });
  try {
    const manifest = await verifyBackup(upload, work);
    if (manifest.site !== us.site || manifest.node !== us.node)
      throw new BackupError(`this backup was made on ${manifest.site}/${manifest.node}, not on this appliance (${us.site}/${us.node}); a backup of another site is restored only on the board, with callpoint restore --other-site`);
    const staged: StagedRestore = { by, stagedAt: new Date().toISOString(), manifest };
    await rename(upload, join(dataDir, PENDING_FILE));
    await writeFile(join(dataDir, PENDING_INFO), JSON.stringify(staged, null, 2), { mode: 0o600 });
    return staged;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function pendingRestore(dataDir: string): Promise<StagedRestore | null> {
  const has = await stat(join(dataDir, PENDING_FILE)).then(() => true, () => false);
  if (!has) return null;
  try {
    return JSON.parse(await readFile(join(dataDir, PENDING_INFO), 'utf8')) as StagedRestore;
  } catch {
    return null;
  }
}

export async function cancelRestore(dataDir: string): Promise<void> {
  await rm(join(dataDir, PENDING_FILE), { force: true });
  await rm(join(dataDir, PENDING_INFO), { force: true });
}

export type AppliedRestore = { ok: true; staged: StagedRestore; keptAs: string | null } | { ok: false; staged: StagedRestore | null; error: string; setAsideAs: string };

/** At start, holding the data directory, before the database is opened: apply a staged restore, if there is one. */
export async function applyPendingRestore(dataDir: string, us: Identity): Promise<AppliedRestore | null> {
  const file = join(dataDir, PENDING_FILE);
  if (!(await stat(file).then(() => true, () => false))) return null;
  const staged = await pendingRestore(dataDir);
  try {
    // The daemon calling this holds the data directory's lock already.
    const r = await restoreBackup({ dataDir, file, site: us.site, node: us.node, lockHeld: true });
    await cancelRestore(dataDir);
    return { ok: true, staged: staged ?? { by: '?', stagedAt: '?', manifest: r.manifest }, keptAs: r.keptAs };
  } catch (e) {
    if (!(e instanceof BackupError)) throw e;
    const setAsideAs = join(dataDir, `restore-failed-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`);
    await rename(file, setAsideAs);
    await rm(join(dataDir, PENDING_INFO), { force: true });
    return { ok: false, staged, error: e.message, setAsideAs };
  }
}
