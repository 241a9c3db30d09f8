// cmd/config-apply: central pushes a whole configuration file with the
// version it believes is current. Validated, diffed, audited as central and
// applied the same way as an edit in the web UI; a stale version or an
// invalid file is refused and changes nothing. Registered through
// RegisterCommand (contracts/commands.ts): the uplink verifies, de-duplicates
// and answers; this module does not know the uplink.
import type { RegisterCommand } from '../contracts/commands.js';
import { configApplyCommand } from '../contracts/config.js';
import { describeFieldErrors } from '../contracts/errors.js';
import type { ConfigService } from './service.js';

/** A whole file is larger than other commands: a 500-point site is ~70 KB of YAML. */
export const CONFIG_APPLY_MAX_BYTES = 2_200_000;

export function registerConfigCommands(register: RegisterCommand, config: ConfigService): Array<() => void> {
  return [
    register(
      'config-apply',
      configApplyCommand,
      async (d) => {
        const who = { username: `central${d.by ? `:${d.by}` : ''}`, role: null, ip: null };
        const r = await config.apply({ kind: 'text', text: d.yaml }, { ifMatch: d.expectedVersion, who, source: 'central', reason: d.reason ?? 'pushed by central', wholeFile: true });
        if (r.ok) {
          // Restarts begin after the result is stored for central (the uplink may be one of them).
          setImmediate(() => r.start());
          return { ok: true, value: r.result };
        }
        switch (r.code) {
          case 'conflict':
            return { ok: false, error: `stale: ${r.conflict.error}`, value: { version: r.conflict.version, diff: r.conflict.diff } };
          case 'invalid':
            return { ok: false, error: `invalid: ${describeFieldErrors(r.errors)}`, errors: r.errors };
          case 'forbidden':
          case 'not_found':
            return { ok: false, error: r.error };
        }
      },
      { maxBytes: CONFIG_APPLY_MAX_BYTES },
    ),
  ];
}
