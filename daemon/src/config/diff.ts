// What changed between two configurations, per field, as a person reads it:
// entries of a list are matched by their id (`points[id=sos-1].label`), so
// deleting the first point is one removal, not every point "changed"; lists
// without ids (a plan's targets) compare by position. Secrets show only as
// set or not (the mask), never their values.
//
// It runs on the daemon's event loop at every apply (the live apply diffs
// what runs against what the file says): the walk carries its schema node
// down instead of looking each path up from the root, and an entry of a list
// equal on both sides is passed over without building its paths — a
// 500-point site is diffed in about a millisecond, not ten.
import type { ConfigDiffEntry } from '../contracts/config.js';
import { SECRET_MASK } from '../contracts/values.js';
import { configSchemaRoot, entryKeyOfNode, step, type SchemaNode, type SchemaPath } from './schema-meta.js';
import { maskSecrets } from './secrets.js';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of JSON-like values (key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isMap(a) && isMap(b)) {
    // Keys whose value is undefined count as absent.
    let defined = 0;
    for (const k in a) {
      if (a[k] === undefined) continue;
      defined++;
      if (!sameValue(a[k], b[k])) return false;
    }
    for (const k in b) if (b[k] !== undefined) defined--;
    return defined === 0;
  }
  return false;
}

/** `list[id=x]`, the display form of an entry's path. */
export const entryPath = (list: string, key: string, id: unknown) => `${list}[${key}=${String(id)}]`;

/** Every change from `before` to `after` (both as written, or both validated), in the order of `after`. */
export function diffConfig(before: unknown, after: unknown): ConfigDiffEntry[] {
  const out: ConfigDiffEntry[] = [];
  walk(before, after, '', [], configSchemaRoot(), out);
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const below = (node: SchemaNode | undefined, seg: string) => (node ? step(node, seg) : undefined);

function walk(a: unknown, b: unknown, path: string, schema: SchemaPath, node: SchemaNode | undefined, out: ConfigDiffEntry[]): void {
  if (schema.length && node?.secret === true) {
    // Only whether it is set, and that it changed.
    if (a === b || (a !== undefined && b !== undefined && sameValue(a, b))) return;
    const mask = (v: unknown) => (v === undefined ? undefined : SECRET_MASK);
    out.push({ path, op: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', before: mask(a), after: mask(b), secret: true });
    return;
  }
  if (a === undefined && b === undefined) return;
  if (a === undefined) return void out.push({ path, op: 'added', after: maskSecrets(b, schema) });
  if (b === undefined) return void out.push({ path, op: 'removed', before: maskSecrets(a, schema) });
  if (isMap(a) && isMap(b)) {
    const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !(k in b))];
    for (const k of keys) if (a[k] !== b[k]) walk(a[k], b[k], join(path, k), [...schema, k], below(node, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) return walkList(a, b, path, schema, node, out);
  if (!sameValue(a, b)) out.push({ path, op: 'changed', before: maskSecrets(a, schema), after: maskSecrets(b, schema) });
}

function walkList(a: unknown[], b: unknown[], path: string, schema: SchemaPath, node: SchemaNode | undefined, out: ConfigDiffEntry[]): void {
  const key = entryKeyOfNode(node);
  const keyed = key !== undefined && [...a, ...b].every((x) => isMap(x) && (typeof x[key] === 'string' || typeof x[key] === 'number'));
  const item = [...schema, '[]'];
  const itemNode = below(node, '[]');
  if (!keyed) {
    if (sameValue(a, b)) return;
    // Lists of plain values are one value to a person ("+86138…, +86139…").
    if ([...a, ...b].every((x) => !isMap(x) && !Array.isArray(x))) return void out.push({ path, op: 'changed', before: maskSecrets(a, schema), after: maskSecrets(b, schema) });
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, item, itemNode, out);
    return;
  }
  const idOf = (x: unknown) => String((x as Record<string, unknown>)[key]);
  const before = new Map(a.map((x) => [idOf(x), x]));
  const after = new Map(b.map((x) => [idOf(x), x]));
  // A duplicate id is refused by validation; here the first one stands for it.
  for (const [id, x] of after) {
    if (!before.has(id)) out.push({ path: entryPath(path, key, id), op: 'added', after: maskSecrets(x, item) });
    else if (!sameValue(before.get(id), x)) walk(before.get(id), x, entryPath(path, key, id), item, itemNode, out);
  }
  for (const [id, x] of before) if (!after.has(id)) out.push({ path: entryPath(path, key, id), op: 'removed', before: maskSecrets(x, item) });
  const common = (ids: string[], other: Map<string, unknown>) => ids.filter((id) => other.has(id));
  const orderBefore = common([...before.keys()], after);
  const orderAfter = common([...after.keys()], before);
  if (!sameValue(orderBefore, orderAfter)) out.push({ path, op: 'reordered', before: orderBefore, after: orderAfter });
}

/** One line per change, for the audit log and a cmd-result: `points[id=p1].label: "a" → "b"`. */
export function describeDiff(diff: ConfigDiffEntry[], maxChars = 3000): string {
  if (!diff.length) return 'no change';
  const show = (v: unknown) => {
    const s = JSON.stringify(v);
    return s === undefined ? '—' : s.length > 80 ? `${s.slice(0, 77)}…` : s;
  };
  const lines = diff.map((d) =>
    d.op === 'added' ? `${d.path}: added ${show(d.after)}` : d.op === 'removed' ? `${d.path}: removed (was ${show(d.before)})` : d.op === 'reordered' ? `${d.path}: order ${show(d.after)}` : `${d.path}: ${show(d.before)} → ${show(d.after)}`,
  );
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const next = `${text}${i ? '; ' : ''}${lines[i]}`;
    if (next.length > maxChars) return `${text}; and ${lines.length - i} more change${lines.length - i === 1 ? '' : 's'}`;
    text = next;
  }
  return text;
}
