// callpoint route test --from N --to N [--at TIME] [--trunk ID] [--down TRUNK]… [--night MODE] [--json] [--config FILE]
// callpoint route holidays FILE [--id ID] [--name NAME]
//
// `route test` explains the decision for a call from the configuration file,
// with the list entries added at run time and the night mode from the
// database when there is one (read beside a running daemon, never created).
// Offline nothing says which trunk is up: every trunk is taken as up with its
// channels free, unless --down names it (to see the failover).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { RouteDecision } from '../contracts/routing.js';
import { DIALLED_RE, NIGHT_MODES, type NightMode } from '../contracts/values.js';
import { parseHolidayFile } from '../routing/holiday-file.js';
import { describe, route, type CallRequest, type TrunkState } from '../routing/router.js';
import { NIGHT_MODE_KEY } from '../routing/routing-service.js';
import { localTime } from '../routing/schedules.js';
import { compileTables, type RuntimeListEntry } from '../routing/tables.js';
import { DB_FILE, Store } from '../store/store.js';
import { CliError, UsageError, loadForCli } from './common.js';

export const ROUTE_USAGE = 'callpoint route test --from N --to N [--at 2026-12-24T22:00] [--trunk ID] [--down TRUNK]… [--night auto|night|day] [--json] [--config FILE]\n       callpoint route holidays FILE [--id ID] [--name NAME]';

/** A wall-clock time in a time zone ("2026-12-24T22:00"), or an instant with its offset. */
export function instantOf(text: string, timeZone: string): Date {
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const d = new Date(text);
    if (Number.isNaN(d.getTime())) throw new CliError(`--at: ${text} is not a date and time`);
    return d;
  }
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
  if (!m) throw new CliError(`--at: ${text} is not a date and time (2026-12-24T22:00, in the site's time zone)`);
  const want = Date.parse(`${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:00Z`);
  // The zone's offset at that moment: guess, read the wall clock there, correct (twice, across a DST change).
  let t = want;
  for (let i = 0; i < 2; i++) {
    const l = localTime(new Date(t), timeZone);
    const shown = Date.parse(`${l.date}T${String(Math.floor(l.minute / 60)).padStart(2, '0')}:${String(l.minute % 60).padStart(2, '0')}:00Z`);
    t += want - shown;
  }
  return new Date(t);
}

function human(d: RouteDecision, head: string, note: string | null): string {
  const lines = [head];
  if (d.decision === 'route') {
    lines.push(`decision: route by ${d.rule}${d.class ? `, class ${d.class}` : ''}, priority ${d.priority}${d.record ? ', recorded' : ''}`);
    lines.push('destinations, in order:');
    d.destinations.forEach((x, i) => lines.push(`  ${i + 1}. ${describe(x)}`));
    if (d.preempt) lines.push(`pre-empts (强拆) call ${d.preempt.uuid} on ${d.preempt.trunk} (${d.preempt.priority})`);
  } else {
    lines.push(`decision: refuse${d.rule ? ` (rule ${d.rule})` : ''}: ${d.reason}`);
    if (d.treatment) lines.push(`the caller gets: ${d.treatment.kind === 'tone' ? `the ${d.treatment.tone} tone` : d.treatment.kind === 'announcement' ? `the announcement ${d.treatment.name}` : d.treatment.kind}`);
  }
  for (const k of d.skipped) lines.push(`skipped trunk ${k.trunk}: ${k.reason}`);
  lines.push('trace:');
  const width = Math.max(...d.trace.map((s) => `${s.step} ${s.subject ?? ''}`.length), 10);
  for (const s of d.trace) lines.push(`  ${`${s.step} ${s.subject ?? ''}`.padEnd(width)}  ${s.result.padEnd(8)} ${s.why}`);
  if (note) lines.push(note);
  return lines.join('\n');
}

async function test(values: Record<string, string | boolean | string[] | undefined>, env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const from = typeof values.from === 'string' ? values.from : undefined;
  const to = typeof values.to === 'string' ? values.to : undefined;
  if (from === undefined || !to) throw new UsageError(`route test needs --from and --to; usage: ${ROUTE_USAGE}`);
  if (!DIALLED_RE.test(to)) throw new CliError(`--to: ${JSON.stringify(to)} is not a number (an optional + and 1–32 digits, * or #)`);
  if (from !== '' && !DIALLED_RE.test(from)) throw new CliError(`--from: ${JSON.stringify(from)} is not a number or an extension`);
  const night = values.night;
  if (night !== undefined && !NIGHT_MODES.includes(night as NightMode)) throw new CliError(`--night must be one of ${NIGHT_MODES.join(', ')}`);
  const { config } = await loadForCli(values.config as string | undefined, env);
  const trunk = values.trunk as string | undefined;
  if (trunk !== undefined && !config.trunks.some((t) => t.id === trunk)) throw new CliError(`--trunk: no trunk "${trunk}" (trunks: ${config.trunks.map((t) => t.id).join(', ') || 'none'})`);
  const down = new Set((values.down as string[] | undefined) ?? []);
  for (const d of down) if (!config.trunks.some((t) => t.id === d)) throw new CliError(`--down: no trunk "${d}"`);
  const at = typeof values.at === 'string' ? instantOf(values.at, config.numbering.timezone) : new Date();

  // What the daemon keeps in its database: list entries added at run time, night mode.
  let runtime: RuntimeListEntry[] = [];
  let mode: NightMode = 'auto';
  if (existsSync(join(config.dataDir, DB_FILE))) {
    const store = await Store.open(config.dataDir, { site: config.site, node: config.node });
    try {
      runtime = await store.routingLists.all();
      mode = (await store.settings.get<{ mode: NightMode }>(NIGHT_MODE_KEY))?.mode ?? 'auto';
    } finally {
      await store.close();
    }
  }
  if (night) mode = night as NightMode;
  const trunks = new Map<string, TrunkState>(
    config.trunks.map((t) => {
      const capacity = t.channels ?? (t.kind === 'fxo' ? (t.fxo?.ports.length ?? 1) : t.kind === 'gsm' ? (t.gsm?.modems.length ?? 1) : 2);
      return [t.id, down.has(t.id) ? { up: false, detail: 'down (--down)', capacity, inUse: 0 } : { up: true, detail: 'taken as up (offline)', capacity, inUse: 0 }];
    }),
  );
  const req: CallRequest = trunk !== undefined ? { direction: 'inbound', trunk, from, to, at } : { direction: 'outbound', from, to, at };
  const d = route(req, compileTables(config, runtime), { trunks, calls: [], night: mode, explain: true });
  if (values.json) {
    out(JSON.stringify(d, null, 2));
    return 0;
  }
  const l = localTime(at, config.numbering.timezone);
  const when = `${l.date} ${String(Math.floor(l.minute / 60)).padStart(2, '0')}:${String(l.minute % 60).padStart(2, '0')} (${config.numbering.timezone})${mode !== 'auto' ? `, night mode ${mode}` : ''}`;
  const phone = config.phones.find((p) => p.number === from);
  const head = trunk !== undefined ? `${from || 'a withheld caller'} → ${to} from trunk ${trunk}, at ${when}` : `${from}${phone ? ` (zone ${phone.zone})` : ''} → ${to}, at ${when}`;
  out(human(d, head, config.trunks.length ? 'Offline, every trunk is taken as up with free channels; --down TRUNK to see the failover.' : null));
  return 0;
}

async function holidays(file: string | undefined, values: Record<string, unknown>, out: (s: string) => void): Promise<number> {
  if (!file) throw new UsageError(`route holidays needs a FILE; usage: ${ROUTE_USAGE}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`${file}: cannot read it: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const f = parseHolidayFile(text);
  if (f.problems.length && !f.holidays.length && !f.workdays.length) throw new CliError(`${file}: nothing to import:\n  - ${f.problems.join('\n  - ')}`);
  const id = typeof values.id === 'string' ? values.id : 'holidays';
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(id)) throw new CliError('--id must be 1–63 of a-z, 0-9, "-" or "_"');
  const calendar = { id, ...(typeof values.name === 'string' ? { name: values.name } : {}), holidays: f.holidays, workdays: f.workdays };
  out(`# ${f.holidays.length} holiday${f.holidays.length === 1 ? '' : 's'} and ${f.workdays.length} make-up working day${f.workdays.length === 1 ? '' : 's'} from ${file}; add under calendars: and name it in schedules[].calendar`);
  for (const p of f.problems) out(`# skipped: ${p}`);
  out(stringify({ calendars: [calendar] }).trimEnd());
  return 0;
}

export async function routeCommand(args: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' }, to: { type: 'string' }, at: { type: 'string' }, trunk: { type: 'string' }, down: { type: 'string', multiple: true },
      night: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' },
    },
  });
  const [sub, file] = positionals;
  if (sub === 'test') return test(values, env, out);
  if (sub === 'holidays') return holidays(file, values, out);
  throw new UsageError(sub ? `unknown route command "${sub}"; usage: ${ROUTE_USAGE}` : `route needs test or holidays; usage: ${ROUTE_USAGE}`);
}
