// A pair of connected pseudo-terminals made by socat: the daemon opens one end
// as if it were /dev/ttyUSB2 (through the real SerialPortLink), a simulator
// or a test drives the other. Killing socat makes the port vanish the way an
// unplugged USB modem does (reads fail, the link path disappears); respawn()
// brings it back on the same link paths.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface PtyPair {
  /** Link path of one end (DIR/a). */
  readonly a: string;
  /** Link path of the other end (DIR/b). */
  readonly b: string;
  /** Whether socat is running (the ports exist). */
  readonly running: boolean;
  /** Kill socat: both ends vanish (an open port gets EIO / a disconnect). Idempotent. */
  close(): Promise<void>;
  /** Start socat again on the same link paths (new /dev/pts numbers behind them). */
  respawn(): Promise<void>;
}

export interface PtyPairOptions {
  /** How long to wait for socat to create both links. Default 5000 ms. */
  timeoutMs?: number;
}

/** socat's path, from PATH or /usr/bin/socat; undefined when it is not installed. */
export function socatPath(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const p of [...dirs.map((d) => join(d, 'socat')), '/usr/bin/socat']) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * socat runs under a small shell guard so it cannot outlive us: a test process
 * killed by a timeout would otherwise leave socat (and its ptys) behind. The
 * guard forwards SIGTERM to socat and waits for it (socat removes its links on
 * exit), and a watcher kills socat within a second once WATCH_PID is gone.
 */
const GUARD = [
  '"$SOCAT" "$@" & s=$!',
  "trap 'kill $s 2>/dev/null' TERM INT HUP",
  '( while kill -0 "$WATCH_PID" 2>/dev/null; do sleep 1; done; kill $s 2>/dev/null ) & w=$!',
  'wait $s; wait $s; r=$?',
  'kill $w 2>/dev/null',
  'exit $r',
].join('\n');

function removeLink(path: string): void {
  try {
    if (lstatSync(path).isSymbolicLink()) unlinkSync(path);
  } catch {
    // absent
  }
}

export async function openPtyPair(dir: string, opts: PtyPairOptions = {}): Promise<PtyPair> {
  const socat = socatPath();
  if (!socat) throw new Error('socat not found (Debian package socat)');
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const timeoutMs = opts.timeoutMs ?? 5000;
  let child: ChildProcess | undefined;

  const spawnSocat = async (): Promise<void> => {
    // A stale link from a crashed run would satisfy the wait below before socat is ready.
    removeLink(a);
    removeLink(b);
    // A process group of its own: Ctrl-C in the terminal signals the whole foreground group, and socat
    // must not die with it before the daemon has stopped the line services (the ports would vanish
    // under them, recorded as a silent modem and card). close() and the watcher above end it.
    const proc = spawn('/bin/sh', ['-c', GUARD, 'sh', '-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SOCAT: socat, WATCH_PID: String(process.pid) },
      detached: true,
    });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    let exited: string | undefined;
    proc.once('exit', (code, signal) => {
      exited = `socat exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`;
    });
    proc.once('error', (err) => {
      exited = `socat could not start: ${err.message}`;
    });
    const deadline = Date.now() + timeoutMs;
    while (!(existsSync(a) && existsSync(b))) {
      if (exited) throw new Error(exited);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`socat did not create ${a} and ${b} within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const close = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      await gone;
    }
    // socat removes its links on a clean exit; make sure even after SIGKILL.
    removeLink(a);
    removeLink(b);
  };

  await spawnSocat();
  return {
    a,
    b,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    close,
    async respawn() {
      await close();
      await spawnSocat();
    },
  };
}
