// callpoint run [--config FILE] [--simulate[=PARTS]] — the daemon.
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { startDaemon } from '../daemon.js';
import { createLogger } from '../log/logger.js';
import { parseSimParts } from '../sim/parts.js';
import { SIMULATION_DEFAULTS, UsageError, configPath, describeConfigError } from './common.js';

export async function runCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // --simulate alone is everything; --simulate=board,lines names the parts (sim/parts.ts).
  const simArg = args.find((a) => a === '--simulate' || a.startsWith('--simulate='));
  const { values } = parseArgs({ args: args.filter((a) => a !== simArg), options: { config: { type: 'string' } } });
  let simulate;
  try {
    simulate = parseSimParts(simArg === undefined ? undefined : simArg === '--simulate' ? true : simArg.slice('--simulate='.length), env.CALLPOINT_SIMULATE);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const file = configPath(values.config, env, simulate.size > 0);
  let loaded;
  try {
    loaded = await loadConfig(file, env, { defaults: SIMULATION_DEFAULTS });
  } catch (e) {
    if (e instanceof ConfigError) {
      // The same words as `callpoint config check`, no stack trace; systemd keeps them in the journal.
      process.stderr.write(`callpoint: refusing to start: ${describeConfigError(e)}\n`);
      return 1;
    }
    throw e;
  }
  const { config } = loaded;
  const logger = await createLogger({ level: config.log.level, namespaces: config.log.namespaces, pretty: config.log.pretty ?? (simulate.size > 0 && !!process.stdout.isTTY) });
  const log = logger.ns('daemon');
  if (loaded.migration) {
    const m = loaded.migration;
    if (m.written) log.warn({ file, from: m.from, backup: m.backup }, `configuration migrated from version ${m.from}; the old file is kept as ${m.backup}`);
    else log.warn({ file, from: m.from, reason: m.reason }, `configuration is in the old format ${m.from} and could not be rewritten (${m.reason}); running with the migrated form in memory — run \`callpoint config migrate ${file}\``);
  }

  let daemon;
  try {
    daemon = await startDaemon({ config, seed: loaded.seed, logger, simulate, env });
  } catch (e) {
    log.fatal(`cannot start: ${(e as Error).message}`);
    logger.flush();
    if (!process.stdout.isTTY) process.stderr.write(`callpoint: cannot start: ${(e as Error).message}\n`);
    return 1;
  }

  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      if (++signals > 1) {
        log.warn({ signal: sig }, 'second signal: exiting now');
        resolve(1);
        return;
      }
      void daemon.stop(sig).then((clean) => resolve(clean ? 0 : 1));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('uncaughtException', (err) => {
      log.fatal({ err }, 'uncaught exception; exiting so systemd restarts a clean daemon');
      logger.flush();
      process.exit(70);
    });
    process.on('unhandledRejection', (err) => {
      log.fatal({ err }, 'unhandled promise rejection; exiting so systemd restarts a clean daemon');
      logger.flush();
      process.exit(70);
    });
  });
}
