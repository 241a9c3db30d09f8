import type { Role } from '../store/users-repo.js';

/** Who is acting, for authorisation and the audit log (an HTTP user, the CLI, central). */
export interface Actor {
  username: string | null;
  role: Role | null;
  ip: string | null;
}

export const ROLE_RANK: Record<Role, number> = { viewer: 1, technician: 2, admin: 3 };

export function hasRole(actor: Actor, min: Role): boolean {
  return actor.role !== null && ROLE_RANK[actor.role] >= ROLE_RANK[min];
}
