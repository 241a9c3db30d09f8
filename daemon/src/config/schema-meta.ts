// What the schema says about a key, by its path: its JSON Schema node, the
// nearest `restart`, `edit` and `secret` marks, the key that identifies the
// entries of a list. The settings UI, the diff, the access rules and the live
// apply all ask here, so a key added to schema.ts is edited, diffed, guarded
// and applied without code of its own.
import { configJsonSchema, type KeyMeta } from './schema.js';

export interface SchemaNode {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  restart?: boolean;
  secret?: boolean;
  edit?: KeyMeta['edit'];
  ref?: string;
  picker?: KeyMeta['picker'];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
  enum?: unknown[];
  const?: unknown;
}

/** A key path in schema form: names, and `[]` for "an entry of this list" (`points`, `[]`, `label`). */
export type SchemaPath = readonly string[];

let rootCache: SchemaNode | undefined;
export function configSchemaRoot(): SchemaNode {
  rootCache ??= configJsonSchema() as SchemaNode;
  return rootCache;
}

/** The nodes from the root down to `path` (one per segment, the root first); undefined where the schema has no such key. */
export function schemaTrail(path: SchemaPath, root = configSchemaRoot()): Array<SchemaNode | undefined> {
  const trail: Array<SchemaNode | undefined> = [root];
  let cur: SchemaNode | undefined = root;
  for (const seg of path) {
    cur = cur ? step(cur, seg) : undefined;
    trail.push(cur);
  }
  return trail;
}

/** The node one segment below `node` (a walk that goes down a value step by step keeps its node instead of its path). */
export function step(node: SchemaNode, seg: string): SchemaNode | undefined {
  if (node.anyOf) {
    // A union (an optional section, or the kinds of escalation target): the first member that has the key.
    for (const m of node.anyOf) {
      const s = step(m, seg);
      if (s) return s;
    }
    return undefined;
  }
  if (seg === '[]') return node.items;
  if (node.properties?.[seg]) return node.properties[seg];
  if (typeof node.additionalProperties === 'object') return node.additionalProperties;
  return undefined;
}

export function schemaAt(path: SchemaPath): SchemaNode | undefined {
  return schemaTrail(path).at(-1);
}

/** The nearest mark on the path or above it (a section's `edit` holds for its keys). */
export function nearest<K extends 'restart' | 'secret' | 'edit'>(path: SchemaPath, key: K): { value: SchemaNode[K]; at: SchemaPath } | undefined {
  const trail = schemaTrail(path);
  for (let i = trail.length - 1; i >= 0; i--) {
    const v = trail[i]?.[key];
    if (v !== undefined) return { value: v, at: path.slice(0, i) };
  }
  return undefined;
}

/** The key that identifies an entry of a list of mappings (`id`, or `number` for phones), if it has one. */
export function entryKeyOf(listPath: SchemaPath): string | undefined {
  return entryKeyOfNode(schemaAt(listPath));
}

/** entryKeyOf for the list's own schema node. */
export function entryKeyOfNode(list: SchemaNode | undefined): string | undefined {
  const items = list ? step(list, '[]') : undefined;
  const node = items?.anyOf ? undefined : items;
  for (const k of ['id', 'number']) if (node?.properties?.[k] && node.required?.includes(k)) return k;
  return undefined;
}

/** The top-level lists whose entries have an id: what a person adds, edits and deletes one at a time. */
export function entryLists(): string[] {
  return Object.keys(configSchemaRoot().properties ?? {}).filter((k) => entryKeyOf([k]) !== undefined);
}

/** Is the value at this path a secret (never shown)? */
export function isSecretPath(path: SchemaPath): boolean {
  return schemaAt(path)?.secret === true;
}

/** Turn `points[3].zone` or `points[id=p1].zone` into the schema path `points`, `[]`, `zone`. */
export function schemaPathOf(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m) return [...out, part];
    if (m[1]) out.push(m[1]);
    for (let n = (m[2]!.match(/\[/g) ?? []).length; n > 0; n--) out.push('[]');
  }
  return out;
}
