// The history of the configuration file (table config_versions): each
// version's bytes, who made it, when, from where, why. A change is recorded
// as 'writing' before the file is written, then 'written'.
import type { ConfigSource } from '../contracts/values.js';
import type { Queryable } from './db.js';

/** How many written versions are kept. */
export const KEEP_VERSIONS = 20;

export interface ConfigVersionMeta {
  version: number;
  state: 'writing' | 'written';
  sha256: string;
  bytes: number;
  createdAt: string;
  username: string | null;
  role: string | null;
  ip: string | null;
  source: ConfigSource;
  reason: string | null;
  restoredFrom: number | null;
  diff: string | null;
}

export interface ConfigVersionRow extends ConfigVersionMeta {
  text: Buffer;
}

export type NewConfigVersion = Omit<ConfigVersionMeta, 'version' | 'state' | 'bytes' | 'createdAt'> & { text: Buffer; createdAt?: string };

interface Row {
  version: number;
  state: 'writing' | 'written';
  text?: Buffer;
  sha256: string;
  bytes: number;
  created_at: string;
  username: string | null;
  role: string | null;
  ip: string | null;
  source: ConfigSource;
  reason: string | null;
  restored_from: number | null;
  diff: string | null;
}

const META = 'version, state, sha256, length(text) AS bytes, created_at, username, role, ip, source, reason, restored_from, diff';

function meta(r: Row): ConfigVersionMeta {
  return { version: r.version, state: r.state, sha256: r.sha256, bytes: r.bytes, createdAt: r.created_at, username: r.username, role: r.role, ip: r.ip, source: r.source, reason: r.reason, restoredFrom: r.restored_from, diff: r.diff };
}

export class ConfigVersionsRepo {
  constructor(private readonly db: Queryable) {}

  /** Record a version about to be written; its number. */
  async insert(v: NewConfigVersion, state: 'writing' | 'written' = 'writing'): Promise<number> {
    const r = await this.db.run(
      'INSERT INTO config_versions(state, text, sha256, created_at, username, role, ip, source, reason, restored_from, diff) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [state, v.text, v.sha256, v.createdAt ?? new Date().toISOString(), v.username, v.role, v.ip, v.source, v.reason, v.restoredFrom, v.diff],
    );
    return r.lastID;
  }

  async markWritten(version: number): Promise<void> {
    await this.db.run("UPDATE config_versions SET state = 'written' WHERE version = ?", [version]);
  }

  /** A version that was never written (the daemon stopped before the file was): it did not happen. */
  async remove(version: number): Promise<void> {
    await this.db.run('DELETE FROM config_versions WHERE version = ?', [version]);
  }

  /** The newest written version: what the file holds. */
  async current(): Promise<ConfigVersionMeta | undefined> {
    const r = await this.db.get<Row>(`SELECT ${META} FROM config_versions WHERE state = 'written' ORDER BY version DESC LIMIT 1`);
    return r ? meta(r) : undefined;
  }

  async writing(): Promise<ConfigVersionRow[]> {
    const rows = await this.db.all<Row>(`SELECT ${META}, text FROM config_versions WHERE state = 'writing' ORDER BY version`);
    return rows.map((r) => ({ ...meta(r), text: r.text! }));
  }

  /** Written versions, newest first. */
  async list(limit = KEEP_VERSIONS): Promise<ConfigVersionMeta[]> {
    return (await this.db.all<Row>(`SELECT ${META} FROM config_versions WHERE state = 'written' ORDER BY version DESC LIMIT ?`, [limit])).map(meta);
  }

  async get(version: number): Promise<ConfigVersionRow | undefined> {
    const r = await this.db.get<Row>(`SELECT ${META}, text FROM config_versions WHERE version = ? AND state = 'written'`, [version]);
    return r ? { ...meta(r), text: r.text! } : undefined;
  }

  /** Keep the newest `keep` written versions. */
  async prune(keep = KEEP_VERSIONS): Promise<number> {
    const r = await this.db.run(
      "DELETE FROM config_versions WHERE state = 'written' AND version NOT IN (SELECT version FROM config_versions WHERE state = 'written' ORDER BY version DESC LIMIT ?)",
      [keep],
    );
    return r.changes;
  }
}
