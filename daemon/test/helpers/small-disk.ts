// A small file system of its own for a test (a tmpfs with size=), so the test
// can fill it without touching the machine's disk. Needs root (CI
// containers, this machine) and a kernel that allows the mount; otherwise the
// test is skipped with a clear message, and REQUIRE_ALL=1 turns that skip into
// a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function canMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs (run as root, or in .ci/run)';
  const dir = mkdtempSync(join(tmpdir(), 'cp-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `cannot mount a small tmpfs here (${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()})`;
  } finally {
    rmdirSync(dir);
  }
}

/** For `t.test(name, { skip: skipUnlessSmallDisk() }, …)`. */
export function skipUnlessSmallDisk(): string | false {
  const why = canMount();
  if (!why || process.env.REQUIRE_ALL === '1') return false;
  return why;
}

/** Mount a tmpfs of `mb` megabytes on `dir` (made if missing); returns the unmount. */
export function mountSmallDisk(dir: string, mb: number): () => void {
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  return () => {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch {
      /* already gone */
    }
  };
}
