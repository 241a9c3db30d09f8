// System packages some tests need. Missing → the test is skipped with a
// clear message; with REQUIRE_ALL=1 it runs anyway and fails (and the
// summary counts any skip as a failure).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PATHS: Record<string, string[]> = {
  chromium: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
  mosquitto: ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'],
  socat: ['/usr/bin/socat'],
};

export function toolPath(name: string): string | undefined {
  const known = PATHS[name]?.find((p) => existsSync(p));
  if (known) return known;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** For `t.test(name, { skip: skipUnless('chromium') }, …)`. */
export function skipUnless(name: string): string | false {
  if (toolPath(name)) return false;
  if (process.env.REQUIRE_ALL === '1') return false;
  return `needs ${name} (Debian package "${name}"); install it or run .ci/run`;
}
