// callpoint provision freeswitch --out DIR [--config FILE]
//
// Writes the FreeSWITCH configuration Callpoint owns into DIR, laid out like
// FreeSWITCH's configuration directory. Every file is generated before the
// first is written, and each is written under a temporary name and renamed,
// so a problem leaves DIR as it was and a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEVICE_SECRETS_FILE, loadOrCreateDeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { freeswitchFiles, type GeneratedFile } from '../../../provisioning/src/files.js';
import { ProvisionError, phonesNeedingSecrets } from '../../../provisioning/src/values.js';
import { CliError, UsageError, loadForCli } from './common.js';

export const PROVISION_USAGE = 'callpoint provision freeswitch --out DIR [--config FILE]';

/** Files hold passwords: owner read-write, group (freeswitch) read, nobody else. */
const FILE_MODE = 0o640;
const DIR_MODE = 0o750;

async function writeAtomic(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: DIR_MODE });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { mode: FILE_MODE, flag: 'wx' });
    await chmod(tmp, FILE_MODE); // the umask may have narrowed it; make it exact
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function nextSteps(out: string, files: GeneratedFile[], port: number, dataDir: string, generatedPhones: number): string[] {
  return [
    '',
    'Next steps (FreeSWITCH configuration directory: /etc/freeswitch, or /usr/local/freeswitch/conf):',
    `  1. Copy the files over it:            sudo cp -r ${out}/. /etc/freeswitch/`,
    '     and let FreeSWITCH read them:       sudo chgrp freeswitch ' + files.map((f) => `/etc/freeswitch/${f.path}`).join(' '),
    '  2. At the end of vars.xml, before </include>, add this line once:',
    '       <X-PRE-PROCESS cmd="include" data="callpoint-vars.xml"/>',
    '  3. In autoload_configs/modules.conf.xml, make sure mod_xml_curl, mod_conference and mod_event_socket are loaded.',
    '     The vanilla users directory/default/*.xml (shared default password) are no longer included; remove them.',
    '  4. Keep the Callpoint daemon running with this same configuration: it answers the directory and dialplan',
    `     lookups on loopback port ${port}; the copies written here are FreeSWITCH's fallback when it does not.`,
    '  5. Restart FreeSWITCH (the event-socket address and password change only at a restart):',
    '       sudo systemctl restart freeswitch',
    "     Check: fs_cli -x 'system true' must answer \"-ERR system Command not found!\".",
    `  The generated secrets are kept in ${join(dataDir, DEVICE_SECRETS_FILE)} (mode 0600).` +
      (generatedPhones ? ` SIP passwords of the ${generatedPhones} phone${generatedPhones === 1 ? '' : 's'} without a configured secret are there (phoneSecrets).` : ''),
  ];
}

export async function provisionCommand(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, config: { type: 'string' } } });
  const [what, ...extra] = positionals;
  if (what !== 'freeswitch') throw new UsageError(what ? `cannot provision "${what}"; usage: ${PROVISION_USAGE}` : `provision needs a target; usage: ${PROVISION_USAGE}`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"; usage: ${PROVISION_USAGE}`);
  if (!values.out) throw new UsageError(`provision freeswitch needs --out DIR; usage: ${PROVISION_USAGE}`);
  const outDir = resolve(values.out);

  const { config } = await loadForCli(values.config, env);
  const generated = phonesNeedingSecrets(config);
  let files: GeneratedFile[];
  try {
    const secrets = await loadOrCreateDeviceSecrets(config.dataDir, generated);
    files = freeswitchFiles(config, secrets);
  } catch (e) {
    if (e instanceof ProvisionError) throw new CliError(`cannot provision FreeSWITCH: ${e.message}; nothing was written`);
    throw e;
  }
  for (const f of files) await writeAtomic(join(outDir, ...f.path.split('/')), f.content);

  out(`wrote ${files.length} FreeSWITCH files to ${outDir}:`);
  const width = Math.max(...files.map((f) => f.path.length));
  for (const f of files) out(`  ${f.path.padEnd(width)}  ${f.what}`);
  for (const line of nextSteps(outDir, files, config.http.port, config.dataDir, generated.length)) out(line);
  return 0;
}
