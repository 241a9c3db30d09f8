// `make bench` (call search): GET /api/calls over 1,000,000 call records —
// a few years of a busy site — for every filter and combination the UI
// offers (zone, direction, hangup cause, number, dates, and the next pages
// through the keyset cursor), each with common and rare values.
//
// The records are written by one INSERT … SELECT over a recursive CTE into
// the daemon's own schema (its migrations made the database; the calls
// table's indexes are dropped for the fill and made again from their own
// definitions, which is what a database that grew call by call holds). Every
// value is a hash of the row number, so each run searches the same data:
// 3 years, outbound and inbound, 12 zones from busy to nearly unused, 200
// extensions each in its zone, the dispatch desks 8000–8003, 7000 outside
// numbers, hangup causes from NORMAL_CLEARING (80 %) down to one in ten
// thousand. Then the compiled daemon serves it and this process asks as the
// web UI does (a signed-in viewer, keep-alive), timing each answer whole:
// the query, the JSON, the HTTP.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { Store } from '../../daemon/src/store/store.js';
import { cli, freePort } from '../../daemon/test/helpers/daemon.js';
import { Client } from '../../daemon/test/helpers/http.js';
import type { Figure } from './gateway.js';
import { UNIT_NODE_FLAGS } from '../../daemon/test/helpers/unit-flags.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'daemon', 'bin', 'callpoint.js');
const RECORDS = Number(process.env.BENCH_CALL_RECORDS ?? 1_000_000);
const SAMPLES = 40;
const PW = 'ledger-canyon-harbour-47';
const ZONES = ['tunnel-a', 'tunnel-b', 'portal-north', 'portal-south', 'plant-1', 'plant-2', 'ventilation', 'substation', 'control', 'workshop', 'cross-passage-7', 'escape-shaft'];
const CAUSES = ['NORMAL_CLEARING', 'NO_ANSWER', 'USER_BUSY', 'ORIGINATOR_CANCEL', 'NO_USER_RESPONSE', 'CALL_REJECTED', 'UNALLOCATED_NUMBER', 'NORMAL_TEMPORARY_FAILURE', 'RECOVERY_ON_TIMER_EXPIRE'];
const START = Date.UTC(2023, 11, 1);
const SPAN_MS = 3 * 365 * 86_400_000;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(0.5 * xs.length)]!;

function raw(file: string): { exec(sql: string): Promise<void>; all<T>(sql: string): Promise<T[]>; close(): Promise<void> } {
  const db = new sqlite3.Database(file);
  return {
    exec: (sql) => new Promise((res, rej) => db.exec(sql, (e) => (e ? rej(e) : res()))),
    all: <T>(sql: string) => new Promise<T[]>((res, rej) => db.all(sql, (e, r) => (e ? rej(e) : res(r as T[])))),
    close: () => new Promise((res) => db.close(() => res())),
  };
}

/** A value per row from its number: h(i, k) is in [0, 1000) and differs per k. */
const h = (k: number) => `((i * ${2654435761 + k * 40503} + ${k * 97}) % 1000003 % 1000)`;

/** The SQL that writes RECORDS calls in one statement. */
function fillSql(): string {
  // Zones from busy to nearly unused: zone k gets about half of what k-1 gets.
  const zoneOf = (x: string) => `CASE ${ZONES.map((z, k) => `WHEN ${x} < ${Math.round(1000 * (1 - 0.5 ** (k + 1)))} THEN '${z}'`).join(' ')} ELSE '${ZONES[ZONES.length - 1]}' END`;
  const ext = `(1000 + ${h(2)} % 200)`;
  const outside = `'+86' || (138 + ${h(3)} % 2) || printf('%08d', (i * 7919) % 3500 * 7)`;
  const desk = `CASE WHEN ${h(4)} < 700 THEN '8000' ELSE '800' || (1 + ${h(4)} % 3) END`;
  const cause = `CASE ${[800, 880, 940, 970, 985, 995, 998, 999].map((lim, k) => `WHEN ${h(5)} < ${lim} THEN '${CAUSES[k]}'`).join(' ')} ELSE CASE WHEN i % 10 = 0 THEN '${CAUSES[8]}' ELSE '${CAUSES[0]}' END END`;
  const at = (extraS: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${START / 86_400_000 + 2440587.5} + (i * ${SPAN_MS / RECORDS / 1000} + ${h(6)} % 60 + ${extraS}) / 86400.0)`;
  return `
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${RECORDS - 1}),
    v AS (SELECT i, CASE WHEN ${h(7)} < 550 THEN 'outbound' ELSE 'inbound' END AS dir, ${ext} AS ext FROM n)
    INSERT INTO calls(uuid, direction, caller_number, caller_name, callee_number, callee_name, zone, trunk, created_at, answered_at, ended_at, duration_s, billsec_s, hangup_cause, recording_path, alarm_id, recovered)
    SELECT
      printf('%08x-%04x-4%03x-%04x-%012x', i, ${h(8)}, ${h(9)}, 32768 + ${h(10)}, (i * 2654435761) % 281474976710597),
      dir,
      CASE WHEN dir = 'outbound' THEN CASE WHEN ${h(11)} < 300 THEN ${desk} ELSE CAST(ext AS TEXT) END
           ELSE CASE WHEN ${h(11)} < 500 THEN ${outside} ELSE CAST(ext AS TEXT) END END,
      NULL,
      CASE WHEN dir = 'outbound' THEN CASE WHEN ${h(12)} < 600 THEN CAST(1000 + ${h(12)} % 200 AS TEXT) WHEN ${h(12)} < 950 THEN ${outside} ELSE ${desk} END
           ELSE CASE WHEN ${h(12)} < 700 THEN '8000' ELSE CAST(1000 + ${h(12)} % 200 AS TEXT) END END,
      NULL,
      CASE WHEN ${h(1)} < 80 THEN NULL ELSE ${zoneOf(`${h(13)}`)} END,
      CASE WHEN ${h(14)} < 20 THEN 'gsm' WHEN ${h(14)} < 30 THEN 'fxo' ELSE 'sip' END,
      ${at('0')}, ${at('8')}, ${at('68')}, 68, 60,
      ${cause}, NULL,
      CASE WHEN ${h(15)} < 5 THEN 'A-' || strftime('%Y%m%d', ${at('0')}) || '-1' ELSE NULL END, 0
    FROM v`;
}

async function fill(dataDir: string): Promise<number> {
  const store = await Store.open(dataDir, { site: 'bench', node: 'n1' });
  await store.close();
  const t0 = performance.now();
  const db = raw(join(dataDir, 'callpoint.db'));
  const indexes = await db.all<{ sql: string; name: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL");
  await db.exec(`PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; ${indexes.map((i) => `DROP INDEX ${i.name};`).join(' ')}`);
  await db.exec(fillSql());
  await db.exec(`${indexes.map((i) => `${i.sql};`).join(' ')} PRAGMA journal_mode = WAL;`);
  await db.close();
  return performance.now() - t0;
}

interface Case {
  name: string;
  /** One query string per sample. */
  queries: (k: number) => string;
}

const pick = <T>(xs: readonly T[], k: number) => xs[k % xs.length]!;
const day = (k: number) => new Date(START + ((k * 7919) % 1000) * 86_400_000).toISOString();
const plusDays = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString();
const qs = (o: Record<string, string>) => new URLSearchParams(o).toString();
const EXTENSIONS = Array.from({ length: 40 }, (_, k) => String(1000 + ((k * 37) % 200)));
const OUTSIDE = Array.from({ length: 40 }, (_, k) => `+86${138 + (k % 2)}${String(((k * 131) % 3500) * 7).padStart(8, '0')}`);

const CASES: Case[] = [
  { name: 'no filter', queries: () => '' },
  { name: 'zone', queries: (k) => qs({ zone: pick(ZONES, k) }) },
  { name: 'direction', queries: (k) => qs({ direction: pick(['inbound', 'outbound'], k) }) },
  { name: 'cause', queries: (k) => qs({ cause: pick(CAUSES, k) }) },
  { name: 'number: an extension', queries: (k) => qs({ number: pick(EXTENSIONS, k) }) },
  { name: 'number: the dispatch desk', queries: (k) => qs({ number: pick(['8000', '8001', '8003'], k) }) },
  { name: 'number: an outside number', queries: (k) => qs({ number: pick(OUTSIDE, k) }) },
  { name: 'number: a prefix', queries: (k) => qs({ number: pick(['+86138', '+861390', '10', '11', '1', '8', '+86', '+8613800000'], k) }) },
  { name: 'number: none matches', queries: (k) => qs({ number: pick(['999', '+1555', '7', '10999'], k) }) },
  { name: 'dates: a day', queries: (k) => qs({ from: day(k), to: plusDays(day(k), 1) }) },
  { name: 'dates: a month', queries: (k) => qs({ from: day(k), to: plusDays(day(k), 30) }) },
  { name: 'dates: from only / to only', queries: (k) => qs(k % 2 ? { from: day(k) } : { to: day(k) }) },
  { name: 'zone + direction', queries: (k) => qs({ zone: pick(ZONES, k), direction: pick(['inbound', 'outbound'], k >> 1) }) },
  { name: 'zone + cause', queries: (k) => qs({ zone: pick(ZONES, k), cause: pick(CAUSES, k * 7) }) },
  { name: 'direction + cause', queries: (k) => qs({ direction: pick(['inbound', 'outbound'], k), cause: pick(CAUSES, k >> 1) }) },
  { name: 'zone + direction + cause', queries: (k) => qs({ zone: pick(ZONES, k), direction: pick(['inbound', 'outbound'], k), cause: pick(CAUSES, k * 5) }) },
  { name: 'zone + a day', queries: (k) => qs({ zone: pick(ZONES, k), from: day(k), to: plusDays(day(k), 1) }) },
  { name: 'number + zone', queries: (k) => qs({ number: pick([...EXTENSIONS.slice(0, 4), '8000', '+86138'], k), zone: pick(ZONES, k * 3) }) },
  { name: 'number + direction', queries: (k) => qs({ number: pick([...EXTENSIONS.slice(0, 4), '8000', ...OUTSIDE.slice(0, 3)], k), direction: pick(['inbound', 'outbound'], k >> 1) }) },
  { name: 'number + cause', queries: (k) => qs({ number: pick([EXTENSIONS[0]!, '8000', OUTSIDE[0]!, '1'], k), cause: pick(CAUSES, k * 3) }) },
  { name: 'number + a month', queries: (k) => qs({ number: pick([EXTENSIONS[0]!, '8000', OUTSIDE[0]!, '+86139'], k), from: day(k), to: plusDays(day(k), 30) }) },
  { name: 'every filter', queries: (k) => qs({ number: pick(['8000', EXTENSIONS[1]!, '1'], k), zone: pick(ZONES, k), direction: pick(['inbound', 'outbound'], k), cause: pick(CAUSES, k), from: day(k), to: plusDays(day(k), 200) }) },
];

/** The next pages: the cursor of page 1 of a search, then page 2 (the case's time is page 2's). */
const PAGED: Case[] = [
  { name: 'next page: no filter, deep', queries: (k) => qs({ to: day(k) }) },
  { name: 'next page: zone', queries: (k) => qs({ zone: pick(ZONES, k) }) },
  { name: 'next page: number', queries: (k) => qs({ number: pick([EXTENSIONS[0]!, '8000', '+86138', OUTSIDE[1]!], k) }) },
  { name: 'next page: zone + cause', queries: (k) => qs({ zone: pick(ZONES, k), cause: pick(CAUSES, k * 3) }) },
];

/** The API allows 100 requests a second per address with a session (api/request-gate.ts): the bench keeps under it. */
const MIN_GAP_MS = 12;
let lastAt = 0;

async function timeGet(c: Client, path: string): Promise<{ ms: number; next: string | null; n: number }> {
  const wait = lastAt + MIN_GAP_MS - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  lastAt = performance.now();
  const t0 = performance.now();
  const r = await c.get(path);
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return { ms, next: r.json.next as string | null, n: (r.json.calls as unknown[]).length };
}

export async function callSearchFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-calls-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `site: bench\nnode: n1\ndataDir: ${dataDir}\nhttp: { host: 127.0.0.1, port: ${port} }\nlog: { level: warn }\n`);
  let proc: ReturnType<typeof spawn> | undefined;
  try {
    const fillMs = await fill(dataDir);
    console.log(`      ${RECORDS.toLocaleString('en')} call records written in ${(fillMs / 1000).toFixed(1)} s`);
    const added = await cli(['user', 'add', 'bench', '--role', 'viewer', '--password-stdin', '--config', config], { input: `${PW}\n`, env: { CALLPOINT_FROM_SOURCE: '' } });
    if (added.code) throw new Error(added.stderr);
    const p = spawn(process.execPath, [...UNIT_NODE_FLAGS, BIN, 'run', '--config', config], { env: { ...process.env, NOTIFY_SOCKET: '', CALLPOINT_FROM_SOURCE: '' }, stdio: ['ignore', 'ignore', 'inherit'] });
    proc = p;
    const c = new Client(`http://127.0.0.1:${port}`);
    for (let i = 0; ; i++) {
      if (p.exitCode !== null) throw new Error('the daemon exited');
      if ((await c.login('bench', PW).catch(() => ({ status: 0 }))).status === 200) break;
      if (i > 300) throw new Error('the daemon did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let k = 0; k < 10; k++) await timeGet(c, `/api/calls?${pick(CASES, k).queries(k)}`); // warm-up
    const results: Array<{ name: string; p50: number; p95: number; found: string }> = [];
    const load0 = loadavg()[0]!;
    // The machine's noise: a signed-in request that reads nothing from the database, between the searches.
    const control: number[] = [];
    const timeControl = async () => {
      const t0 = performance.now();
      await c.get('/api/session');
      control.push(performance.now() - t0);
    };
    for (const cs of CASES) {
      const times: number[] = [];
      let found = 0;
      for (let k = 0; k < SAMPLES; k++) {
        if (k % 4 === 0) await timeControl();
        const r = await timeGet(c, `/api/calls?${cs.queries(k)}`);
        if (process.env.BENCH_VERBOSE) console.log(`        ${r.ms.toFixed(1).padStart(7)} ms  ${decodeURIComponent(cs.queries(k))}`);
        times.push(r.ms);
        found += r.n;
      }
      results.push({ name: cs.name, p50: p50(times), p95: p95(times), found: `${(found / SAMPLES).toFixed(0)}/page` });
    }
    for (const cs of PAGED) {
      const times: number[] = [];
      for (let k = 0; k < SAMPLES; k++) {
        const q = cs.queries(k);
        const first = await timeGet(c, `/api/calls?${q}`);
        if (!first.next) continue;
        times.push((await timeGet(c, `/api/calls?${q}${q ? '&' : ''}before=${encodeURIComponent(first.next)}`)).ms);
      }
      if (times.length) results.push({ name: cs.name, p50: p50(times), p95: p95(times), found: `${times.length} samples` });
    }
    for (const r of results) console.log(`      ${r.name.padEnd(34)} p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95.toFixed(1).padStart(6)} ms   (${r.found})`);
    const worst = results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    console.log(`      noise: GET /api/session (no database) p50 ${p50(control).toFixed(1)} ms, p95 ${p95(control).toFixed(1)} ms; load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
    return [{ name: `call search over ${RECORDS.toLocaleString('en')} records, worst filter p95 (${worst.name})`, value: worst.p95, unit: 'ms', target: 50, better: 'lower' }];
  } finally {
    if (proc && proc.exitCode === null) {
      const gone = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    }
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log(`      kept ${dir}`);
  }
}

// `node --import tsx scripts/bench/call-search.ts` runs this part alone.
if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const figures = await callSearchFigures();
  for (const f of figures) console.log(`${f.value <= f.target ? 'PASS' : 'FAIL'}  ${f.name}: ${f.value.toFixed(1)} ${f.unit}  (target ≤ ${f.target} ${f.unit})`);
}
