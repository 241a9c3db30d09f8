// The `callpoint` command.
import { createLogger } from '../log/logger.js';
import { VERSION } from '../paths.js';
import { CliError, UsageError } from './common.js';

// Each command loads only its own modules: the daemon (`run`) stays small in
// memory, and `config check` does not load the daemon.

export const USAGE = `Callpoint ${VERSION} — emergency and dispatch telephony appliance

usage:
  callpoint run [--config FILE] [--simulate[=PARTS]]
                                                  run the daemon; PARTS: board,freeswitch,broker,lines (default all)
  callpoint config check FILE                     validate a configuration file
  callpoint config schema                         print the JSON Schema of the configuration
  callpoint config migrate FILE                   rewrite an old-format file (a backup is kept)
  callpoint config docs                           print the configuration reference (Markdown)
  callpoint user add NAME [--role admin|technician|viewer] [--password-stdin] [--config FILE]
  callpoint user passwd NAME [--password-stdin] [--config FILE]
  callpoint user list|remove|unlock [NAME] [--config FILE]
                                                  unlock: let every address locked out of NAME try again
  callpoint gsm pin MODEM [--pin-stdin] [--config FILE]
                                                  enter a SIM PIN (after the SIM refused one; beside a running daemon too)
  callpoint backup FILE [--config FILE]           consistent snapshot of the database and configuration
  callpoint restore FILE [--config FILE] [--with-config] [--other-site]
                                                  restore a snapshot (the daemon must be stopped); a snapshot of
                                                  another site or node only with --other-site
  callpoint central keygen --out FILE             a key pair for central: the private key to FILE, the public key printed
  callpoint central sign --key FILE --key-id ID --command NAME [--data JSON] [--id ID] [--ttl S]
                         [--site S --node N | --config FILE]
                                                  a signed command for cmd/NAME (stdout)
  callpoint sim press|release INPUT [--config FILE] press a simulated call point of the running simulation
  callpoint provision freeswitch --out DIR [--config FILE]
                                                  write the FreeSWITCH configuration Callpoint owns
  callpoint route test --from N --to N [--at TIME] [--trunk ID] [--down TRUNK]… [--night MODE] [--json] [--config FILE]
                                                  explain the routing decision for a call (every rule passed, refused, matched)
  callpoint route holidays FILE [--id ID] [--name NAME]
                                                  a holiday file (CSV or iCalendar) as a calendars: entry

The configuration is read from --config, $CALLPOINT_CONFIG or /etc/callpoint/config.yaml
(--simulate without a file uses embedded defaults with data under ./var).`;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [cmd, ...rest] = argv;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    switch (cmd) {
      case 'run':
        return await (await import('./run-cmd.js')).runCommand(rest, env);
      case 'config':
        return await (await import('./config-cmd.js')).configCommand(rest, env, out);
      case 'user': {
        const logger = await createLogger({ level: 'warn', destination: process.stderr });
        return await (await import('./user-cmd.js')).userCommand(rest, env, out, logger.ns('cli'));
      }
      case 'gsm':
        return await (await import('./gsm-cmd.js')).gsmCommand(rest, env, out);
      case 'central':
        return await (await import('./central-cmd.js')).centralCommand(rest, env, out, (s) => process.stderr.write(`${s}\n`));
      case 'sim':
        return await (await import('./sim-cmd.js')).simCommand(rest, env, out);
      case 'route':
        return await (await import('./route-cmd.js')).routeCommand(rest, env, out);
      case 'provision':
        return await (await import('./provision-cmd.js')).provisionCommand(rest, env, out);
      case 'backup':
      case 'restore':
        return await (await import('./backup-cmd.js')).backupCommand(cmd, rest, env, out);
      case '--version':
      case 'version':
        out(VERSION);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`callpoint: ${(e as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`callpoint: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    // Expected operational failures (files, store) as one line; a stack only for real bugs.
    if (err.code || err.name === 'StoreError') {
      process.stderr.write(`callpoint: ${err.message}\n`);
      return 1;
    }
    throw e;
  }
}
