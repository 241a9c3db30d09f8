// What a password must be. Length 8–128; not one of the common passwords
// (zxcvbn-ts's list of the 30 000 most common passwords from breaches, with
// l33t and reversed variants); not built on the username; and not trivially
// guessable by zxcvbn's estimate (score ≥ 2, "somewhat guessable" or better).
//
// The dictionaries are large (~10 MB in memory): loaded on the first
// password change, not at start, so an idle daemon stays small.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

let zxcvbn: Promise<ZxcvbnFactory> | undefined;
function checker(): Promise<ZxcvbnFactory> {
  return (zxcvbn ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  })());
}

/** Why the password is refused, or null when it is acceptable. */
export async function passwordProblem(password: string, username: string): Promise<string | null> {
  if (typeof password !== 'string') return 'a password is required';
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `the password must have at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `the password must have at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'the password must not contain the username';
  const result = (await checker()).check(password, [username, 'callpoint', 'freeswitch', 'cluecon', 'admin', 'dispatch']);
  const whole = result.sequence.length === 1 && result.sequence[0]!.pattern === 'dictionary';
  if (whole) return 'this is a commonly used password; choose another';
  if (result.score < 2) return 'this password is too easy to guess; use a longer one, or several unrelated words';
  return null;
}
