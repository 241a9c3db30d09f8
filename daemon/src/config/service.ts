// The configuration's runtime API (STYLE.md 13: the HTTP routes and central's
// command are thin adapters over this, passing who acts): read it, preview a
// change, apply one, list and restore versions, export.
//
// An apply, one at a time:
//   1. the change is checked against the version it was based on (a stale one
//      is refused with what changed meanwhile: 409);
//   2. merged, validated and diffed by the editor (in its worker thread);
//   3. each changed key checked against the role of who asks (schema `edit`);
//   4. recorded as version N 'writing' (committed), the file written
//      atomically (temporary file, fsync, rename, fsync the directory), then
//      version N 'written' with its audit row and the diff (one commit);
//   5. applied to the running daemon (config/live-apply.ts).
// A daemon killed between 4's steps finds at its next start which version the
// file holds: a 'writing' row whose bytes are on disk is completed, one whose
// bytes are not is dropped (its request was never answered). The file is
// always one whole version.
import type { ConfigApplyResult, ConfigConflict, ConfigPending, ConfigPreview, ConfigVersionDetail, ConfigVersionEntry, ConfigView } from '../contracts/config.js';
import type { AuditEntry } from '../contracts/accounts.js';
import { english, phrase, phraseList, type Phrase } from '../contracts/phrases/index.js';
import type { FieldError } from '../contracts/errors.js';
import { roleAtLeast, type ConfigSource, type Role } from '../contracts/values.js';
import type { EventBus } from '../events/bus.js';
import { writeFileAtomic } from '../lifecycle/atomic-file.js';
import type { Logger } from '../log/logger.js';
import type { ConfigVersionMeta } from '../store/config-versions-repo.js';
import type { Store } from '../store/store.js';
import { describeDiff, diffConfig } from './diff.js';
import type { EditClient } from './edit-client.js';
import type { ConfigChange } from './editor.js';
import type { ConfigProblem } from './errors.js';
import type { ApplyOutcome, LiveApply } from './live-apply.js';
import { sha256, type LiveConfigFile } from './live-file.js';
import { parseConfig, validateConfig } from './load.js';
import { resolveConfig } from './resolve.js';
import type { Config } from './schema.js';
import { nearest, schemaPathOf } from './schema-meta.js';
import { maskSecrets, SECRET_MASK } from './secrets.js';

/** Who acts (a user of the web UI or the API, central, the system). */
export interface ConfigActor {
  username: string | null;
  role: Role | null;
  ip: string | null;
}

export interface ApplyOptions {
  /** The version the change was made on; a stale one is refused (409). Undefined: no check (restore). */
  ifMatch?: number;
  who: ConfigActor;
  source: ConfigSource;
  reason?: string;
  /** Central and whole-file imports act for the whole file (admin). */
  wholeFile?: boolean;
  restoredFrom?: number;
}

export type ApplyAnswer =
  | { ok: true; result: ConfigApplyResult; audit: AuditEntry | undefined; start(): void }
  | { ok: false; code: 'conflict'; conflict: ConfigConflict }
  | { ok: false; code: 'invalid'; error: string; errors: FieldError[]; diff: ConfigApplyResult['diff'] }
  | { ok: false; code: 'forbidden'; error: string; errors: FieldError[] }
  | { ok: false; code: 'not_found'; error: string };

export interface ConfigServiceDeps {
  store: Store;
  editor: EditClient;
  live: LiveApply;
  bus: EventBus;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** The live file (config/live-file.ts). */
  file: string;
  /** Checks beyond the schema that need the rest of the appliance (every point on an input of the board): the same as `config check`. */
  check?: (c: Config) => Promise<ConfigProblem[]>;
}

const problemsToErrors = (ps: ConfigProblem[]): FieldError[] => ps.map((p) => ({ path: p.path || '(file)', message: p.message }));
const oneLine = (errors: FieldError[]) => errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '');

/** The least role that may make every change of a diff (admin for a key no section opens to technicians). */
export function roleNeeded(paths: string[]): { role: Role; adminOnly: string[] } {
  const adminOnly = paths.filter((p) => nearest(schemaPathOf(p), 'edit')?.value !== 'technician');
  return { role: adminOnly.length ? 'admin' : 'technician', adminOnly };
}

/** `12`, `"12"` or `W/"12"` → 12. */
export function parseIfMatch(header: string | undefined): number | undefined {
  const m = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}

export class ConfigService {
  private versionNow = 0;
  private textNow = '';
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: ConfigServiceDeps) {}

  get version(): number {
    return this.versionNow;
  }

  /** What waits now (pending changes). */
  get pending(): ConfigPending[] {
    return this.d.live.waiting;
  }

  /**
   * At start: bring the history in line with the file. A 'writing' version
   * whose bytes are on disk is completed (and audited as its author); one whose
   * bytes are not is dropped. A file no version holds — a seed just taken, a
   * migration, an edit outside Callpoint — becomes a new version.
   */
  async open(live: LiveConfigFile, opts: { migratedFrom?: number } = {}): Promise<number> {
    const { store, log } = this.d;
    const text = live.text;
    const sha = sha256(text);
    for (const w of await store.configVersions.writing()) {
      if (w.sha256 === sha) {
        const entry = await store.tx(async (q) => {
          await q.configVersions.markWritten(w.version);
          return q.audit.insert({ username: w.username, role: w.role, ip: w.ip, action: actionOf(w.source), target: `v${w.version}`, outcome: 'ok', detail: `${w.diff ?? ''} (completed at the next start: the daemon stopped after writing the file)` });
        });
        log.warn({ version: w.version }, 'configuration version completed: the daemon had stopped after writing the file');
        this.d.bus.emit('audit', entry);
      } else {
        await store.configVersions.remove(w.version);
        log.warn({ version: w.version }, 'configuration version dropped: the daemon stopped before writing the file (its request was never answered)');
      }
    }
    const cur = await store.configVersions.current();
    if (!cur || cur.sha256 !== sha) {
      const source: ConfigSource = opts.migratedFrom !== undefined ? 'migration' : live.origin === 'seed-first' || live.origin === 'seed-changed' ? 'seed' : 'disk';
      const said: Phrase =
        source === 'migration' ? phrase('config.reason.migrated', { from: opts.migratedFrom ?? 0 })
        : live.origin === 'seed-first' ? phrase('config.reason.seedFirst', { file: live.seed })
        : live.origin === 'seed-changed' ? phrase('config.reason.seedChanged', { file: live.seed })
        : cur ? phrase('config.reason.outside') : phrase('config.reason.asFound');
      const reason = english(said);
      const before = cur ? (await store.configVersions.get(cur.version))?.text.toString('utf8') : undefined;
      // The diff lists key paths and values: the same in every language.
      const changes = before === undefined ? phrase('config.diff.first') : describeDiff(diffTextsNow(before, text, this.d.env));
      const diff = typeof changes === 'string' ? changes : english(changes);
      const version = await store.tx(async (q) => {
        const v = await q.configVersions.insert({ text: Buffer.from(text), sha256: sha, username: null, role: null, ip: null, source, reason, restoredFrom: null, diff }, 'written');
        await q.configVersions.prune();
        const p = phraseList([said, changes]);
        await q.audit.insert({ username: 'system', role: null, ip: null, action: actionOf(source), target: `v${v}`, outcome: 'ok', detail: english(p), phrase: p });
        return v;
      });
      log.info({ version, source, reason }, 'configuration version recorded');
    }
    this.versionNow = (await store.configVersions.current())!.version;
    this.textNow = text;
    await this.d.editor.load(text);
    return this.versionNow;
  }

  async view(): Promise<ConfigView> {
    const v = await this.d.editor.view();
    return { version: this.versionNow, config: v.config, pending: this.pending, fromEnv: v.fromEnv, file: this.d.file };
  }

  /** The file as it is; secrets masked unless `exact` (admins). */
  exportText(exact: boolean): string {
    if (exact) return this.textNow;
    const parsed = parseConfig(this.textNow, {});
    const doc = parsed.document;
    if (!doc) return this.textNow;
    const masked = maskSecrets(doc.toJS()) as Record<string, unknown>;
    maskInDocument(doc, masked, []);
    return doc.toString();
  }

  preview(change: ConfigChange): Promise<ConfigPreview> {
    return this.serial(async () => {
      const r = await this.d.editor.preview(change);
      if (!r.ok) return { version: this.versionNow, diff: r.diff, errors: problemsToErrors(r.problems) };
      // What an apply would check beyond the schema (the board), so the preview says all an apply would.
      const more = (await this.d.check?.(resolveConfig(r.prepared.running))) ?? [];
      return { version: this.versionNow, diff: r.prepared.diff, errors: problemsToErrors(more) };
    });
  }

  apply(change: ConfigChange, o: ApplyOptions): Promise<ApplyAnswer> {
    return this.serial(() => this.applyNow(change, o));
  }

  /** Bring back version `v` as a new version, byte for byte. */
  async restore(v: number, o: Omit<ApplyOptions, 'restoredFrom' | 'source'>): Promise<ApplyAnswer> {
    const row = await this.d.store.configVersions.get(v);
    if (!row) return { ok: false, code: 'not_found', error: `no version ${v} (the last ${(await this.d.store.configVersions.list()).length} are kept)` };
    return this.apply({ kind: 'text', text: row.text.toString('utf8') }, { ...o, source: 'restore', restoredFrom: v, reason: o.reason ?? `restore version ${v}` });
  }

  async versions(): Promise<ConfigVersionEntry[]> {
    return (await this.d.store.configVersions.list()).map((m) => this.entry(m));
  }

  /** A version and what restoring it would change. */
  async versionDetail(v: number): Promise<ConfigVersionDetail | undefined> {
    const row = await this.d.store.configVersions.get(v);
    if (!row) return undefined;
    return { entry: this.entry(row), diff: await this.d.editor.diffTexts(this.textNow, row.text.toString('utf8')) };
  }

  private entry(m: ConfigVersionMeta): ConfigVersionEntry {
    return { version: m.version, createdAt: m.createdAt, username: m.username, role: m.role, ip: m.ip, source: m.source, reason: m.reason, bytes: m.bytes, sha256: m.sha256, restoredFrom: m.restoredFrom, current: m.version === this.versionNow };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async applyNow(change: ConfigChange, o: ApplyOptions): Promise<ApplyAnswer> {
    const { store, editor, log } = this.d;
    if (o.ifMatch !== undefined && o.ifMatch !== this.versionNow) return { ok: false, code: 'conflict', conflict: await this.conflict(o.ifMatch) };
    // Central is authorised by its signed command, not by a role.
    const central = o.source === 'central';
    if (o.wholeFile && !central && !roleAtLeast(o.who.role, 'admin')) {
      return { ok: false, code: 'forbidden', error: 'only an admin may replace the whole file', errors: [{ path: '(file)', message: 'needs the admin role' }] };
    }
    const r = await editor.prepare(change);
    if (!r.ok) {
      if (r.notFound) return { ok: false, code: 'not_found', error: oneLine(problemsToErrors(r.problems)) };
      const errors = problemsToErrors(r.problems);
      return { ok: false, code: 'invalid', error: `invalid: ${oneLine(errors)}`, errors, diff: r.diff };
    }
    const { text, diff } = r.prepared;
    const running = resolveConfig(r.prepared.running);
    const more = (await this.d.check?.(running)) ?? [];
    if (more.length) {
      await editor.discard();
      const errors = problemsToErrors(more);
      return { ok: false, code: 'invalid', error: `invalid: ${oneLine(errors)}`, errors, diff };
    }
    const needed = roleNeeded(diff.map((x) => x.path));
    if (!central && !roleAtLeast(o.who.role, needed.role)) {
      await editor.discard();
      const errors = needed.adminOnly.map((path) => ({ path, message: 'only an admin may change this' }));
      return { ok: false, code: 'forbidden', error: `only an admin may change ${needed.adminOnly.join(', ')}`, errors };
    }
    if (!diff.length && text === this.textNow) {
      await editor.discard();
      return { ok: true, result: { version: this.versionNow, diff: [], applied: [], pending: this.pending }, audit: undefined, start: () => undefined };
    }
    const words = `${o.reason ? `"${o.reason}"; ` : ''}${describeDiff(diff)}`;
    const row = { text: Buffer.from(text), sha256: sha256(text), username: o.who.username, role: o.who.role, ip: o.who.ip, source: o.source, reason: o.reason ?? null, restoredFrom: o.restoredFrom ?? null, diff: words };
    let version: number;
    let audit: AuditEntry;
    try {
      version = await store.tx((q) => q.configVersions.insert(row, 'writing'));
      try {
        await writeFileAtomic(this.d.file, text);
      } catch (e) {
        await store.configVersions.remove(version);
        throw e;
      }
      audit = await store.tx(async (q) => {
        await q.configVersions.markWritten(version);
        await q.configVersions.prune();
        return q.audit.insert({ username: o.who.username, role: o.who.role, ip: o.who.ip, action: actionOf(o.source), target: `v${version}`, outcome: 'ok', detail: o.restoredFrom ? `restored version ${o.restoredFrom}; ${words}` : words });
      });
    } catch (e) {
      await editor.discard();
      log.error({ err: e }, 'the configuration could not be written: nothing changed');
      throw new Error(`the configuration could not be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing changed`, { cause: e });
    }
    await editor.commit(text);
    this.versionNow = version;
    this.textNow = text;
    const outcome: ApplyOutcome = await this.d.live.apply(running);
    log.info({ version, by: o.who.username, source: o.source, changes: diff.length, pending: outcome.pending.length }, `configuration version ${version} applied`);
    this.d.bus.emit('audit', audit);
    this.d.bus.emit('config', { version, pending: outcome.pending });
    return { ok: true, result: { version, diff, applied: outcome.applied, pending: outcome.pending }, audit, start: () => outcome.start() };
  }

  private async conflict(base: number): Promise<ConfigConflict> {
    const row = await this.d.store.configVersions.get(base);
    const diff = row ? await this.d.editor.diffTexts(row.text.toString('utf8'), this.textNow) : [];
    return {
      error: row
        ? `the configuration changed since version ${base}: it is version ${this.versionNow} now; review the changes and save again`
        : `version ${base} is not the current one (${this.versionNow}) and is no longer kept; reload and save again`,
      version: this.versionNow,
      diff,
    };
  }
}

function actionOf(source: ConfigSource): string {
  switch (source) {
    case 'restore':
      return 'config.restore';
    case 'import':
      return 'config.import';
    case 'central':
      return 'config.central';
    case 'seed':
      return 'config.seed';
    case 'disk':
      return 'config.disk';
    case 'migration':
      return 'config.migrate';
    case 'api':
      return 'config.apply';
  }
}

/** At start, before the worker exists: the diff between two files, validated as far as they go. */
function diffTextsNow(from: string, to: string, env: NodeJS.ProcessEnv): ReturnType<typeof diffConfig> {
  const side = (text: string): unknown => {
    const p = parseConfig(text, {});
    if (p.file) return p.file;
    const raw = p.document?.toJS() as Record<string, unknown> | undefined;
    return raw ? (validateConfig(structuredClone(raw), env).file ?? raw) : {};
  };
  return diffConfig(side(from), side(to));
}

/** Write the mask over every secret of the document (an export for someone who may not see them). */
function maskInDocument(doc: NonNullable<ReturnType<typeof parseConfig>['document']>, masked: unknown, path: Array<string | number>): void {
  if (masked === null || typeof masked !== 'object') return;
  for (const [k, v] of Object.entries(masked as Record<string, unknown>)) {
    const here = [...path, Array.isArray(masked) ? Number(k) : k];
    if (v !== null && typeof v === 'object') maskInDocument(doc, v, here);
    else if (v === SECRET_MASK && doc.getIn(here) !== v) doc.setIn(here, v);
  }
}
