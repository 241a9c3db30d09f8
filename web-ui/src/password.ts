// Client-side pre-check of the password policy, for quick feedback only.
// The server is the authority (it also rejects common passwords).
import type { MessageKey } from './i18n';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function checkPassword(username: string, password: string): MessageKey | null {
  // Count code points, not UTF-16 units.
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'policy.tooShort';
  if (length > PASSWORD_MAX) return 'policy.tooLong';
  const name = username.trim().toLowerCase();
  if (name && password.toLowerCase().includes(name)) return 'policy.containsUsername';
  return null;
}
