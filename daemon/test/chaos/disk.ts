// A small filesystem of its own for the daemon's data (tmpfs, as root), and a
// filler file that leaves only the last megabyte free: the disk-full part of
// the chaos suite. Without root (or mount), the part is skipped, saying why.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Fill it up to `leaveBytes` free. */
  fill(leaveBytes?: number): void;
  /** Remove the filler. */
  free(): void;
  freeBytes(): number;
  unmount(): void;
}

export function mountSmallDisk(dir: string, sizeMb: number): SmallDisk | string {
  if (process.getuid?.() !== 0) return 'the disk-full part needs root (to mount a small tmpfs)';
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0750`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    return `cannot mount a tmpfs at ${dir}: ${(e as Error).message.split('\n')[0]}`;
  }
  const filler = join(dir, '.filler');
  const freeBytes = () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    freeBytes,
    fill(leaveBytes = 1 << 20) {
      rmSync(filler, { force: true });
      const size = freeBytes() - leaveBytes;
      if (size > 0) execFileSync('fallocate', ['-l', String(size), filler]);
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } catch {
        /* already gone */
      }
    },
  };
}
