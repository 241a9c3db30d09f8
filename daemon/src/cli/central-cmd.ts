// callpoint central keygen|sign — central's side of signed commands, for
// operators, scripts and central's developers (contracts/commands.ts has the
// wire format; uplink/command-auth.ts signs and verifies it).
//
//   callpoint central keygen --out central-key.pem
//       a new Ed25519 key pair: the private key to FILE (PEM, mode 0600: it
//       stays with central), the public key printed as the line for
//       `central.keys` in every appliance's configuration.
//   callpoint central sign --key central-key.pem --key-id central-2026 --command ack-alarm
//       --data '{"alarmId":"A-20261125-3","by":"duty officer"}' [--id ID] [--ttl S]
//       [--site S --node N | --config FILE]
//       the message to publish on callpoint/v1/{site}/{node}/cmd/{command}
//       (stdout; the topic is printed on stderr).
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { rawPublicKey } from '../config/central-key.js';
import { COMMAND_ID_RE, COMMAND_NAME_RE } from '../contracts/commands.js';
import { topicRoot } from '../contracts/mqtt.js';
import { signCommand } from '../uplink/command-auth.js';
import { CliError, UsageError, loadForCli } from './common.js';

export async function centralCommand(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' }, key: { type: 'string' }, 'key-id': { type: 'string' }, command: { type: 'string' }, data: { type: 'string' },
      id: { type: 'string' }, ttl: { type: 'string' }, site: { type: 'string' }, node: { type: 'string' }, config: { type: 'string' }, simulate: { type: 'boolean' },
    },
  });
  switch (positionals[0]) {
    case 'keygen': {
      if (!values.out) throw new UsageError('central keygen needs --out FILE (where the private key goes)');
      const { privateKey } = generateKeyPairSync('ed25519');
      await writeFile(values.out, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
        throw new CliError(e.code === 'EEXIST' ? `${values.out} exists already: a key is never overwritten` : `cannot write ${values.out}: ${e.message}`);
      });
      out(`private key written to ${values.out} (keep it with central, mode 0600)`);
      out('put the public key in each appliance\'s configuration:');
      out(`central:\n  keys:\n    - id: central-${new Date().getUTCFullYear()}\n      publicKey: ${rawPublicKey(privateKey)}`);
      return 0;
    }
    case 'sign': {
      const name = values.command;
      if (!values.key || !values['key-id'] || !name) throw new UsageError('central sign needs --key FILE --key-id ID --command NAME');
      if (!COMMAND_NAME_RE.test(name)) throw new CliError(`--command: ${JSON.stringify(name)} is not a command name (a-z, 0-9 and -)`);
      const id = values.id ?? `${name}-${randomUUID()}`;
      if (!COMMAND_ID_RE.test(id)) throw new CliError('--id: 1–100 of A-Z a-z 0-9 . _ : -');
      let data: unknown;
      try {
        data = JSON.parse(values.data ?? '{}');
      } catch (e) {
        throw new CliError(`--data is not JSON: ${(e as Error).message}`);
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new CliError('--data must be a JSON object');
      const ttlS = values.ttl === undefined ? 300 : Number(values.ttl);
      if (!Number.isInteger(ttlS) || ttlS < 1) throw new CliError('--ttl: whole seconds, at least 1');
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey(await readFile(values.key, 'utf8'));
      } catch (e) {
        throw new CliError(`--key ${values.key}: not a readable private key (${(e as Error).message})`);
      }
      if (privateKey.asymmetricKeyType !== 'ed25519') throw new CliError(`--key ${values.key}: an Ed25519 key is needed, this is ${privateKey.asymmetricKeyType ?? 'unknown'}`);
      const { site, node } = values.site && values.node ? { site: values.site, node: values.node } : (await loadForCli(values.config, env, values.simulate)).config;
      out(signCommand({ privateKey, keyId: values['key-id'], site, node, name, id, data: data as Record<string, unknown>, ttlS }));
      err(`publish it on ${topicRoot(site, node)}cmd/${name} (QoS 1); the result comes on ${topicRoot(site, node)}cmd-result/${id}`);
      return 0;
    }
    default:
      throw new UsageError('central needs keygen or sign');
  }
}
