// The metadata every configuration key carries (schema.ts, routing-schema.ts):
// for the docs, the JSON Schema and the settings forms generated from it.
export interface KeyMeta {
  title: string;
  description: string;
  /** Does a change need a daemon restart? */
  restart?: boolean;
  /** Never logged, never shown back. */
  secret?: boolean;
}
export const meta = (m: KeyMeta) => m as unknown as Record<string, unknown>;
