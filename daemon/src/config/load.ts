// Loading the configuration: YAML file → migrations → environment overrides →
// validation. Every problem is collected and reported with its key path, its
// line in the file (or the environment variable) and a plain message.
import { copyFile, readFile } from 'node:fs/promises';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, stringify as stringifyYaml, type Document } from 'yaml';
import type { z } from 'zod';
import { applyEnv } from './env.js';
import { ConfigError, formatPath, type ConfigProblem } from './errors.js';
import { detectVersion, migrations } from './migrations.js';
import { crossCheck, crossCheckWarnings, resolveConfig } from './resolve.js';
import { CONFIG_VERSION, configJsonSchema, configSchema, type Config, type ConfigFile } from './schema.js';
import { writeFileAtomic } from '../lifecycle/atomic-file.js';
import type { SeedSource } from './live-file.js';

export interface ParsedConfig {
  /** Resolved: each point with its plan. */
  config?: Config;
  /** As validated, before resolving (what the file says, after defaults). */
  file?: ConfigFile;
  problems: ConfigProblem[];
  /** Allowed but probably not meant (route rules that share numbers), with their lines. */
  warnings?: ConfigProblem[];
  /** The file's version when it was older than CONFIG_VERSION (then `migrated` holds the new text). */
  migratedFrom?: number;
  migrated?: string;
  /** The YAML document (migrated, when it was older): what an edit changes, keeping comments and key order. */
  document?: Document;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (value === '[redacted]') return 'a value (not shown: a secret)';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${typeof value === "symbol" ? value.toString() : (value as number | boolean | bigint).toString()}`;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[] };
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let s: JsonSchema | undefined = configJsonSchema();
  for (const seg of path) {
    if (!s) return [];
    if (s.anyOf) s = s.anyOf.find((x) => x.properties || x.items);
    s = typeof seg === 'number' ? s?.items : s?.properties?.[String(seg)];
  }
  if (s?.anyOf) s = s.anyOf.find((x) => x.properties);
  return Object.keys(s?.properties ?? {});
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** Keys whose values never appear in a message (the schema marks them secret). */
const SECRET_LEAF = /^(password|secret|key|pin)$/;

function messageFor(issue: z.core.$ZodIssue, input: unknown): string {
  const leaf = issue.path[issue.path.length - 1];
  const raw = valueAt(input, issue.path);
  const value = typeof leaf === 'string' && SECRET_LEAF.test(leaf) && raw !== undefined ? '[redacted]' : raw;
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'is required';
      return `expected ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${describe(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'unrecognized_keys':
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return issue.message.startsWith('Invalid input') || issue.message.startsWith('Too ')
        ? `${issue.message.replace(/^Invalid input: /, '')} (got ${describe(value)})`
        : issue.message;
  }
}

class Locator {
  constructor(
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
  ) {}
  line(path: readonly PropertyKey[], key?: string): number | undefined {
    if (!this.doc) return undefined;
    const node: unknown = path.length ? this.doc.getIn(path as unknown[], true) : this.doc.contents;
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) return this.lines.linePos(pair.key.range[0]).line;
    }
    if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    if (path.length) return this.line(path.slice(0, -1));
    return undefined;
  }
}

/** Parse and validate configuration text. Never throws. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = {}): ParsedConfig {
  const lineCounter = new LineCounter();
  const problems: ConfigProblem[] = [];
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    return { problems: [{ path: '', message: `cannot parse the file: ${(e as Error).message}` }] };
  }
  if (doc.errors.length) {
    for (const err of doc.errors) {
      const pos = err.linePos?.[0];
      problems.push({ path: '', line: pos?.line, message: `YAML syntax error: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}${pos ? ` (column ${pos.col})` : ''}` });
    }
    return { problems };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { problems: [{ path: '', message: `cannot read the file: ${(e as Error).message}` }] };
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { problems: [{ path: '', line: 1, message: `the file must be a mapping of keys (site:, node:, …), got ${describe(raw)}` }] };
  }

  // Migrations, on the document so comments survive when it is written back.
  let fromVersion: number | undefined;
  const stated = (raw as Record<string, unknown>).version;
  // A file that does not say its version is read as the version its content shows.
  const version = stated ?? detectVersion(raw as Record<string, unknown>, CONFIG_VERSION);
  {
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      const loc = new Locator(doc, lineCounter);
      return { document: doc, problems: [{ path: 'version', line: loc.line(['version']), message: `must be a whole number from 1 to ${CONFIG_VERSION}, got ${describe(version)}` }] };
    }
    if (version > CONFIG_VERSION) {
      const loc = new Locator(doc, lineCounter);
      return { problems: [{ path: 'version', line: loc.line(['version']), message: `the file is version ${version}, newer than this Callpoint understands (${CONFIG_VERSION}); upgrade Callpoint or use a file of version ${CONFIG_VERSION}` }] };
    }
    if (version < CONFIG_VERSION) {
      fromVersion = version;
      for (let v = version; v < CONFIG_VERSION; v++) {
        const step = migrations.find((m) => m.from === v);
        if (!step) return { problems: [{ path: 'version', message: `no migration from version ${v}` }] };
        step.apply(doc);
      }
      doc.set('version', CONFIG_VERSION);
      raw = doc.toJS() as unknown;
    }
  }
  const migrated = fromVersion !== undefined ? doc.toString() : undefined;
  // Line numbers refer to the file as written; after a migration they are re-read from the new text.
  const locator = fromVersion !== undefined ? (() => { const lc = new LineCounter(); return new Locator(parseDocument(migrated!, { lineCounter: lc }), lc); })() : new Locator(doc, lineCounter);

  const checked = validateConfig(raw as Record<string, unknown>, env, (path, key) => locator.line(path, key));
  return { ...checked, migratedFrom: fromVersion, migrated, document: doc };
}

/**
 * A value that fits none of the kinds a key may hold (an escalation target
 * that is neither an extension, an outside number nor a GSM number) is
 * reported as the kind it came closest to, on the inner key — "ringS:
 * expected a number" rather than "invalid input" on the whole target.
 */
function closestMember(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return [issue];
  const cost = (list: z.core.$ZodIssue[]) => list.length * 10 + list.filter((i) => i.code === 'unrecognized_keys').length;
  const best = [...issue.errors].sort((a, b) => cost(a) - cost(b))[0]!;
  return best.flatMap((inner) => closestMember({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** The validated, resolved configuration, or every problem; from a parsed file or a JSON body. */
export interface ValidatedConfig {
  config?: Config;
  file?: ConfigFile;
  problems: ConfigProblem[];
  /** Allowed but probably not meant (routing: a rule no number can reach, …). */
  warnings?: ConfigProblem[];
}

/**
 * Validate a configuration as written in the file (a parsed YAML document, or
 * the UI's JSON): environment overrides, the schema, then the references. The
 * same messages on the same key paths whatever the source; `line` finds a
 * key's line in the file when there is one. `input` is modified (environment).
 */
export function validateConfig(input: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, line: (path: readonly PropertyKey[], key?: string) => number | undefined = () => undefined): ValidatedConfig {
  const problems: ConfigProblem[] = [];
  const { origins, problems: envProblems } = applyEnv(input, env);
  problems.push(...envProblems);

  const result = configSchema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues.flatMap(closestMember)) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const known = knownKeysAt(issue.path);
          const close = known.map((k) => [k, distance(k, key)] as const).filter(([, d]) => d <= 2).sort((a, b) => a[1] - b[1])[0];
          problems.push({
            path: formatPath([...issue.path, key]),
            line: line(issue.path, key),
            message: `unknown key${close ? ` (did you mean "${close[0]}"?)` : known.length ? ` (known here: ${known.join(', ')})` : ''}`,
          });
        }
        continue;
      }
      const path = formatPath(issue.path);
      const dotted = issue.path.filter((s) => typeof s === 'string').join('.');
      const env = origins.get(dotted);
      problems.push({ path, line: env ? undefined : line(issue.path), env, message: messageFor(issue, input) });
    }
  }
  if (problems.length || !result.success) return { problems };
  // References: what a point, a phone or a plan names must exist; ids are unique.
  const located = (p: ConfigProblem): ConfigProblem => {
    const path = p.path.split(/\.|(?=\[)/).map((seg) => (/^\[\d+\]$/.test(seg) ? Number(seg.slice(1, -1)) : seg));
    return { ...p, line: line(path) };
  };
  problems.push(...crossCheck(result.data).map(located));
  if (problems.length) return { problems };
  const warnings = crossCheckWarnings(result.data).map(located);
  return { config: resolveConfig(result.data), file: result.data, problems, warnings };
}

export interface LoadedConfig {
  config: Config;
  file: string | undefined;
  /** The file's text as it is now on disk (or the defaults), and its current-format form when it could not be rewritten. */
  seed: SeedSource;
  /** Set when the file was older and has been migrated (written back, or in memory only). */
  migration?: { from: number; written: boolean; backup?: string; reason?: string };
}

/**
 * Load the configuration file (or embedded defaults when `file` is
 * undefined), migrate it, apply the environment, validate. Throws ConfigError
 * listing every problem.
 */
export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv, opts: { defaults?: string; writeMigration?: boolean } = {}): Promise<LoadedConfig> {
  let text: string;
  if (file === undefined) {
    text = opts.defaults ?? '';
  } else {
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
      throw new ConfigError(file, [{ path: '', message: `cannot read the configuration file: ${why}` }]);
    }
  }
  const parsed = parseConfig(text, env);
  if (!parsed.config) throw new ConfigError(file, parsed.problems);
  const loaded: LoadedConfig = { config: parsed.config, file, seed: { file, text, ...(parsed.migrated !== undefined ? { migrated: parsed.migrated } : {}) } };
  if (parsed.migratedFrom !== undefined && file !== undefined) {
    loaded.migration = { from: parsed.migratedFrom, written: false };
    if (opts.writeMigration !== false) {
      const backup = `${file}.v${parsed.migratedFrom}.bak`;
      try {
        await copyFile(file, backup);
        await writeFileAtomic(file, parsed.migrated!);
        loaded.migration = { from: parsed.migratedFrom, written: true, backup };
        loaded.seed = { file, text: parsed.migrated! };
      } catch (e) {
        loaded.migration.reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      }
    }
  }
  return loaded;
}

/**
 * A configuration from an object written as in the file (any version):
 * migrated, validated, resolved. For tests and tools; throws ConfigError.
 */
export function configFrom(input: Record<string, unknown>): Config {
  const parsed = parseConfig(stringifyYaml(input));
  if (!parsed.config) throw new ConfigError(undefined, parsed.problems);
  return parsed.config;
}
