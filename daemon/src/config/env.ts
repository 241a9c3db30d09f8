// Environment overrides: every key of the schema can be set as CALLPOINT_ +
// its path in upper snake case (freeswitch.password → CALLPOINT_FREESWITCH_PASSWORD,
// dataDir → CALLPOINT_DATA_DIR). Scalars are converted by the key's type;
// arrays and objects take JSON (an array of strings also takes a comma list).
import { configJsonSchema } from './schema.js';
import type { ConfigProblem } from './errors.js';

/** CALLPOINT_ variables that are not configuration keys. */
export const NON_CONFIG_ENV = new Set(['CALLPOINT_CONFIG', 'CALLPOINT_SIMULATE', 'CALLPOINT_FROM_SOURCE']);

interface Leaf {
  path: string[];
  type: string;
  itemType?: string;
}

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; const?: unknown };

function toSnake(segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export function envName(path: readonly string[]): string {
  return `CALLPOINT_${path.map(toSnake).join('_')}`;
}

let leavesCache: Map<string, Leaf> | undefined;
/** Every settable key, by its environment variable name. */
export function envLeaves(): Map<string, Leaf> {
  if (leavesCache) return leavesCache;
  const out = new Map<string, Leaf>();
  const walk = (s: JsonSchema, path: string[]) => {
    if (s.anyOf) {
      const first = s.anyOf.find((x) => x.type !== 'null');
      if (first) walk(first, path);
      return;
    }
    if (s.type === 'object' && s.properties) {
      for (const [k, v] of Object.entries(s.properties)) walk(v, [...path, k]);
      return;
    }
    const type = s.type ?? (typeof s.const === 'number' ? 'number' : 'string');
    out.set(envName(path), { path, type, itemType: s.items?.type });
  };
  walk(configJsonSchema(), []);
  leavesCache = out;
  return out;
}

function convert(raw: string, leaf: Leaf): unknown {
  switch (leaf.type) {
    case 'number':
    case 'integer':
      return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      return raw;
    }
    case 'array':
      if (raw.trim().startsWith('[')) return JSON.parse(raw) as unknown;
      if (leaf.itemType === 'string') return raw.split(',').map((s) => s.trim()).filter(Boolean);
      return JSON.parse(raw) as unknown;
    case 'object':
      return JSON.parse(raw) as unknown;
    default:
      return raw;
  }
}

function setIn(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * Apply CALLPOINT_* variables onto a parsed file. Returns which key path came
 * from which variable (to name the variable in errors) and any problems.
 */
export function applyEnv(
  target: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { origins: Map<string, string>; problems: ConfigProblem[] } {
  const leaves = envLeaves();
  const origins = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('CALLPOINT_') || raw === undefined || NON_CONFIG_ENV.has(name)) continue;
    const leaf = leaves.get(name);
    if (!leaf) {
      problems.push({ path: '', env: name, message: 'not a configuration key (see `callpoint config schema`)' });
      continue;
    }
    try {
      setIn(target, leaf.path, convert(raw, leaf));
      origins.set(leaf.path.join('.'), name);
    } catch {
      problems.push({ path: leaf.path.join('.'), env: name, message: 'is not valid JSON' });
    }
  }
  return { origins, problems };
}
