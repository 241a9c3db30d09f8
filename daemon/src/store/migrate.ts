// Bring a database to the latest schema, refusing a file that is not ours or
// that a newer Callpoint wrote.
import { APPLICATION_ID, StoreError, type Db } from './db.js';
import { LATEST_SCHEMA, migrations, type Migration } from './migrations.js';

export interface SchemaInfo {
  applicationId: number;
  userVersion: number;
  tables: number;
}

export async function schemaInfo(db: Db): Promise<SchemaInfo> {
  const app = await db.get<{ application_id: number }>('PRAGMA application_id');
  const ver = await db.get<{ user_version: number }>('PRAGMA user_version');
  const tables = await db.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'");
  return { applicationId: app?.application_id ?? 0, userVersion: ver?.user_version ?? 0, tables: tables?.n ?? 0 };
}

/** Why this database cannot be used by this code, or undefined when it can. */
export function refusal(info: SchemaInfo, latest = LATEST_SCHEMA): string | undefined {
  const empty = info.tables === 0 && info.userVersion === 0 && info.applicationId === 0;
  if (!empty && info.applicationId !== APPLICATION_ID) return 'it is not a Callpoint database (foreign application id)';
  if (info.userVersion > latest)
    return `its schema version ${info.userVersion} is newer than this Callpoint understands (${latest}); it was written by a newer release — upgrade Callpoint or restore an older backup`;
  return undefined;
}

/** Apply the pending migrations, one transaction each. Returns the ones applied. */
export async function migrate(db: Db, list: Migration[] = migrations): Promise<Migration[]> {
  const info = await schemaInfo(db);
  const latest = list[list.length - 1]?.version ?? 0;
  const why = refusal(info, latest);
  if (why) throw new StoreError(`refusing database ${db.file}: ${why}`, 'SCHEMA');
  const applied: Migration[] = [];
  for (const m of list) {
    if (m.version <= info.userVersion) continue;
    await db.tx(async (q) => {
      // exec of several statements is not available in a Queryable; split on ';' at line ends.
      for (const stmt of m.sql.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean)) await q.run(stmt);
      await q.run(`PRAGMA application_id = ${APPLICATION_ID}`);
      await q.run(`PRAGMA user_version = ${m.version}`);
    });
    applied.push(m);
  }
  return applied;
}
