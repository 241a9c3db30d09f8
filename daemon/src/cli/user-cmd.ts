// callpoint user add|passwd|list|remove|unlock — works offline, on the
// database directly (beside a running daemon too: SQLite WAL and a busy
// timeout; the daemon reads the login locks from the database at each attempt).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { Accounts } from '../accounts/accounts.js';
import type { Actor } from '../accounts/actor.js';
import { Sessions } from '../accounts/sessions.js';
import { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { Store } from '../store/store.js';
import { ROLES } from '../contracts/values.js';
import { CliError, UsageError, loadForCli } from './common.js';
import { promptHidden, readStdinLine } from './prompt.js';

async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdinLine();
  const a = await promptHidden('New password: ');
  const b = await promptHidden('Repeat it: ');
  if (a !== b) throw new CliError('the two passwords differ');
  return a;
}

export async function userCommand(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, log: Logger): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, simulate: { type: 'boolean' } },
  });
  const [sub, name] = positionals;
  if (!sub || !['add', 'passwd', 'list', 'remove', 'unlock'].includes(sub)) throw new UsageError('user needs add, passwd, list, remove or unlock');
  if (sub !== 'list' && !name) throw new UsageError(`user ${sub} needs a NAME`);
  const { config } = await loadForCli(values.config, env, values.simulate);
  const store = await Store.open(config.dataDir, { site: config.site, node: config.node });
  try {
    const bus = new EventBus(log);
    const accounts = new Accounts(store, new Sessions(store, { idleMs: 0, maxMs: 0 }), bus, log);
    // The CLI is run by someone with shell access to the board: an administrator.
    const actor: Actor = { username: `cli:${userInfo().username}`, role: 'admin', ip: 'local' };
    const check = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
      if (!r.ok) throw new CliError(r.message);
      return r.value;
    };
    switch (sub) {
      case 'list': {
        const users = check(await accounts.listUsers(actor));
        if (!users.length) out('no users yet');
        for (const u of users) out(`${u.username}\t${u.role}\tlast login ${u.lastLoginAt ?? 'never'}${u.locked ? '\tLOCKED from some addresses (callpoint user unlock)' : ''}`);
        return 0;
      }
      case 'add': {
        const role = values.role ?? 'admin';
        if (!ROLES.includes(role as never)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        const password = await readNewPassword(!!values['password-stdin']);
        check(await accounts.addUser(actor, name, password, role));
        out(`user ${name} added with role ${role}`);
        return 0;
      }
      case 'passwd': {
        const password = await readNewPassword(!!values['password-stdin']);
        check(await accounts.updateUser(actor, name!, { password }));
        out(`password of ${name} changed; their sessions are ended`);
        return 0;
      }
      case 'remove':
        check(await accounts.removeUser(actor, name!));
        out(`user ${name} removed`);
        return 0;
      case 'unlock': {
        const { addresses } = check(await accounts.unlock(actor, name!));
        out(addresses ? `${name} unlocked: ${addresses} address${addresses === 1 ? '' : 'es'} may try again` : `${name} was not locked`);
        return 0;
      }
    }
    return 2;
  } finally {
    await store.close();
  }
}
