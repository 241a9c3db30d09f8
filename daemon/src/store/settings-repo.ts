// Runtime settings: small JSON values changed from the admin UI (the YAML file
// holds the installation's configuration; this holds what operators tune).
import type { Queryable } from './db.js';

export interface Setting {
  key: string;
  value: unknown;
  updatedAt: string;
  updatedBy: string | null;
}

export class SettingsRepo {
  constructor(private readonly db: Queryable) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async list(): Promise<Setting[]> {
    const rows = await this.db.all<{ key: string; value: string; updated_at: string; updated_by: string | null }>('SELECT * FROM settings ORDER BY key');
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown, updatedAt: r.updated_at, updatedBy: r.updated_by }));
  }

  async set(key: string, value: unknown, by: string | null): Promise<void> {
    await this.db.run(
      'INSERT INTO settings(key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by',
      [key, JSON.stringify(value), new Date().toISOString(), by],
    );
  }

  async delete(key: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM settings WHERE key = ?', [key])).changes > 0;
  }
}
