// The one-time first-run link. With no users, the daemon makes a random token,
// stores only its hash with an expiry, and logs the link. The token is used up
// by the first successful setup; a restart makes a new one (the old dies).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SettingsRepo } from '../store/settings-repo.js';

const KEY = 'setup.token';

interface Stored {
  hash: string;
  expiresAt: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest();

export async function issueSetupToken(settings: SettingsRepo, ttlMs: number): Promise<{ token: string; expiresAt: string }> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs).toISOString();
  await settings.set(KEY, { hash: sha(token).toString('hex'), expiresAt } satisfies Stored, 'system');
  return { token, expiresAt };
}

export async function checkSetupToken(settings: SettingsRepo, token: unknown): Promise<'ok' | 'expired' | 'invalid'> {
  const stored = await settings.get<Stored>(KEY);
  if (!stored || typeof token !== 'string' || token.length > 200) return 'invalid';
  const a = sha(token);
  const b = Buffer.from(stored.hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'invalid';
  return Date.parse(stored.expiresAt) < Date.now() ? 'expired' : 'ok';
}

export async function consumeSetupToken(settings: SettingsRepo): Promise<void> {
  await settings.delete(KEY);
}
