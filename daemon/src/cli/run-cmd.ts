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

  // Under systemd (Type=notify) a restart is systemd's to do: exit with RESTART_EXIT_CODE. By hand
  // (a terminal, make run) the daemon stops and starts again in this process, with the configuration re-read.
  const supervised = !!env.INVOCATION_ID || !!env.NOTIFY_SOCKET;
  let current = config;
  let seed = loaded.seed;
  let signals = 0;
  let onSignal: (sig: NodeJS.Signals) => void = () => undefined;
  let listening = false;
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
  for (;;) {
    // A signal between a restart's stop and start: nothing runs, so leave at once.
    onSignal = (sig) => {
      log.warn({ signal: sig }, 'signal while restarting: exiting');
      logger.flush();
      process.exit(0);
    };
    let daemon;
    try {
      daemon = await startDaemon({ config: current, seed, logger, simulate, env, supervised });
      // Until the first start has finished, a signal ends the process the default way.
      if (!listening) {
        process.on('SIGTERM', (sig) => onSignal(sig));
        process.on('SIGINT', (sig) => onSignal(sig));
        listening = true;
      }
    } catch (e) {
      log.fatal(`cannot start: ${(e as Error).message}`);
      logger.flush();
      if (!process.stdout.isTTY) process.stderr.write(`callpoint: cannot start: ${(e as Error).message}\n`);
      return 1;
    }
    const running = daemon;
    const outcome = await new Promise<{ exit: number } | { restart: string }>((resolve) => {
      onSignal = (sig) => {
        if (++signals > 1) {
          log.warn({ signal: sig }, 'second signal: exiting now');
          resolve({ exit: 1 });
          return;
        }
        void running.stop(sig).then((clean) => resolve({ exit: clean ? 0 : 1 }));
      };
      void running.restartRequested.then((reason) => resolve({ restart: reason }));
    });
    if ('exit' in outcome) return outcome.exit;
    log.warn({ reason: outcome.restart, supervised }, supervised ? 'restarting: exiting for systemd to start the daemon again' : 'restarting in this process');
    await running.stop(`restart: ${outcome.restart}`);
    if (supervised) return RESTART_EXIT_CODE;
    try {
      // The seed again (the live file in the data directory, which the daemon reads, is not touched here).
      ({ config: current, seed } = await loadConfig(file, env, { defaults: SIMULATION_DEFAULTS }));
    } catch (e) {
      // The file changed into something invalid meanwhile: start again as before rather than not at all.
      log.error({ err: e }, 'the configuration no longer loads; starting again with the one in use');
    }
  }
}

/**
 * The exit status that asks systemd to start the daemon again (an admin's
 * restart): EX_TEMPFAIL. The unit restarts on failure and names it in
 * RestartForceExitStatus, so the restart happens whatever Restart= says.
 */
export const RESTART_EXIT_CODE = 75;
