// The routing keys of the configuration: references that must exist, what
// each kind of trunk needs, and the rule order read as the router reads it —
// an unreachable rule is an error, rules sharing numbers a warning — each on
// its key path and line, as `callpoint config check` prints them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { formatProblem } from '../src/config/errors.js';
import { parseConfig } from '../src/config/load.js';
import { referrersOf } from '../src/config/resolve.js';
import { cli } from './helpers/daemon.js';
import { ROUTING_SITE } from './helpers/routing-site.js';

const site = { site: 's', node: 'n', ...ROUTING_SITE };
const check = (o: Record<string, unknown>) => {
  const r = parseConfig(stringify(o));
  return { problems: r.problems.map((p) => formatProblem('c.yaml', p)), warnings: (r.warnings ?? []).map((p) => formatProblem('c.yaml', p)), ok: !!r.config };
};

t.test('the example site is valid and says nothing', async (t) => {
  const r = check(site);
  t.same(r.problems, []);
  t.same(r.warnings, []);
});

t.test('a rule after a catch-all is unreachable: an error with the line', async (t) => {
  const r = check({ ...site, routes: [{ id: 'all', match: { prefix: '' }, to: { trunks: ['telecom'] } }, ...ROUTING_SITE.routes] });
  t.equal(r.ok, false);
  t.match(r.problems[0], /^c\.yaml:\d+: routes\[1\]: unreachable: routes\[0\] \(all\) comes first and takes every call this rule would \(starting with 00\) \(a catch-all: rules after it are never used\)/);
  t.equal(r.problems.length, ROUTING_SITE.routes.length, 'every rule after it');
});

t.test('a specific rule after a general one is unreachable; before it, it is the usual order', async (t) => {
  const general = { id: 'beijing', match: { prefix: '010' }, to: { trunks: ['telecom'] } };
  const specific = { id: 'desk-line', match: { number: '01088880001' }, to: { trunks: ['fxo'] } };
  const wrong = check({ ...site, routes: [general, specific] });
  t.match(wrong.problems, [/routes\[1\]: unreachable: routes\[0\] \(beijing\)/]);
  const right = check({ ...site, routes: [specific, general] });
  t.same(right.problems, []);
  t.same(right.warnings, [], 'specific before general is not worth a word');
  // Callers count too: the general rule only for the office leaves the specific one reachable for others.
  const forOffice = check({ ...site, routes: [{ ...general, from: { zones: ['office'] } }, specific] });
  t.same(forOffice.problems, []);
  t.match(forOffice.warnings, [/routes\[1\]: overlaps routes\[0\] \(beijing\)/]);
});

t.test('rules that share some numbers: a warning, and config check still passes', async (t) => {
  const r = check({ ...site, routes: [{ id: 'long', match: { minLength: 12 }, to: { trunks: ['telecom'] } }, { id: 'zero', match: { prefix: '0' }, to: { trunks: ['fxo'] } }] });
  t.same(r.problems, []);
  t.match(r.warnings, [/routes\[1\]: overlaps routes\[0\] \(long\): a call matching both \(starting with 0; at least 12 long\) takes routes\[0\]/]);
  const dir = t.testdir();
  const file = join(dir, 'c.yaml');
  writeFileSync(file, stringify({ ...site, routes: [{ id: 'long', match: { minLength: 12 }, to: { trunks: ['telecom'] } }, { id: 'zero', match: { prefix: '0' }, to: { trunks: ['fxo'] } }] }));
  const out = await cli(['config', 'check', file]);
  t.equal(out.code, 0);
  t.match(out.stdout, /warning: .*c\.yaml:\d+: routes\[1\]: overlaps routes\[0\]/);
  t.match(out.stdout, /c\.yaml: valid/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, stringify({ ...site, routes: [{ id: 'all', match: { prefix: '' }, to: { trunks: ['telecom'] } }, { id: 'x', match: { prefix: '9' }, to: { trunks: ['telecom'] } }] }));
  const failed = await cli(['config', 'check', bad]);
  t.equal(failed.code, 1);
  t.match(failed.stderr, /routes\[1\]: unreachable/);
});

t.test('a rule matching nothing, a rule for an emergency number', async (t) => {
  const r = check({ ...site, routes: [{ id: 'none', match: { prefix: '0', maxLength: 3, minLength: 5 }, to: { trunks: ['fxo'] } }, { id: 'fire', match: { number: '119' }, to: { extension: '8000' } }] });
  t.match(r.problems, [/routes\[0\]\.match: matches no number at all/, /routes\[1\]\.match\.number: 119 is an emergency number: emergency numbers are routed before any rule/]);
});

t.test('every reference is checked, with what exists', async (t) => {
  const r = check({
    ...site,
    zones: [...ROUTING_SITE.zones, { id: 'yard', night: { schedule: 'nights', permissions: [] } }],
    routes: [{ id: 'x', match: { prefix: '0' }, from: { zones: ['nowhere'] }, to: { trunks: ['voip'] }, night: { schedule: 'office-hours', to: { ivr: 'main' } } }],
    trunks: [...ROUTING_SITE.trunks, { id: 'analog', kind: 'fxo', zone: 'control', gateway: { proxy: '10.0.0.9', register: false } }, { id: 'sip2', kind: 'sip', zone: 'control', gateway: { proxy: 'sip.example' }, gsm: { modems: ['gsm9'] } }],
    lists: [{ id: 'l', kind: 'block', direction: 'inbound', trunks: ['voip'], zones: ['office'], treatment: 'announcement' }],
    numbering: { area: '10', emergencyTrunks: ['telecom', 'pstn'], dispatch: '8000' },
  });
  t.equal(r.ok, false);
  const has = (re: RegExp) => t.ok(r.problems.some((p) => re.test(p)), re.source);
  has(/zones\[5\]\.night\.schedule: no schedule "nights" \(schedules: office-hours\)/);
  has(/routes\[0\]\.from\.zones\[0\]: no zone "nowhere"/);
  has(/routes\[0\]\.to\.trunks\[0\]: no trunk "voip" \(trunks: telecom, fxo, gsm, analog, sip2\)/);
  has(/routes\[0\]\.night\.to\.ivr: no IVR menu "main": IVR menus are not configurable in this version/);
  has(/trunks\[3\]\.fxo: a trunk of kind fxo needs fxo: \{ card, ports \}/);
  has(/trunks\[4\]\.gsm: only a trunk of kind gsm has modems \(this one is sip\)/);
  has(/trunks\[4\]\.gsm\.modems\[0\]: no modem "gsm9" \(lines\.modems: gsm0\)/);
  has(/trunks\[4\]\.gateway\.username: a gateway that registers needs a user name/);
  has(/lists\[0\]\.trunks\[0\]: no trunk "voip"/);
  has(/lists\[0\]\.zones: an inbound list applies to trunks \(trunks:\), not zones/);
  has(/lists\[0\]\.announcement: treatment announcement needs the announcement to play/);
  has(/numbering\.emergencyTrunks\[1\]: no trunk "pstn"/);
  has(/numbering\.dispatch: 8000 is already an extension/);
});

t.test('schema: bad patterns, times and ids are refused with the key', async (t) => {
  const r = check({ ...site, schedules: [{ id: 'x', week: { mon: ['18:00-08:00', '25:00-26:00'] }, timezone: 'Mars/Olympus' }], routes: [{ id: 'y', match: {}, to: { trunks: ['telecom'] } }], lists: [{ id: 'z', kind: 'block', direction: 'outbound', entries: [{ number: '1', prefix: '2' }, { number: '12a' }] }] });
  t.ok(r.problems.some((p) => /schedules\[0\]\.week\.mon\[1\]: a time range is HH:MM-HH:MM/.test(p)));
  t.ok(r.problems.some((p) => /routes\[0\]\.match: a match needs at least one of/.test(p)));
  t.ok(r.problems.some((p) => /lists\[0\]\.entries\[0\]: give either number or prefix \(exactly one\)/.test(p)));
  t.ok(r.problems.some((p) => /lists\[0\]\.entries\[1\]\.number: a number or prefix here is an optional \+ and 1–24 digits/.test(p)));
  const times = check({ ...site, schedules: [{ id: 'x', week: { mon: ['18:00-08:00'] }, timezone: 'Mars/Olympus' }] });
  t.ok(times.problems.some((p) => /schedules\[0\]\.week\.mon\[0\]: 18:00-08:00: the end must be after the start/.test(p)));
  t.ok(times.problems.some((p) => /schedules\[0\]\.timezone: unknown time zone "Mars\/Olympus"/.test(p)));
  const emergencyExt = check({ ...site, phones: [...ROUTING_SITE.phones, { number: '119', name: 'x', zone: 'office' }] });
  t.ok(emergencyExt.problems.some((p) => /phones\[8\]\.number: 119 is an emergency number/.test(p)));
});

t.test('what refers to a trunk, a schedule, a zone: deleting them is refused while referred to', async (t) => {
  const r = parseConfig(stringify(site));
  t.same(referrersOf(r.file!, 'trunk', 'gsm'), ['routes[3].to (mobile)', 'routes[4].to (local)', 'lists[1] (gsm-known)']);
  t.same(referrersOf(r.file!, 'schedule', 'office-hours'), ['routes[1].night (desk-2)', 'trunks[0].inbound.dids[0].night (telecom)', 'zones[1].night (office)']);
  t.same(referrersOf(r.file!, 'calendar', 'cn-2026'), ['schedules[0] (office-hours)']);
  t.ok(referrersOf(r.file!, 'zone', 'control').includes('trunks[0] (telecom)'));
  t.ok(referrersOf(r.file!, 'phone', '8001').includes('routes[1].to (desk-2)'));
});
