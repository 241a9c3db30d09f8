// callpoint config check FILE | schema | migrate FILE | docs
import { readFile } from 'node:fs/promises';
import { ConfigError, formatProblem } from '../config/errors.js';
import { loadConfig, parseConfig } from '../config/load.js';
import { configJsonSchema } from '../config/schema.js';
import { configReference } from '../config/reference.js';
import { boardProblems } from '../alarms/board-check.js';
import { CliError, UsageError, describeConfigError } from './common.js';

export async function configCommand(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const [sub, file] = args;
  switch (sub) {
    case 'schema':
      out(JSON.stringify(configJsonSchema(), null, 2));
      return 0;
    case 'docs':
      out(configReference());
      return 0;
    case 'check': {
      if (!file) throw new UsageError('config check needs a FILE');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new CliError(`${file}: cannot read the configuration file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      const r = parseConfig(text, env);
      if (!r.config) throw new CliError(describeConfigError(new ConfigError(file, r.problems)));
      const board = await boardProblems(r.config);
      if (board.problems.length) throw new CliError(describeConfigError(new ConfigError(file, board.problems)));
      for (const w of r.warnings ?? []) out(`warning: ${formatProblem(file, w)}`);
      if (r.migratedFrom !== undefined) out(`${file}: valid, but in the old format version ${r.migratedFrom}; run \`callpoint config migrate ${file}\``);
      else out(`${file}: valid`);
      return 0;
    }
    case 'migrate': {
      if (!file) throw new UsageError('config migrate needs a FILE');
      try {
        const loaded = await loadConfig(file, env, { writeMigration: true });
        const m = loaded.migration;
        if (!m) out(`${file}: already current, nothing to do`);
        else if (m.written) out(`${file}: migrated from version ${m.from}; the old file is kept as ${m.backup}`);
        else throw new CliError(`${file}: could not write the migrated file (${m.reason})`);
        return 0;
      } catch (e) {
        if (e instanceof ConfigError) throw new CliError(describeConfigError(e));
        throw e;
      }
    }
    default:
      throw new UsageError(`unknown config command ${sub ? `"${sub}"` : ''}`.trim());
  }
}

export { formatProblem };
