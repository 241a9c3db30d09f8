// The configuration's JSON Schema as the daemon serves it (GET
// /api/config/schema), with the metadata its forms are generated from:
// title, description, restart, secret, edit (who may change it), ref (the
// list whose entry a value names), picker. Nothing here knows a particular
// key: a key added to the daemon's schema is editable without UI code.
import { roleAtLeast } from '../../../daemon/src/contracts/values.js';
import type { Role } from '../types';

export interface SchemaNode {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  restart?: boolean;
  secret?: boolean;
  edit?: 'technician' | 'admin';
  ref?: string;
  picker?: 'board-input';
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
  propertyNames?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
}

/** A configuration as written (the API's `config`). */
export type Written = Record<string, unknown>;

export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A section of the settings: a top-level list of entries, a top-level mapping, or the top-level plain keys ("general"). */
export type Section = { key: string; kind: 'list'; idKey: string; node: SchemaNode } | { key: string; kind: 'object'; node: SchemaNode } | { key: 'general'; kind: 'general'; keys: string[]; node: SchemaNode };

/** The key that identifies the entries of a list of mappings (id, or number for phones). */
export function entryKeyOf(list: SchemaNode | undefined): string | undefined {
  const item = list?.items;
  if (!item || item.anyOf) return undefined;
  return ['id', 'number'].find((k) => item.properties?.[k] && item.required?.includes(k));
}

/** The sections, in the order of the schema: the plain keys first as "general". */
export function sectionsOf(root: SchemaNode): Section[] {
  const props = Object.entries(root.properties ?? {}).filter(([k, n]) => k !== 'version' && n.const === undefined);
  const general = props.filter(([, n]) => n.type !== 'object' && n.type !== 'array' && !n.anyOf).map(([k]) => k);
  const out: Section[] = general.length ? [{ key: 'general', kind: 'general', keys: general, node: { type: 'object', properties: Object.fromEntries(props.filter(([k]) => general.includes(k))), required: root.required } }] : [];
  for (const [key, node] of props) {
    if (general.includes(key)) continue;
    const idKey = node.type === 'array' ? entryKeyOf(node) : undefined;
    if (idKey) out.push({ key, kind: 'list', idKey, node });
    else out.push({ key, kind: 'object', node: node.type === 'array' ? { type: 'object', properties: { [key]: node } } : node });
  }
  return out;
}

/** Who may change a key: the nearest `edit` on its path (admin where none says). */
export function editRole(trail: Array<SchemaNode | undefined>): Role {
  for (let i = trail.length - 1; i >= 0; i--) {
    const e = trail[i]?.edit;
    if (e) return e;
  }
  return 'admin';
}

export const mayEdit = (role: Role | undefined, trail: Array<SchemaNode | undefined>) => roleAtLeast(role, editRole(trail));

/** The union member a value belongs to: the one whose required keys it has (escalation target kinds). */
export function memberOf(node: SchemaNode, value: unknown): number {
  const members = node.anyOf ?? [];
  if (!isMap(value)) return 0;
  const i = members.findIndex((m) => (m.required ?? []).every((k) => k in value) && (m.required ?? []).length > 0);
  return i < 0 ? 0 : i;
}

/** A new value for a node: its default, or an empty one of its type with the required keys. */
export function emptyOf(node: SchemaNode): unknown {
  if (node.default !== undefined) return structuredClone(node.default);
  if (node.anyOf) return emptyOf(node.anyOf[0]);
  if (node.type === 'object' && node.properties) {
    const out: Record<string, unknown> = {};
    for (const k of node.required ?? []) {
      const p = node.properties[k];
      if (p && p.default === undefined) out[k] = p.type === 'object' || p.type === 'array' ? emptyOf(p) : p.enum ? p.enum[0] : p.type === 'string' ? '' : undefined;
    }
    return out;
  }
  if (node.type === 'object') return {};
  if (node.type === 'array') return [];
  return undefined;
}

/** `points[3].label` relative to `points[3]` → `label`; undefined when not under it. */
export function under(path: string, prefix: string): string | undefined {
  if (!prefix) return path;
  if (path === prefix) return '';
  if (path.startsWith(`${prefix}.`)) return path.slice(prefix.length + 1);
  if (path.startsWith(`${prefix}[`)) return path.slice(prefix.length);
  return undefined;
}

export const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** A value as a person reads it in a field or a table. */
export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '';
}

/** The value as a list (what a list field holds). */
export const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
