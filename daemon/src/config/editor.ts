// The configuration as it is edited: the live file's YAML document, kept
// parsed, and the changes people make to it — a whole configuration as JSON
// (the UI, a script), one entry of a list, or a whole file (import, a
// restore, central). Each change is merged into the document (comments and
// key order stay), validated with the same schema and messages as `config
// check`, and diffed per field against what runs now; nothing is kept until
// the caller commits it (after the file is on disk). It runs in a worker
// thread (config/edit-worker.ts): parsing and printing YAML takes tens of
// milliseconds for a large site, which the emergency path must not wait for.
import type { Document } from 'yaml';
import type { ConfigDiffEntry } from '../contracts/config.js';
import { envLeaves, NON_CONFIG_ENV } from './env.js';
import type { ConfigProblem } from './errors.js';
import { diffConfig, entryPath } from './diff.js';
import { parseConfig, validateConfig } from './load.js';
import { Journal, mergeIntoDocument, resolveMasks } from './merge.js';
import { referrersOf, type Referable } from './resolve.js';
import { entryKeyOf, entryLists } from './schema-meta.js';
import type { ConfigFile } from './schema.js';
import { maskSecrets } from './secrets.js';

export type ConfigChange =
  | { kind: 'config'; config: Record<string, unknown>; partial?: boolean }
  | { kind: 'entry'; list: string; id: string; entry: Record<string, unknown> | null }
  | { kind: 'text'; text: string };

export interface PreparedChange {
  /** The new file, byte for byte. */
  text: string;
  /** Validated with the environment's overrides: what the daemon will run. */
  running: ConfigFile;
  /** Per field, against the file as it is now (environment overrides left out). */
  diff: ConfigDiffEntry[];
  /** An imported file of an older format was migrated. */
  migratedFrom?: number;
}

export type PrepareOutcome =
  | { ok: true; prepared: PreparedChange }
  | { ok: false; problems: ConfigProblem[]; diff: ConfigDiffEntry[]; notFound?: boolean };

interface State {
  text: string;
  doc: Document;
  /** As written (no defaults). */
  raw: Record<string, unknown>;
  /** Validated, without the environment. */
  file: ConfigFile;
}

const REFERABLE: Record<string, Referable> = { zones: 'zone', plans: 'plan', phones: 'phone' };

const clone = <T>(v: T): T => structuredClone(v);

export class ConfigEditor {
  private cur: State | undefined;
  private next: { state: State; journal?: Journal } | undefined;
  private readonly hasEnv: boolean;

  constructor(private readonly env: NodeJS.ProcessEnv = {}) {
    this.hasEnv = Object.keys(env).some((k) => k.startsWith('CALLPOINT_') && !NON_CONFIG_ENV.has(k));
  }

  /** Take the live file as it is: it must be valid (the daemon runs on it). */
  load(text: string): ConfigProblem[] {
    const parsed = parseConfig(text, this.env);
    if (!parsed.config || !parsed.document) return parsed.problems;
    const raw = parsed.document.toJS() as Record<string, unknown>;
    this.cur = { text: parsed.migrated ?? text, doc: parsed.document, raw, file: this.fileOnly(raw, parsed.file!) };
    this.next = undefined;
    return [];
  }

  get loaded(): boolean {
    return this.cur !== undefined;
  }

  /** The configuration as written, secrets masked, and which keys the environment overrides. */
  view(): { config: Record<string, unknown>; fromEnv: string[] } {
    const cur = this.current();
    const fromEnv: string[] = [];
    const leaves = envLeaves();
    for (const name of Object.keys(this.env)) if (leaves.has(name) && !NON_CONFIG_ENV.has(name)) fromEnv.push(leaves.get(name)!.path.join('.'));
    return { config: maskSecrets(cur.raw) as Record<string, unknown>, fromEnv };
  }

  /** Validate and diff a change without keeping it. */
  preview(change: ConfigChange): PrepareOutcome {
    const r = this.prepare(change);
    this.discard();
    return r;
  }

  /** Validate and diff a change; it stays prepared until commit() or discard(). */
  prepare(change: ConfigChange): PrepareOutcome {
    if (this.next) throw new Error('a change is already prepared');
    const cur = this.current();
    if (change.kind === 'text') return this.prepareText(change.text);
    let wanted: Record<string, unknown>;
    let partial = false;
    const extra: ConfigProblem[] = [];
    if (change.kind === 'entry') {
      const built = this.entryChange(change);
      if ('problems' in built) return { ok: false, problems: built.problems, diff: [], notFound: built.notFound };
      wanted = built.config;
      extra.push(...built.refused);
    } else {
      wanted = change.config;
      partial = change.partial === true;
    }
    const masks = resolveMasks(wanted, cur.raw);
    if (masks.problems.length) return { ok: false, problems: masks.problems, diff: [] };
    const journal = new Journal();
    mergeIntoDocument(cur.doc, masks.value as Record<string, unknown>, journal, { partial });
    const raw = cur.doc.toJS() as Record<string, unknown>;
    if (change.kind === 'config') extra.push(...this.deletionsStillReferred(raw));
    const checked = validateConfig(clone(raw), this.env);
    const problems = [...extra, ...checked.problems];
    const file = checked.file ? this.fileOnly(raw, checked.file) : undefined;
    if (file && file.dataDir !== cur.file.dataDir) problems.push(DATA_DIR_FIXED);
    if (problems.length || !checked.file || !file) {
      journal.undo();
      return { ok: false, problems, diff: diffConfig(cur.raw, raw) };
    }
    const text = cur.doc.toString();
    this.next = { state: { text, doc: cur.doc, raw, file }, journal };
    return { ok: true, prepared: { text, running: checked.file, diff: diffConfig(cur.file, file) } };
  }

  private prepareText(text: string): PrepareOutcome {
    const cur = this.current();
    const parsed = parseConfig(text, this.env);
    if (!parsed.config || !parsed.document) return { ok: false, problems: parsed.problems, diff: [] };
    const raw = parsed.document.toJS() as Record<string, unknown>;
    const file = this.fileOnly(raw, parsed.file!);
    if (file.dataDir !== cur.file.dataDir) return { ok: false, problems: [DATA_DIR_FIXED], diff: diffConfig(cur.file, file) };
    const written = parsed.migrated ?? text;
    this.next = { state: { text: written, doc: parsed.document, raw, file } };
    return { ok: true, prepared: { text: written, running: parsed.file!, diff: diffConfig(cur.file, file), ...(parsed.migratedFrom !== undefined ? { migratedFrom: parsed.migratedFrom } : {}) } };
  }

  /** The prepared change is on disk: it is now the current file. */
  commit(): void {
    if (!this.next) throw new Error('nothing prepared');
    this.cur = this.next.state;
    this.next = undefined;
  }

  /** The prepared change was not written: the document is as before. */
  discard(): void {
    this.next?.journal?.undo();
    this.next = undefined;
  }

  /** Per field, from one file to another (a stale edit's view of what changed; what restoring a version would do). */
  diffTexts(from: string, to: string): ConfigDiffEntry[] {
    const a = parseConfig(from, {});
    const b = parseConfig(to, {});
    const raw = (p: typeof a) => (p.document ? (p.document.toJS() as unknown) : {});
    return diffConfig(a.file ?? raw(a), b.file ?? raw(b));
  }

  private current(): State {
    if (!this.cur) throw new Error('no configuration loaded');
    return this.cur;
  }

  /** The file validated without the environment's overrides (what the file itself says), for diffs. */
  private fileOnly(raw: Record<string, unknown>, withEnv: ConfigFile): ConfigFile {
    if (!this.hasEnv) return withEnv;
    return validateConfig(clone(raw), {}).file ?? withEnv;
  }

  /** A whole configuration with one entry of a list replaced, added or deleted. */
  private entryChange(c: Extract<ConfigChange, { kind: 'entry' }>): { config: Record<string, unknown>; refused: ConfigProblem[] } | { problems: ConfigProblem[]; notFound?: boolean } {
    const cur = this.current();
    const key = entryLists().includes(c.list) ? entryKeyOf([c.list]) : undefined;
    if (!key) return { problems: [{ path: c.list, message: `not a list of entries (lists: ${entryLists().join(', ')})` }], notFound: true };
    const list = Array.isArray(cur.raw[c.list]) ? (cur.raw[c.list] as unknown[]) : [];
    const at = list.findIndex((x) => typeof x === 'object' && x !== null && String((x as Record<string, unknown>)[key]) === c.id);
    const here = entryPath(c.list, key, c.id);
    const refused: ConfigProblem[] = [];
    if (c.entry === null) {
      if (at < 0) return { problems: [{ path: here, message: 'no such entry' }], notFound: true };
      const users = REFERABLE[c.list] ? referrersOf(cur.file, REFERABLE[c.list]!, c.id) : [];
      if (users.length) return { problems: [{ path: here, message: `cannot be deleted: ${users.join(', ')} refer${users.length === 1 ? 's' : ''} to it` }] };
      return { config: { ...cur.raw, [c.list]: list.filter((_, i) => i !== at) }, refused };
    }
    const entry: Record<string, unknown> = { ...c.entry };
    if (entry[key] === undefined) entry[key] = c.id;
    const renamed = at >= 0 && String(entry[key]) !== c.id;
    if (renamed && REFERABLE[c.list]) {
      const users = referrersOf(cur.file, REFERABLE[c.list]!, c.id);
      if (users.length) refused.push({ path: `${here}.${key}`, message: `cannot be renamed: ${users.join(', ')} refer${users.length === 1 ? 's' : ''} to "${c.id}"` });
    }
    const masks = resolveMasks(entry, at >= 0 ? list[at] : undefined, [c.list, '[]'], here);
    if (masks.problems.length) return { problems: masks.problems };
    const next = [...list];
    if (at >= 0) next[at] = masks.value;
    else next.push(masks.value);
    return { config: { ...cur.raw, [c.list]: next }, refused };
  }

  /** Entries a whole-configuration edit deletes although something still names them. */
  private deletionsStillReferred(raw: Record<string, unknown>): ConfigProblem[] {
    const cur = this.current();
    const out: ConfigProblem[] = [];
    for (const [list, kind] of Object.entries(REFERABLE)) {
      const key = entryKeyOf([list])!;
      const ids = (v: unknown) => new Set((Array.isArray(v) ? v : []).map((x) => String((x as Record<string, unknown> | null)?.[key])));
      const left = ids(raw[list]);
      for (const id of ids(cur.raw[list])) {
        if (left.has(id)) continue;
        const users = referrersOf(listsOf(raw), kind, id);
        if (users.length) out.push({ path: entryPath(list, key, id), message: `cannot be deleted: ${users.join(', ')} refer${users.length === 1 ? 's' : ''} to it` });
      }
    }
    return out;
  }
}

/** The lists referrersOf() reads, from a configuration as written (where a list may be missing or malformed). */
function listsOf(raw: Record<string, unknown>): ConfigFile {
  const list = (k: string) => (Array.isArray(raw[k]) ? (raw[k] as unknown[]).filter((x) => typeof x === 'object' && x !== null) : []);
  const plans = list('plans').map((p) => ({ ...(p), targets: Array.isArray((p as { targets?: unknown }).targets) ? (p as { targets: unknown[] }).targets.filter((t) => typeof t === 'object' && t !== null) : [] }));
  return { ...raw, points: list('points'), phones: list('phones'), plans } as unknown as ConfigFile;
}

const DATA_DIR_FIXED: ConfigProblem = {
  path: 'dataDir',
  message: 'is where this file and the database live: it cannot change here; change it in the seed file (/etc/callpoint/config.yaml) and restart',
};
