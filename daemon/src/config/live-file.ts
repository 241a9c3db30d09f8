// Where the configuration the daemon runs on lives. The systemd unit runs with
// ProtectSystem=strict: /etc is read-only to the daemon, so a file edited
// from the web UI cannot be written there. The decision:
//
//   - the LIVE file is `<dataDir>/config.yaml`, written only by Callpoint
//     (atomically; every version kept in the database, see config/versions);
//   - the file given with --config (default /etc/callpoint/config.yaml) is the
//     SEED: provisioned by an installer or central, it names the data
//     directory and starts the live file on first start;
//   - a copy of the seed as last taken is kept beside the live file
//     (`config.seed.yaml`). When the seed no longer equals that copy, someone
//     edited it on purpose (`sudoedit /etc/callpoint/config.yaml`, a new
//     package): at the next start it is taken as a new version of the live
//     file — the version it replaces stays in the history, one step away.
//
// `--config` pointing at the live file itself (a development setup) makes
// seed and live file the same file.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../lifecycle/atomic-file.js';

export const LIVE_FILE = 'config.yaml';
export const SEED_COPY_FILE = 'config.seed.yaml';

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

export interface LiveConfigFile {
  /** The file the daemon runs on and edits. */
  path: string;
  /** Its text now. */
  text: string;
  /** Why it holds what it does: the live file as Callpoint last wrote it; a seed taken just now (first start, or the seed changed). */
  origin: 'live' | 'seed-first' | 'seed-changed' | 'seed-is-live';
  /** Where the seed came from (a path, or the built-in simulation defaults). */
  seed: string;
}

export interface SeedSource {
  /** The --config file; undefined: built-in defaults (simulation without --config). */
  file: string | undefined;
  /** As on disk. */
  text: string;
  /** The same in the current format, when the seed is of an older one (a read-only /etc keeps it old). */
  migrated?: string;
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export const livePathOf = (dataDir: string) => join(dataDir, LIVE_FILE);

/** Which text is the configuration, without writing anything (the CLI's commands beside a daemon, or before its first start). */
export async function effectiveConfig(seed: SeedSource, dataDir: string): Promise<LiveConfigFile> {
  const path = livePathOf(dataDir);
  const seedName = seed.file ?? 'the built-in simulation defaults';
  if (seed.file && resolve(seed.file) === resolve(path)) return { path, text: seed.text, origin: 'seed-is-live', seed: seedName };
  const live = await readOrUndefined(path);
  const taken = seed.migrated ?? seed.text;
  if (live === undefined) return { path, text: taken, origin: 'seed-first', seed: seedName };
  const copy = await readOrUndefined(join(dataDir, SEED_COPY_FILE));
  if (copy !== seed.text) return { path, text: taken, origin: 'seed-changed', seed: seedName };
  return { path, text: live, origin: 'live', seed: seedName };
}

/**
 * At start: the live file, seeded (written) when this start takes the seed.
 * The live file is written before the seed copy, so a power cut between the
 * two takes the same seed again at the next start (and changes nothing).
 */
export async function openLiveConfig(seed: SeedSource, dataDir: string): Promise<LiveConfigFile> {
  const found = await effectiveConfig(seed, dataDir);
  if (found.origin === 'seed-first' || found.origin === 'seed-changed') {
    const now = await readOrUndefined(found.path);
    if (now !== found.text) await writeFileAtomic(found.path, found.text, 0o640);
    await writeFileAtomic(join(dataDir, SEED_COPY_FILE), seed.text, 0o640);
  }
  return found;
}
