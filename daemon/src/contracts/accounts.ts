// Accounts and sessions: login, first-run setup, the user list, the audit log.
import { z } from 'zod';
import { phraseSchema } from './phrase.js';
import { AUDIT_OUTCOMES, ROLES, USERNAME_RE } from './values.js';

export const role = z.enum(ROLES);
export type { Role } from './values.js';
export const username = z.string().regex(USERNAME_RE, 'a user name is 2–32 of A-Z a-z 0-9 . _ -, starting with a letter or digit');
/** A password as typed: its strength is judged by the password policy, not here. */
const password = z.string().min(1, 'required').max(1024, 'at most 1024 characters');

export const sessionUser = z.object({ username: z.string(), role });
export type SessionUser = z.infer<typeof sessionUser>;
/** GET /api/session, and the answer to login and setup. */
export const session = z.object({ user: sessionUser, csrfToken: z.string() });
export type Session = z.infer<typeof session>;

export const loginBody = z.strictObject({ username: z.string().max(64), password });
export const setupBody = z.strictObject({ token: z.string().max(200), username, password });
export const passwordChangeBody = z.strictObject({ current: password, next: password });
export const addUserBody = z.strictObject({ username, password, role });
export const updateUserBody = z.strictObject({ role: role.optional(), password: password.optional() });
export type LoginBody = z.infer<typeof loginBody>;
export type SetupBody = z.infer<typeof setupBody>;
export type AddUserBody = z.infer<typeof addUserBody>;
export type UpdateUserBody = z.infer<typeof updateUserBody>;

/** `locked`: some address is locked out of this name after failed logins (the owner may still log in from another). */
export const userRecord = z.object({ username: z.string(), role, createdAt: z.string(), lastLoginAt: z.string().nullable(), locked: z.boolean() });
export type UserRecord = z.infer<typeof userRecord>;
export const userList = z.object({ users: z.array(userRecord) });
/** POST /api/users/:username/unlock: how many addresses were locked out of the name. */
export const unlockResult = z.object({ addresses: z.number() });
export type UnlockResult = z.infer<typeof unlockResult>;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export const auditEntry = z.object({
  id: z.number(),
  ts: z.string(),
  username: z.string().nullable(),
  role: z.string().nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  /** In English. */
  detail: z.string().nullable(),
  /** The detail in any language (contracts/phrases); null when there is none, or for entries written before it existed. */
  phrase: phraseSchema.nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditPage = z.object({ entries: z.array(auditEntry), nextBefore: z.number().nullable() });
export type AuditPage = z.infer<typeof auditPage>;
