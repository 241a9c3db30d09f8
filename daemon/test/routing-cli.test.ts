// `callpoint route test` and `callpoint route holidays`, as a technician runs
// them: the decision with every rule passed, refused or matched; --json in the
// documented shape; --at in the site's time zone; --down to see failover;
// list entries and night mode from the database beside a running daemon; a
// holiday file (CSV or iCalendar) imported into a working calendar.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { instantOf } from '../src/cli/route-cmd.js';
import { parseHolidayFile } from '../src/routing/holiday-file.js';
import { Store } from '../src/store/store.js';
import { cli, ROOT } from './helpers/daemon.js';
import { ROUTING_SITE } from './helpers/routing-site.js';

const dir = t.testdir();
const config = join(dir, 'c.yaml');
writeFileSync(config, stringify({ site: 's', node: 'n', dataDir: join(dir, 'data'), ...ROUTING_SITE }));
const route = (...args: string[]) => cli(['route', 'test', '--config', config, ...args]);

t.test('the issue\'s example: an office phone calling a mobile on Christmas Eve at 22:00 is refused by its night permissions', async (t) => {
  const r = await route('--from', '1001', '--to', '013800138000', '--at', '2026-12-24T22:00');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^1001 \(zone office\) → 013800138000, at 2026-12-24 22:00 \(Asia\/Shanghai\)\n/);
  t.match(r.stdout, /decision: refuse \(rule mobile\): zone office may not call mobile numbers \(night permissions/);
  t.match(r.stdout, /rule intl +passed +number does not start with 00/, 'every rule it passed');
  t.match(r.stdout, /rule mobile +matched/);
  t.match(r.stdout, /schedule office-hours +closed +office-hours: closed at 22:00, outside 08:00-18:00 \(thu\)/);
  const day = await route('--from', '1001', '--to', '013800138000', '--at', '2026-12-24T10:00');
  t.match(day.stdout, /decision: route by mobile, class mobile, priority low\ndestinations, in order:\n {2}1\. trunk telecom \(sip\) as \+8613800138000, caller ID \+861088880100\n {2}2\. trunk fxo/);
});

t.test('--json prints { decision, rule, destinations, reason, trace }', async (t) => {
  const r = await route('--from', '1001', '--to', '013800138000', '--at', '2026-12-24T10:00+08:00', '--down', 'telecom', '--json');
  t.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as Record<string, unknown>;
  t.match(d, { decision: 'route', rule: 'mobile', reason: null, destinations: [{ kind: 'trunk', trunk: 'fxo', number: '13800138000' }, { kind: 'trunk', trunk: 'gsm' }], skipped: [{ trunk: 'telecom', reason: 'down: down (--down)' }] });
  t.ok(Array.isArray(d.trace) && (d.trace as Array<{ step: string }>).some((s) => s.step === 'trunk'));
  const refused = JSON.parse((await route('--from', '2001', '--to', '0044201234567', '--json')).stdout) as Record<string, unknown>;
  t.match(refused, { decision: 'refuse', rule: 'intl', destinations: [], reason: /zone east-bore may not call international numbers/ });
});

t.test('a call from a trunk (--trunk), an emergency number, the holiday calendar', async (t) => {
  const blocked = await route('--trunk', 'telecom', '--from', '+8613700000001', '--to', '88880001');
  t.match(blocked.stdout, /\+8613700000001 → 88880001 from trunk telecom/);
  t.match(blocked.stdout, /decision: refuse \(rule inbound:telecom\): the caller \+8613700000001 is on the block list nuisance: repeated hoax calls\nthe caller gets: busy/);
  const fire = await route('--from', '2001', '--to', '119', '--at', '2026-12-24T22:00');
  t.match(fire.stdout, /emergency +allowed +119 is an emergency number/);
  t.match(fire.stdout, /1\. trunk telecom \(sip\) as 119/);
  const holiday = await route('--from', '1001', '--to', '075512345678', '--at', '2026-10-05T10:00');
  t.match(holiday.stdout, /2026-10-05 is a holiday \(国庆节\)/);
});

t.test('list entries added at run time and night mode come from the database', async (t) => {
  const store = await Store.open(join(dir, 'data'), { site: 's', node: 'n' });
  await store.routingLists.add({ list: 'fraud', number: '075512345678', prefix: null, reason: 'added in the UI', expires: null, addedBy: 'tech', addedAt: new Date().toISOString() });
  await store.settings.set('routing.nightMode', { mode: 'night', by: 'tech', at: new Date().toISOString() }, 'tech');
  await store.close();
  const r = await route('--from', '4001', '--to', '075512345678', '--at', '2026-11-23T10:00');
  t.match(r.stdout, /night mode night/);
  t.match(r.stdout, /is on the block list fraud: added in the UI/);
  const day = await route('--from', '1001', '--to', '8001', '--night', 'day', '--at', '2026-11-23T23:00');
  t.match(day.stdout, /1\. extension 8001/, '--night overrides');
});

t.test('bad input: a clear error, exit 1 or 2', async (t) => {
  const noTo = await route('--from', '1001');
  t.equal(noTo.code, 2);
  t.match(noTo.stderr, /route test needs --from and --to/);
  const bad = await route('--from', '1001', '--to', '12;rm');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--to: "12;rm" is not a number/);
  t.match((await route('--from', '1001', '--to', '1', '--at', 'tomorrow')).stderr, /--at: tomorrow is not a date and time/);
  t.match((await route('--from', '1', '--to', '1', '--trunk', 'voip')).stderr, /--trunk: no trunk "voip" \(trunks: telecom, fxo, gsm\)/);
  t.match((await route('--from', '1', '--to', '1', '--night', 'dusk')).stderr, /--night must be one of auto, night, day/);
});

t.test('--at is the site\'s wall clock', async (t) => {
  t.equal(instantOf('2026-12-24T22:00', 'Asia/Shanghai').toISOString(), '2026-12-24T14:00:00.000Z');
  t.equal(instantOf('2026-07-01T02:30', 'Europe/Berlin').toISOString(), '2026-07-01T00:30:00.000Z', 'summer time');
  t.equal(instantOf('2026-12-24T22:00Z', 'Asia/Shanghai').toISOString(), '2026-12-24T22:00:00.000Z', 'an explicit offset wins');
});

t.test('route holidays: the Chinese 2026 calendar as a calendars entry a schedule can use', async (t) => {
  const r = await cli(['route', 'holidays', join(ROOT, 'provisioning', 'holidays', 'cn-2026.csv'), '--id', 'cn-2026']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^# 7 holidays and 6 make-up working days/);
  const imported = parse(r.stdout) as { calendars: Array<Record<string, unknown>> };
  const site = { site: 's', node: 'n', ...ROUTING_SITE, calendars: imported.calendars };
  const parsed = parseConfig(stringify(site));
  t.same(parsed.problems, [], 'the output is a valid calendars entry');
  t.same(parsed.config!.calendars[0]!.workdays.map((w) => w.date), ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  t.same(parsed.config!.calendars[0]!.holidays.find((h) => h.name === '春节'), { date: '2026-02-15', to: '2026-02-23', name: '春节' });
});

t.test('holiday files: iCalendar all-day events, make-up days by their summary; bad rows named', async (t) => {
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261001', 'DTEND;VALUE=DATE:20261008', 'SUMMARY:国庆节', 'END:VEVENT', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20260920', 'SUMMARY:国庆节 补班', 'END:VEVENT', 'BEGIN:VEVENT', 'DTSTART:20261224T220000Z', 'SUMMARY:party', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
  const f = parseHolidayFile(ics);
  t.same(f.holidays, [{ date: '2026-10-01', to: '2026-10-07', name: '国庆节' }], 'DTEND is exclusive');
  t.same(f.workdays, [{ date: '2026-09-20', name: '国庆节 补班' }]);
  t.match(f.problems, [/event 3 \(party\): not an all-day event/]);
  const csv = parseHolidayFile('date,to,kind,name\n2026-13-01,,holiday,x\n2026-05-01,2026-04-01,holiday,y\n2026-05-09,,maybe,z\n2026-05-09,,班,劳动节调休\n');
  t.same(f.problems.length, 1);
  t.match(csv.problems, [/row 2: a date is YYYY-MM-DD/, /row 3: 2026-04-01 is before 2026-05-01/, /row 4: kind must be holiday or workday/]);
  t.same(csv.workdays, [{ date: '2026-05-09', name: '劳动节调休' }]);
  const none = await cli(['route', 'holidays', join(dir, 'nope.ics')]);
  t.equal(none.code, 1);
  t.match(none.stderr, /cannot read it: no such file/);
});
