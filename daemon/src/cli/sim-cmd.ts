// callpoint sim press|release INPUT — drive a simulated input of the running
// daemon (simulation mode only), through its API with the token it left in
// the data directory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SIM_TOKEN_FILE } from '../sim/control.js';
import { CliError, UsageError, loadForCli } from './common.js';

export async function simCommand(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' } } });
  const [edge, input] = positionals;
  if ((edge !== 'press' && edge !== 'release') || !input) throw new UsageError('sim needs press|release INPUT');
  const { config } = await loadForCli(values.config, env, true);
  const token = (await readFile(join(config.dataDir, SIM_TOKEN_FILE), 'utf8').catch(() => '')).trim();
  if (!token) throw new CliError(`no simulation running with data in ${config.dataDir} (start it with make run)`);
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const url = `${config.http.tls ? 'https' : 'http'}://${host}:${config.http.port}/api/sim/inputs/${encodeURIComponent(input)}/${edge}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'x-callpoint-sim-token': token } });
  } catch (e) {
    throw new CliError(`the daemon does not answer at ${url}: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string; alarmId?: string };
  if (!res.ok) throw new CliError(body.error ?? `HTTP ${res.status}`);
  out(`${edge === 'press' ? 'pressed' : 'released'} ${input}${body.alarmId ? `: alarm ${body.alarmId}` : ''}`);
  return 0;
}
