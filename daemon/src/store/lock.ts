// One owner of a data directory at a time: the daemon while it runs, or a
// restore while it swaps the database — never both, never two daemons.
//
// The lock is an abstract Unix socket (Linux: a name in the kernel, no file)
// derived from the directory's real path. Binding it is atomic and exclusive,
// the kernel releases it when the process dies however it dies (SIGKILL, a
// power cut), and it needs no disk space — a daemon restarted on a full disk
// still gets it. Abstract names are per network namespace: the daemon's unit
// has no PrivateNetwork, so `callpoint restore` on the same board sees it.
//
// A pid file (daemon.pid) is written beside it as a courtesy, for messages
// and for people; it decides nothing (a stale or deleted one changes nothing).
import { createHash } from 'node:crypto';
import { realpath, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';

export const PID_FILE = 'daemon.pid';

export class DataDirBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirBusy';
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

async function lockName(dataDir: string): Promise<string> {
  const real = await realpath(dataDir).catch(() => resolve(dataDir));
  return `\0callpoint-data-dir:${createHash('sha256').update(real).digest('hex').slice(0, 48)}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the data directory's pid file, when that process lives (for messages only). */
export async function pidInFile(dataDir: string): Promise<number | null> {
  const text = await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isFinite(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}

/** Take the data directory's lock, or fail with DataDirBusy naming who holds it. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  if (process.platform !== 'linux') {
    // Abstract sockets are Linux's; elsewhere (a developer's Mac) only the pid file tells.
    const pid = await pidInFile(dataDir);
    if (pid) throw new DataDirBusy(`another process (pid ${pid}) is using ${dataDir}`);
    return { release: async () => undefined };
  }
  const name = await lockName(dataDir);
  const server: Server = createServer((s) => s.destroy());
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return fail(err);
      void pidInFile(dataDir).then((pid) => fail(new DataDirBusy(`${dataDir} is in use by a running Callpoint daemon${pid ? ` (pid ${pid})` : ''} or a restore`)));
    });
    server.listen(name, () => ok());
  });
  // The lock must not keep the process alive on its own.
  server.unref();
  return { release: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** The daemon: the lock for its whole life, and the pid file (best effort: a full disk must not stop the start). */
export async function claimDataDir(dataDir: string, onPidFileError?: (err: Error) => void): Promise<DataDirLock> {
  const lock = await lockDataDir(dataDir);
  await writeFile(join(dataDir, PID_FILE), `${process.pid}\n`).catch((err: Error) => onPidFileError?.(err));
  return {
    release: async () => {
      const text = await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '');
      if (Number.parseInt(text, 10) === process.pid) await rm(join(dataDir, PID_FILE), { force: true });
      await lock.release();
    },
  };
}
