// An edit made as JSON (the UI's form, a script's PUT) written into the YAML
// document with the fewest changes: a changed value replaces only that
// scalar, so the comment beside it, the quoting around the rest and the order
// of the keys stay as the technician wrote them; list entries are matched by
// their id, so a reordered or deleted point takes its own comments along. A
// YAML alias whose value is unchanged stays an alias. Every change is
// journaled, so an edit that turns out invalid is undone in place (a parse of
// a 500-point file costs ~100 ms; undoing costs nothing).
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ConfigProblem } from './errors.js';
import { sameValue, entryPath } from './diff.js';
import { entryKeyOf, isSecretPath, type SchemaPath } from './schema-meta.js';
import { SECRET_MASK } from './secrets.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The changes made to a document, to take them back. */
export class Journal {
  private readonly undos: Array<() => void> = [];
  record(undo: () => void): void {
    this.undos.push(undo);
  }
  undo(): void {
    for (let u = this.undos.pop(); u; u = this.undos.pop()) u();
  }
}

/**
 * Replace each masked secret of `next` by the value stored at the same place
 * in `prev` (entries matched by id). A mask where nothing is stored is a
 * problem: the mask is not a value.
 */
export function resolveMasks(next: unknown, prev: unknown, schema: SchemaPath = [], path = ''): { value: unknown; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const go = (n: unknown, p: unknown, s: SchemaPath, at: string): unknown => {
    if (n === SECRET_MASK && s.length && isSecretPath(s)) {
      if (p !== undefined && p !== SECRET_MASK) return p;
      problems.push({ path: at, message: 'this secret has no stored value to keep: type it' });
      return n;
    }
    if (Array.isArray(n)) {
      const key = entryKeyOf(s);
      const old = Array.isArray(p) ? p : [];
      const byId = key ? new Map(old.filter(isObject).map((x) => [String(x[key]), x])) : undefined;
      return n.map((x, i) => go(x, byId && isObject(x) ? byId.get(String(x[key!])) : old[i], [...s, '[]'], byId && isObject(x) ? entryPath(at, key!, x[key!]) : `${at}[${i}]`));
    }
    if (isObject(n)) {
      const old = isObject(p) ? p : {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(n)) out[k] = go(v, old[k], [...s, k], at ? `${at}.${k}` : k);
      return out;
    }
    return n;
  };
  return { value: go(next, prev, schema, path), problems };
}

/**
 * Make the document say `next` (a whole configuration as written). With
 * `partial`, top-level keys `next` does not mention are left alone.
 */
export function mergeIntoDocument(doc: Document, next: Record<string, unknown>, journal: Journal, opts: { partial?: boolean } = {}): void {
  if (!isMap(doc.contents)) {
    const before = doc.contents;
    doc.contents = doc.createNode({});
    journal.record(() => (doc.contents = before));
  }
  mergeMap(doc, doc.contents as YAMLMap, next, [], journal, opts.partial === true);
}

function keyOf(p: Pair): unknown {
  return isScalar(p.key) ? p.key.value : p.key;
}

function mergeMap(doc: Document, map: YAMLMap, next: Record<string, unknown>, schema: SchemaPath, j: Journal, keepMissing = false): void {
  if (!keepMissing) {
    const kept = map.items.filter((p) => {
      const k = keyOf(p);
      return typeof k === 'string' && next[k] !== undefined;
    });
    if (kept.length !== map.items.length) {
      const before = map.items;
      map.items = kept;
      j.record(() => (map.items = before));
    }
  }
  for (const [k, v] of Object.entries(next)) {
    if (v === undefined) continue;
    const pair = map.items.find((p) => keyOf(p) === k);
    if (!pair) {
      const created = doc.createPair(k, v);
      map.items.push(created);
      j.record(() => (map.items = map.items.filter((p) => p !== created)));
      continue;
    }
    const node = pair.value as Node | null;
    const merged = mergeNode(doc, node, v, [...schema, k], j);
    if (merged !== node) {
      pair.value = merged;
      j.record(() => (pair.value = node));
    }
  }
}

function mergeNode(doc: Document, node: Node | null, value: unknown, schema: SchemaPath, j: Journal): Node {
  if (node && isAlias(node)) {
    // Shared by an anchor: kept while its value is the one wanted; otherwise this place gets its own copy.
    const resolved = node.resolve(doc);
    if (resolved && sameValue(resolved.toJSON(), value)) return node;
    return doc.createNode(value);
  }
  if (isObject(value) && isMap(node) && !node.anchor) {
    mergeMap(doc, node, value, schema, j);
    return node;
  }
  if (Array.isArray(value) && isSeq(node) && !node.anchor) {
    mergeSeq(doc, node, value, schema, j);
    return node;
  }
  if (node && (isMap(node) || isSeq(node)) && node.anchor && sameValue(node.toJSON(), value)) return node;
  if (isScalar(node) && !isObject(value) && !Array.isArray(value)) {
    if (node.value !== value) {
      const before = node.value;
      node.value = value;
      j.record(() => (node.value = before));
    }
    return node;
  }
  return doc.createNode(value);
}

function mergeSeq(doc: Document, seq: YAMLSeq, next: unknown[], schema: SchemaPath, j: Journal): void {
  const item = [...schema, '[]'];
  const key = entryKeyOf(schema);
  const before = seq.items as Array<Node | null>;
  let after: Array<Node | null>;
  if (key && next.every((x) => isObject(x) && x[key] !== undefined)) {
    // Entries by id: each keeps its node (and its comments) wherever it moves.
    const byId = new Map<string, Node | null>();
    for (const n of before) {
      const resolved = n && isAlias(n) ? n.resolve(doc) : n;
      const id: unknown = isMap(resolved) ? resolved.get(key) : undefined;
      if ((typeof id === 'string' || typeof id === 'number') && !byId.has(String(id))) byId.set(String(id), n);
    }
    after = next.map((x) => {
      const old = byId.get(String((x as Record<string, unknown>)[key]));
      return old === undefined ? created(doc, x, before) : mergeNode(doc, old, x, item, j);
    });
  } else {
    after = next.map((x, i) => (i < before.length ? mergeNode(doc, before[i] ?? null, x, item, j) : created(doc, x, before)));
  }
  if (after.length !== before.length || after.some((n, i) => n !== before[i])) {
    seq.items = after;
    j.record(() => (seq.items = before));
  }
}

/** A new list entry, written the way its siblings are (`- { id: a, name: A }` beside others in flow style). */
function created(doc: Document, value: unknown, siblings: Array<Node | null>): Node {
  const node = doc.createNode(value) as Node;
  const flowSiblings = siblings.length > 0 && siblings.every((n) => (isMap(n) || isSeq(n)) && n.flow === true);
  if (flowSiblings && (isMap(node) || isSeq(node))) node.flow = true;
  return node;
}
