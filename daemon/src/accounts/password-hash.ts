// Password hashing with scrypt (node:crypto, no native addon to build).
// Parameters N=2^16, r=8, p=2: one of OWASP's equivalent scrypt settings
// (Password Storage Cheat Sheet), 64 MiB per hash — chosen over N=2^17,p=1
// to halve the memory a Raspberry Pi spends per login. One hash runs at a
// time, so a flood of logins costs 64 MB and one thread of libuv's pool, never
// more (the other threads are the database's: an alarm's commit runs there);
// at most MAX_WAITING wait, past that a login is refused at once as busy
// (PasswordCheckBusy) instead of queueing without bound. A few technicians'
// logins a minute never notice.
// Stored as `scrypt$N$r$p$salt$hash` (base64), so parameters can be raised
// later and old hashes still verify.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT = { N: 1 << 16, r: 8, p: 2, keylen: 32, saltBytes: 16 } as const;
const MAXMEM = 256 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, keylen, { ...opts, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))));
}

const MAX_ACTIVE = 1;
export const MAX_WAITING = 8;

/** Too many password checks at once: try again in a moment. */
export class PasswordCheckBusy extends Error {
  constructor() {
    super('too many logins at once; try again in a moment');
    this.name = 'PasswordCheckBusy';
  }
}

let active = 0;
const waiting: Array<() => void> = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= MAX_ACTIVE) {
    if (waiting.length >= MAX_WAITING) throw new PasswordCheckBusy();
    await new Promise<void>((r) => waiting.push(r));
  }
  active++;
  try {
    return await fn();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(async () => {
    const salt = randomBytes(SCRYPT.saltBytes);
    const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
    return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
  });
}

/** Constant-time check; false for a malformed hash. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return Promise.resolve(false);
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const want = Buffer.from(parts[5]!, 'base64');
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || want.length < 16) return Promise.resolve(false);
  return limited(async () => {
    const got = await scrypt(password, salt, want.length, { N, r, p });
    return timingSafeEqual(got, want);
  });
}

/** A hash of a random password: verifying against it costs what a real check costs (no user enumeration by timing). */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}
