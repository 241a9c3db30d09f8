// A pid file in the data directory tells the CLI whether the daemon is
// running (restore must not swap the database under it).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PID_FILE = 'daemon.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live daemon using this data directory, or null. */
export async function daemonRunning(dataDir: string): Promise<number | null> {
  const text = await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isFinite(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}

/** Claim the data directory; fails when another live daemon holds it. */
export async function claimDataDir(dataDir: string): Promise<void> {
  const other = await daemonRunning(dataDir);
  if (other) throw new Error(`another Callpoint daemon (pid ${other}) is using ${dataDir}`);
  await writeFile(join(dataDir, PID_FILE), `${process.pid}\n`);
}

export async function releaseDataDir(dataDir: string): Promise<void> {
  const text = await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '');
  if (Number.parseInt(text, 10) === process.pid) await rm(join(dataDir, PID_FILE), { force: true });
}
