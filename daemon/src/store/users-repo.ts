import type { Queryable } from './db.js';

import type { Role } from '../contracts/accounts.js';

export interface UserRow {
  id: number;
  username: string;
  role: Role;
  passwordHash: string;
  passwordChangedAt: string;
  createdAt: string;
  lastLoginAt: string | null;
}

interface Raw {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
  password_changed_at: string;
  created_at: string;
  last_login_at: string | null;
}

const fromRaw = (r: Raw): UserRow => ({
  id: r.id,
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
  passwordChangedAt: r.password_changed_at,
  createdAt: r.created_at,
  lastLoginAt: r.last_login_at,
});

export class UsersRepo {
  constructor(private readonly db: Queryable) {}

  async count(): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0;
  }

  async countRole(role: Role): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM users WHERE role = ?', [role]))?.n ?? 0;
  }

  async byName(username: string): Promise<UserRow | undefined> {
    const r = await this.db.get<Raw>('SELECT * FROM users WHERE username = ?', [username]);
    return r && fromRaw(r);
  }

  async byId(id: number): Promise<UserRow | undefined> {
    const r = await this.db.get<Raw>('SELECT * FROM users WHERE id = ?', [id]);
    return r && fromRaw(r);
  }

  async list(): Promise<UserRow[]> {
    return (await this.db.all<Raw>('SELECT * FROM users ORDER BY username')).map(fromRaw);
  }

  async create(username: string, role: Role, passwordHash: string): Promise<number> {
    const now = new Date().toISOString();
    const r = await this.db.run('INSERT INTO users(username, role, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?, ?)', [username, role, passwordHash, now, now]);
    return r.lastID;
  }

  async setRole(id: number, role: Role): Promise<void> {
    await this.db.run('UPDATE users SET role = ? WHERE id = ?', [role, id]);
  }

  async setPassword(id: number, passwordHash: string): Promise<void> {
    await this.db.run('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?', [passwordHash, new Date().toISOString(), id]);
  }

  async remove(id: number): Promise<boolean> {
    return (await this.db.run('DELETE FROM users WHERE id = ?', [id])).changes > 0;
  }

  async loginSucceeded(id: number): Promise<void> {
    await this.db.run('UPDATE users SET last_login_at = ? WHERE id = ?', [new Date().toISOString(), id]);
  }
}
