// Secrets in the configuration (the keys the schema marks `secret`) never
// leave the daemon through the configuration API: they are shown as a mask
// (set) or not at all (unset), and a masked value sent back means "keep what
// is stored" (config/merge.ts).
import { SECRET_MASK } from '../contracts/values.js';
import { isSecretPath, type SchemaPath } from './schema-meta.js';

export { SECRET_MASK };

/** A copy of a configuration value (as written, or validated) with every secret replaced by the mask. */
export function maskSecrets(value: unknown, path: SchemaPath = []): unknown {
  if (value === undefined || value === null) return value;
  if (path.length && isSecretPath(path)) return SECRET_MASK;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, [...path, '[]']));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskSecrets(v, [...path, k]);
    return out;
  }
  return value;
}
