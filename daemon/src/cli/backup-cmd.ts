// callpoint backup FILE | restore FILE [--with-config] [--other-site]
import { parseArgs } from 'node:util';
import { VERSION } from '../paths.js';
import { BackupError, createBackup, restoreBackup } from '../store/backup.js';
import { CliError, UsageError, configPath, loadForCli } from './common.js';

export async function backupCommand(cmd: 'backup' | 'restore', args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' }, simulate: { type: 'boolean' }, 'with-config': { type: 'boolean' }, 'other-site': { type: 'boolean' } } });
  const file = positionals[0];
  if (!file) throw new UsageError(`${cmd} needs a FILE`);
  const { config } = await loadForCli(values.config, env, values.simulate);
  const cfgFile = configPath(values.config, env, values.simulate);
  try {
    if (cmd === 'backup') {
      const m = await createBackup({ dataDir: config.dataDir, out: file, configFile: cfgFile, version: VERSION, site: config.site, node: config.node });
      out(`backup written to ${file} (schema ${m.schemaVersion}, ${Object.entries(m.files).map(([n, f]) => `${n} ${f.bytes} B sha256 ${f.sha256.slice(0, 12)}…`).join(', ')})`);
    } else {
      const r = await restoreBackup({ dataDir: config.dataDir, file, configFile: values['with-config'] ? cfgFile : undefined, site: config.site, node: config.node, otherSite: values['other-site'] });
      const backlog = r.backlog.dropped
        ? `; ${r.backlog.dropped} messages it held for central were ${r.manifest.site}/${r.manifest.node}'s and are dropped`
        : r.backlog.resent ? `; ${r.backlog.resent} messages it held for central will be sent again, numbered after the live ones` : '';
      out(`restored ${file} (made ${r.manifest.createdAt} on ${r.manifest.site}/${r.manifest.node})${r.keptAs ? `; the previous database is kept as ${r.keptAs}` : ''}${backlog}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof BackupError) throw new CliError(`${cmd} refused: ${e.message}; nothing was changed`);
    throw e;
  }
}
