import { type Role } from '../contracts/accounts.js';
import { roleAtLeast } from '../contracts/values.js';

/** Who is acting, for authorisation and the audit log (an HTTP user, the CLI, central). */
export interface Actor {
  username: string | null;
  role: Role | null;
  ip: string | null;
}

export function hasRole(actor: Actor, min: Role): boolean {
  return roleAtLeast(actor.role, min);
}
