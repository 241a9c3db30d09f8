import { ConfigError, formatProblem } from '../config/errors.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';

export const DEFAULT_CONFIG = '/etc/callpoint/config.yaml';

/** Simulation mode without --config: the embedded defaults (data under ./var). */
export const SIMULATION_DEFAULTS = `site: sim
node: dev
dataDir: ./var
http: { host: 127.0.0.1, port: 8080 }
`;

/** A mistake in how the command was called: printed with the usage, exit 2. */
export class UsageError extends Error {}

/** An expected failure: printed as one clear line, exit 1, no stack trace. */
export class CliError extends Error {}

export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv, simulate = false): string | undefined {
  if (flag) return flag;
  if (env.CALLPOINT_CONFIG) return env.CALLPOINT_CONFIG;
  return simulate ? undefined : DEFAULT_CONFIG;
}

export function describeConfigError(e: ConfigError): string {
  const n = e.problems.length;
  const head = `${e.file ?? 'configuration'}: ${n} problem${n === 1 ? '' : 's'}`;
  return [head, ...e.problems.map((p) => `  - ${formatProblem(e.file, p)}`)].join('\n');
}

export async function loadForCli(flag: string | undefined, env: NodeJS.ProcessEnv, simulate = false): Promise<LoadedConfig> {
  const file = configPath(flag, env, simulate);
  try {
    return await loadConfig(file, env, { defaults: SIMULATION_DEFAULTS, writeMigration: false });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(describeConfigError(e));
    throw e;
  }
}
