// callpoint gsm pin MODEM [--pin-stdin] — a person's SIM PIN for a modem,
// written to the database directly: offline, or beside a running daemon
// (SQLite WAL and a busy timeout), which enters it at its next check of the
// SIM. A PIN the SIM refused is otherwise never entered again (a SIM locks
// after three wrong PINs); this is how a person says "try this one".
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { english, phrase } from '../contracts/phrases/index.js';
import { enterSimPin, PIN_FORMAT } from '../lines/sim-pins.js';
import { Store } from '../store/store.js';
import { CliError, UsageError, loadForCli } from './common.js';
import { promptHidden, readStdinLine } from './prompt.js';

async function readPin(fromStdin: boolean): Promise<string> {
  if (fromStdin) return (await readStdinLine()).trim();
  try {
    const a = await promptHidden('SIM PIN: ');
    const b = await promptHidden('Repeat it: ');
    if (a !== b) throw new CliError('the two PINs differ');
    return a;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${(e as Error).message.replace('--password-stdin', '--pin-stdin')}`);
  }
}

export async function gsmCommand(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' }, 'pin-stdin': { type: 'boolean' }, simulate: { type: 'boolean' } } });
  const [sub, modem] = positionals;
  if (sub !== 'pin') throw new UsageError('gsm needs pin');
  if (!modem) throw new UsageError('gsm pin needs a MODEM (an id of lines.modems)');
  const { config } = await loadForCli(values.config, env, values.simulate);
  const m = config.lines.modems.find((x) => x.id === modem);
  if (!m) throw new CliError(`no modem "${modem}" in lines.modems${config.lines.modems.length ? ` (there are: ${config.lines.modems.map((x) => x.id).join(', ')})` : ''}`);
  const pin = await readPin(!!values['pin-stdin']);
  if (!PIN_FORMAT.test(pin)) throw new CliError('a SIM PIN is 4–8 digits');
  const by = `cli:${userInfo().username}`;
  const store = await Store.open(config.dataDir, { site: config.site, node: config.node });
  try {
    const { iccid } = await store.tx(async (r) => {
      const res = await enterSimPin(r, modem, pin, by);
      // Audited like the admin form; never with the PIN.
      const said = phrase('audit.pin.cli', { sim: res.iccid ? phrase('audit.pin.sim', { iccid: res.iccid }) : '' });
      await r.audit.insert({ username: by, role: 'admin', ip: 'local', action: 'gsm.pin', target: modem, outcome: 'ok', detail: english(said), phrase: said });
      return res;
    });
    out(`SIM PIN for ${modem} stored${iccid ? ` (for SIM ${iccid})` : ''}; a running daemon enters it at its next check of the SIM, within ${m.pollS} s`);
    return 0;
  } finally {
    await store.close();
  }
}
