// The metadata every configuration key carries (schema.ts, routing-schema.ts):
// for the docs, the JSON Schema and the settings forms generated from it.
export interface KeyMeta {
  title: string;
  description: string;
  /** A change takes effect when its component restarts (in-process where Callpoint can, else at the next start). */
  restart?: boolean;
  /** Never shown (the UI shows set/unset); a masked value sent back keeps the stored one. */
  secret?: boolean;
  /** The least role that may change this key and what lies under it (the nearest ancestor's; admin where none says). */
  edit?: 'technician' | 'admin';
  /** The value names an entry of this top-level list (its `id`, or `number` for phones). */
  ref?: string;
  /** The value is one of the board's inputs. */
  picker?: 'board-input';
}
export const meta = (m: KeyMeta) => m as unknown as Record<string, unknown>;
