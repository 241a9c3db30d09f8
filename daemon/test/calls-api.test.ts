// Call records through the API: search with filters and pagination, the CSV
// export (streamed, spreadsheet-safe), who may see what.
import t from 'tap';
import { Store } from '../src/store/store.js';
import type { CallRecord } from '../src/contracts/calls.js';
import { csvCell } from '../src/api/csv.js';
import { cli, startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const PW = 'brass-compass-river-18';
/** More than one 500-row page of the CSV export. */
const N = 620;
let d: DaemonHandle;
const rec = (i: number, over: Partial<CallRecord> = {}): CallRecord => ({
  uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  direction: i % 2 ? 'outbound' : 'inbound',
  callerNumber: i % 3 ? '8000' : '1001',
  callerName: 'Dispatch',
  calleeNumber: `10${String(i % 10).padStart(2, '0')}`,
  calleeName: null,
  zone: i % 2 ? 'tunnel-a' : 'portal',
  trunk: 'sip',
  createdAt: new Date(Date.UTC(2026, 10, 20, 8, 0, i)).toISOString(),
  answeredAt: null,
  endedAt: new Date(Date.UTC(2026, 10, 20, 8, 1, i)).toISOString(),
  durationS: 60,
  billsecS: 0,
  hangupCause: i % 4 ? 'NORMAL_CLEARING' : 'USER_BUSY',
  recordingPath: null,
  alarmId: null,
  recovered: false,
  route: null,
  trunkId: null,
  failover: null,
  ...over,
});

t.before(async () => {
  d = await startDaemon(t.testdir());
  for (const [n, role] of [['tech', 'technician'], ['view', 'viewer']] as const) {
    const r = await cli(['user', 'add', n, '--role', role, '--password-stdin', '--config', d.configFile], { input: `${PW}\n` });
    if (r.code) throw new Error(r.stderr);
  }
  const s = await Store.open(d.dataDir, { site: 'test-site', node: 'test-node' });
  await s.tx(async (r) => {
    for (let i = 1; i <= N; i++) await r.calls.insert(rec(i));
    await r.calls.insert(rec(5000, { callerName: '=HYPERLINK("http://evil")', calleeName: '隧道 "东" 口', callerNumber: '1009', createdAt: '2026-11-21T00:00:00.000Z' }));
    await r.calls.insert(rec(5001, { route: 'mobile', trunkId: 'gsm', failover: [{ trunk: 'telecom', outcome: 'skipped', reason: 'down: registration failed' }, { trunk: 'gsm', outcome: 'used', reason: 'the call went out here' }], createdAt: '2026-11-19T00:00:00.000Z' }));
  });
  await s.close();
});
t.teardown(() => d?.stop());

t.test('search, filters and keyset pagination', async (t) => {
  const c = new Client(d.url);
  await c.login('view', PW);
  const first = await c.get('/api/calls?limit=50');
  t.equal(first.status, 200);
  const calls = first.json.calls as CallRecord[];
  t.equal(calls.length, 50);
  t.equal(calls[0]!.uuid.endsWith('000000005000'), true, 'newest first');
  const seen = new Set(calls.map((x) => x.uuid));
  let next = first.json.next as string | null;
  while (next) {
    const page = await c.get(`/api/calls?limit=50&before=${encodeURIComponent(next)}`);
    for (const x of page.json.calls as CallRecord[]) {
      t.notOk(seen.has(x.uuid), 'no record twice across pages');
      seen.add(x.uuid);
    }
    next = page.json.next as string | null;
  }
  t.equal(seen.size, N + 2, 'every record reached through the pages');
  const busy = (await c.get('/api/calls?cause=USER_BUSY&limit=500')).json.calls as CallRecord[];
  t.equal(busy.length, N / 4 + 1, 'by cause (every fourth, and record 5000)');
  t.ok(busy.every((x) => x.hangupCause === 'USER_BUSY'));
  const byNumber = (await c.get('/api/calls?number=1001&direction=inbound&limit=500')).json.calls as CallRecord[];
  t.ok(byNumber.length > 0 && byNumber.every((x) => (x.callerNumber === '1001' || x.calleeNumber?.startsWith('1001')) && x.direction === 'inbound'));
  const window = (await c.get('/api/calls?from=2026-11-20T08:00:10Z&to=2026-11-20T08:00:20Z&limit=500')).json.calls as CallRecord[];
  t.equal(window.length, 10, 'a time range');
  const zone = (await c.get('/api/calls?zone=portal&limit=500')).json.calls as CallRecord[];
  t.ok(zone.length === N / 2 + 1 && zone.every((x) => x.zone === 'portal'), 'by zone');
  const routed = (await c.get('/api/calls?route=mobile')).json.calls as CallRecord[];
  t.same(routed.map((x) => [x.route, x.trunkId, x.failover?.map((f) => `${f.trunk}:${f.outcome}`)]), [['mobile', 'gsm', ['telecom:skipped', 'gsm:used']]], 'by the rule that routed them, with the failover');
  for (const bad of ['number=12a', 'from=yesterday', 'direction=sideways', 'limit=0', 'cause=busy;drop', 'before=x', 'route=Mobile%3B']) {
    const r = await c.get(`/api/calls?${bad}`);
    t.equal(r.status, 400, bad);
    t.match(r.json.error, /^\w+: /, `${bad}: the error names the filter`);
  }
});

t.test('CSV export streams every match, spreadsheet-safe; viewers may not export', async (t) => {
  const viewer = new Client(d.url);
  await viewer.login('view', PW);
  t.equal((await viewer.get('/api/calls.csv')).status, 403);
  const tech = new Client(d.url);
  await tech.login('tech', PW);
  const r = await fetch(`${d.url}/api/calls.csv?zone=tunnel-a`, { headers: { cookie: `callpoint=${tech.cookie}` } });
  t.equal(r.status, 200);
  t.match(r.headers.get('content-type'), /^text\/csv/);
  t.match(r.headers.get('content-disposition'), /attachment; filename="calls-.*\.csv"/);
  const text = await r.text();
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  t.equal(lines[0], 'uuid,direction,caller_number,caller_name,callee_number,callee_name,zone,trunk,created_at,answered_at,ended_at,duration_s,billsec_s,hangup_cause,recording,alarm_id,recovered,route,trunk_id,failover');
  t.equal(lines.length - 1, N / 2 + 1, 'every tunnel-a call');
  const all = await (await fetch(`${d.url}/api/calls.csv`, { headers: { cookie: `callpoint=${tech.cookie}` } })).text();
  t.equal(all.trim().split('\r\n').length - 1, N + 2, 'every row without a filter, across export pages');
  t.match(all, `"'=HYPERLINK(""http://evil"")"`, 'a formula is defused and quoted');
  t.match(all, '"隧道 ""东"" 口"', 'Chinese and quotes survive');
  t.equal(csvCell('-5'), "'-5");
  t.equal(csvCell(-5), '-5', 'numbers are numbers');
});

t.test('live channels: empty and not connected when FreeSWITCH is absent', async (t) => {
  const c = new Client(d.url);
  await c.login('view', PW);
  const r = await c.get('/api/channels');
  t.equal(r.status, 200);
  t.same(r.json, { channels: [], connected: false });
});
