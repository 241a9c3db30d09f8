// The routing part of the configuration's cross-check (resolve.ts calls it):
// every id a rule, a zone, a trunk or a list names exists; each trunk has what
// its kind needs; and the route rules are read as the router will read them,
// in order, so that a rule no call can ever reach is an error and two rules
// that share some numbers are a warning (config check prints both).
//
// Rules apply whatever the time (a schedule only picks the day or the night
// destination), so which rule a call takes depends on the number and the
// caller only. A rule's numbers are a prefix with a length range, a literal,
// and maybe a class; classes are opaque here (the numbering plan that tells
// them apart is the router's), so a rule with a class hides a later one only
// when it names the same class (or none), and is never said to overlap: the
// check reports nothing it cannot prove.
import type { ConfigProblem } from './errors.js';
import { queueDestinationProblem } from './desk-check.js';
import { duplicates, listOf as list } from './ids.js';
import type { ConfigFile } from './schema.js';

type Rule = ConfigFile['routes'][number];
type Destination = Rule['to'];

/** The numbers a rule matches, as a prefix and a length range, or one literal; class opaque. */
interface NumberSet {
  literal?: string;
  prefix: string;
  min: number;
  max: number;
  cls?: string;
}

function numberSet(m: Rule['match']): NumberSet {
  if (m.number !== undefined) {
    const n = m.number;
    const fits = n.startsWith(m.prefix ?? '') && (m.length === undefined || n.length === m.length) && n.length >= (m.minLength ?? 1) && n.length <= (m.maxLength ?? 32);
    return fits ? { literal: n, prefix: n, min: n.length, max: n.length, cls: m.class } : { prefix: '', min: 1, max: 0 };
  }
  const prefix = m.prefix ?? '';
  const min = Math.max(m.length ?? 1, m.minLength ?? 1, prefix.length, 1);
  const max = Math.min(m.length ?? 32, m.maxLength ?? 32);
  return { prefix, min, max, cls: m.class };
}

const empty = (s: NumberSet) => s.min > s.max;

/** Every number of a is also a number of b. */
function numbersWithin(a: NumberSet, b: NumberSet): boolean {
  if (empty(a)) return true;
  if (b.cls !== undefined && b.cls !== a.cls) return false;
  if (b.literal !== undefined) return a.literal === b.literal;
  return a.prefix.startsWith(b.prefix) && a.min >= b.min && a.max <= b.max;
}

/** Some number is provably in both (classes are opaque: a rule with a class is never said to overlap). */
function numbersMeet(a: NumberSet, b: NumberSet): boolean {
  if (empty(a) || empty(b) || a.cls !== undefined || b.cls !== undefined) return false;
  const has = (s: NumberSet, n: string) => n.startsWith(s.prefix) && n.length >= s.min && n.length <= s.max && (s.literal === undefined || s.literal === n);
  if (a.literal !== undefined) return has(b, a.literal);
  if (b.literal !== undefined) return has(a, b.literal);
  if (!a.prefix.startsWith(b.prefix) && !b.prefix.startsWith(a.prefix)) return false;
  const longest = Math.max(a.prefix.length, b.prefix.length);
  return Math.max(a.min, b.min, longest) <= Math.min(a.max, b.max);
}

/** The callers a rule is for: everyone, or these zones and these extensions. */
function callersWithin(a: Rule['from'], b: Rule['from'], zoneOf: Map<string, string>): boolean {
  if (!b || (b.zones === undefined && b.extensions === undefined)) return true;
  if (!a || (a.zones === undefined && a.extensions === undefined)) return false;
  const bz = new Set(b.zones ?? []);
  const be = new Set(b.extensions ?? []);
  return (a.zones ?? []).every((z) => bz.has(z)) && (a.extensions ?? []).every((e) => be.has(e) || bz.has(zoneOf.get(e) ?? ''));
}

function callersMeet(a: Rule['from'], b: Rule['from'], zoneOf: Map<string, string>): boolean {
  const everyone = (f: Rule['from']) => !f || (f.zones === undefined && f.extensions === undefined);
  if (everyone(a) || everyone(b)) return true;
  const az = new Set(a!.zones ?? []);
  const bz = new Set(b!.zones ?? []);
  if ([...az].some((z) => bz.has(z))) return true;
  const inB = (e: string) => (b!.extensions ?? []).includes(e) || bz.has(zoneOf.get(e) ?? '');
  const inA = (e: string) => (a!.extensions ?? []).includes(e) || az.has(zoneOf.get(e) ?? '');
  return (a!.extensions ?? []).some(inB) || (b!.extensions ?? []).some(inA);
}

function describeMatch(m: Rule['match']): string {
  const parts: string[] = [];
  if (m.number !== undefined) parts.push(`exactly ${m.number}`);
  if (m.prefix !== undefined) parts.push(m.prefix === '' ? 'any number' : `starting with ${m.prefix}`);
  if (m.length !== undefined) parts.push(`${m.length} long`);
  if (m.minLength !== undefined) parts.push(`at least ${m.minLength} long`);
  if (m.maxLength !== undefined) parts.push(`at most ${m.maxLength} long`);
  if (m.class !== undefined) parts.push(`of class ${m.class}`);
  return parts.join(', ');
}

/** Unreachable rules (errors) and overlapping ones (warnings), in the router's order. */
export function ruleOrderProblems(c: Pick<ConfigFile, 'routes' | 'phones' | 'numbering'>): { problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const zoneOf = new Map(c.phones.map((p) => [p.number, p.zone]));
  const sets = c.routes.map((r) => numberSet(r.match));
  const emergency = new Set(c.numbering.emergency);
  c.routes.forEach((r, i) => {
    const here = `routes[${i}]`;
    if (empty(sets[i]!)) {
      problems.push({ path: `${here}.match`, message: `matches no number at all (${describeMatch(r.match)})` });
      return;
    }
    if (r.match.number !== undefined && emergency.has(r.match.number))
      problems.push({ path: `${here}.match.number`, message: `${r.match.number} is an emergency number: emergency numbers are routed before any rule (numbering.emergency, numbering.emergencyTrunks), so this rule never applies` });
    for (let j = 0; j < i; j++) {
      if (empty(sets[j]!)) continue;
      const earlier = c.routes[j]!;
      if (numbersWithin(sets[i]!, sets[j]!) && callersWithin(r.from, earlier.from, zoneOf)) {
        const catchAll = earlier.match.prefix === '' && earlier.match.number === undefined && !earlier.from ? ' (a catch-all: rules after it are never used)' : '';
        problems.push({ path: here, message: `unreachable: routes[${j}] (${earlier.id}) comes first and takes every call this rule would (${describeMatch(r.match)})${catchAll}; move this rule above it or remove it` });
        return;
      }
    }
    for (let j = 0; j < i; j++) {
      const earlier = c.routes[j]!;
      // The usual order (a specific rule before a general one) is not worth a word.
      if (numbersWithin(sets[j]!, sets[i]!) && callersWithin(earlier.from, r.from, zoneOf)) continue;
      if (numbersMeet(sets[i]!, sets[j]!) && callersMeet(r.from, earlier.from, zoneOf))
        warnings.push({ path: here, message: `overlaps routes[${j}] (${earlier.id}): a call matching both (${describeMatch(r.match)}; ${describeMatch(earlier.match)}) takes routes[${j}], which comes first` });
    }
  });
  return { problems, warnings };
}

function destinationProblems(d: Destination, path: string, ids: { trunks: Set<string>; trunkIds: string[]; config: ConfigFile }): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if ('trunks' in d) d.trunks.forEach((t, k) => ids.trunks.has(t) || out.push({ path: `${path}.trunks[${k}]`, message: `no trunk "${t}" (trunks: ${list(ids.trunkIds)})` }));
  // A slot for a later feature: the schema knows it, this build has no menus to send a call to.
  if ('ivr' in d) out.push({ path: `${path}.ivr`, message: `no IVR menu "${d.ivr}": IVR menus are not configurable in this version` });
  if ('queue' in d) {
    const p = queueDestinationProblem(d.queue, `${path}.queue`, ids.config);
    if (p) out.push(p);
  }
  return out;
}

/** Every missing reference and duplicate id of the routing keys, each on its key path. */
export function routingReferenceProblems(c: ConfigFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...duplicates(c.routes.map((r) => r.id), (i) => `routes[${i}].id`, 'rule id'),
    ...duplicates(c.trunks.map((t) => t.id), (i) => `trunks[${i}].id`, 'trunk id'),
    ...duplicates(c.lists.map((l) => l.id), (i) => `lists[${i}].id`, 'list id'),
    ...duplicates(c.schedules.map((s) => s.id), (i) => `schedules[${i}].id`, 'schedule id'),
    ...duplicates(c.calendars.map((s) => s.id), (i) => `calendars[${i}].id`, 'calendar id'),
  ];
  const zoneIds = c.zones.map((z) => z.id);
  const zones = new Set(zoneIds);
  const trunkIds = c.trunks.map((t) => t.id);
  const ids = { trunks: new Set(trunkIds), trunkIds, config: c };
  const schedules = new Set(c.schedules.map((s) => s.id));
  const scheduleIds = list(c.schedules.map((s) => s.id));
  const noZone = (path: string, z: string) => zones.has(z) || problems.push({ path, message: `no zone "${z}" (zones: ${list(zoneIds)})` });
  const noSchedule = (path: string, s: string) => schedules.has(s) || problems.push({ path, message: `no schedule "${s}" (schedules: ${scheduleIds})` });

  c.zones.forEach((z, i) => {
    if (z.night) noSchedule(`zones[${i}].night.schedule`, z.night.schedule);
  });
  c.routes.forEach((r, i) => {
    r.from?.zones?.forEach((z, k) => noZone(`routes[${i}].from.zones[${k}]`, z));
    problems.push(...destinationProblems(r.to, `routes[${i}].to`, ids));
    if (r.night) {
      noSchedule(`routes[${i}].night.schedule`, r.night.schedule);
      problems.push(...destinationProblems(r.night.to, `routes[${i}].night.to`, ids));
    }
  });
  const modems = new Set(c.lines.modems.map((m) => m.id));
  const cards = new Set(c.lines.lineCards.map((m) => m.id));
  c.trunks.forEach((t, i) => {
    const here = `trunks[${i}]`;
    noZone(`${here}.zone`, t.zone);
    if (t.kind === 'fxo' && !t.fxo) problems.push({ path: `${here}.fxo`, message: 'a trunk of kind fxo needs fxo: { card, ports }' });
    if (t.kind === 'gsm' && !t.gsm) problems.push({ path: `${here}.gsm`, message: 'a trunk of kind gsm needs gsm: { modems }' });
    if (t.kind !== 'fxo' && t.fxo) problems.push({ path: `${here}.fxo`, message: `only a trunk of kind fxo has fxo ports (this one is ${t.kind})` });
    if (t.kind !== 'gsm' && t.gsm) problems.push({ path: `${here}.gsm`, message: `only a trunk of kind gsm has modems (this one is ${t.kind})` });
    if (t.fxo && !cards.has(t.fxo.card)) problems.push({ path: `${here}.fxo.card`, message: `no line card "${t.fxo.card}" (lines.lineCards: ${list([...cards])})` });
    t.gsm?.modems.forEach((m, k) => modems.has(m) || problems.push({ path: `${here}.gsm.modems[${k}]`, message: `no modem "${m}" (lines.modems: ${list([...modems])})` }));
    if (t.gateway.register && !t.gateway.username) problems.push({ path: `${here}.gateway.username`, message: 'a gateway that registers needs a user name (or set register: false)' });
    if (t.gateway.register && !t.gateway.password) problems.push({ path: `${here}.gateway.password`, message: 'a gateway that registers needs a password (or set register: false)' });
    if (t.inbound) {
      const outAgain = (d: Destination | undefined, path: string) => d && 'trunks' in d && problems.push({ path: `${path}.trunks`, message: 'a call from a trunk cannot be sent out through trunks' });
      outAgain(t.inbound.to, `${here}.inbound.to`);
      outAgain(t.inbound.night?.to, `${here}.inbound.night.to`);
      t.inbound.dids.forEach((d, k) => (outAgain(d.to, `${here}.inbound.dids[${k}].to`), outAgain(d.night?.to, `${here}.inbound.dids[${k}].night.to`)));
      if (t.inbound.to) problems.push(...destinationProblems(t.inbound.to, `${here}.inbound.to`, ids));
      if (t.inbound.night) {
        noSchedule(`${here}.inbound.night.schedule`, t.inbound.night.schedule);
        problems.push(...destinationProblems(t.inbound.night.to, `${here}.inbound.night.to`, ids));
      }
      t.inbound.dids.forEach((d, k) => {
        problems.push(...destinationProblems(d.to, `${here}.inbound.dids[${k}].to`, ids));
        if (d.night) {
          noSchedule(`${here}.inbound.dids[${k}].night.schedule`, d.night.schedule);
          problems.push(...destinationProblems(d.night.to, `${here}.inbound.dids[${k}].night.to`, ids));
        }
      });
      problems.push(...duplicates(t.inbound.dids.map((d) => d.did), (k) => `${here}.inbound.dids[${k}].did`, 'DID'));
    }
  });
  c.lists.forEach((l, i) => {
    const here = `lists[${i}]`;
    l.trunks.forEach((t, k) => ids.trunks.has(t) || problems.push({ path: `${here}.trunks[${k}]`, message: `no trunk "${t}" (trunks: ${list(trunkIds)})` }));
    l.zones.forEach((z, k) => noZone(`${here}.zones[${k}]`, z));
    if (l.direction === 'inbound' && l.zones.length) problems.push({ path: `${here}.zones`, message: 'an inbound list applies to trunks (trunks:), not zones' });
    if (l.direction === 'outbound' && l.trunks.length) problems.push({ path: `${here}.trunks`, message: 'an outbound list applies to zones (zones:), not trunks' });
    if (l.treatment === 'announcement' && !l.announcement) problems.push({ path: `${here}.announcement`, message: 'treatment announcement needs the announcement to play' });
  });
  const calendars = new Set(c.calendars.map((k) => k.id));
  c.schedules.forEach((s, i) => {
    if (s.calendar && !calendars.has(s.calendar)) problems.push({ path: `schedules[${i}].calendar`, message: `no calendar "${s.calendar}" (calendars: ${list([...calendars])})` });
    for (const [day, ranges] of Object.entries(s.week))
      ranges.forEach((r, k) => {
        const [from, to] = r.split('-');
        if (from! >= to!) problems.push({ path: `schedules[${i}].week.${day}[${k}]`, message: `${r}: the end must be after the start (use 24:00 for midnight)` });
      });
    if (s.timezone !== undefined && !knownZone(s.timezone)) problems.push({ path: `schedules[${i}].timezone`, message: `unknown time zone "${s.timezone}" (an IANA name such as Asia/Shanghai)` });
  });
  if (!knownZone(c.numbering.timezone)) problems.push({ path: 'numbering.timezone', message: `unknown time zone "${c.numbering.timezone}" (an IANA name such as Asia/Shanghai)` });
  c.calendars.forEach((k, i) => k.holidays.forEach((h, j) => h.to !== undefined && h.to < h.date && problems.push({ path: `calendars[${i}].holidays[${j}].to`, message: `${h.to} is before ${h.date}` })));
  c.numbering.emergencyTrunks.forEach((t, k) => ids.trunks.has(t) || problems.push({ path: `numbering.emergencyTrunks[${k}]`, message: `no trunk "${t}" (trunks: ${list(trunkIds)})` }));
  const emergency = new Set(c.numbering.emergency);
  c.phones.forEach((p, i) => emergency.has(p.number) && problems.push({ path: `phones[${i}].number`, message: `${p.number} is an emergency number (numbering.emergency): it cannot be an extension` }));
  const dispatch = c.numbering.dispatch;
  if (dispatch !== undefined) {
    if (emergency.has(dispatch)) problems.push({ path: 'numbering.dispatch', message: `${dispatch} is an emergency number` });
    if (c.phones.some((p) => p.number === dispatch)) problems.push({ path: 'numbering.dispatch', message: `${dispatch} is already an extension (phones)` });
    const desks = new Set(c.zones.filter((z) => z.dispatch).map((z) => z.id));
    if (!c.phones.some((p) => desks.has(p.zone))) problems.push({ path: 'numbering.dispatch', message: 'the dispatch number rings the phones of dispatch zones, and there are none (set dispatch: true on a zone with phones)' });
  }
  return problems;
}

function knownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type RoutingReferable = 'trunk' | 'schedule' | 'calendar' | 'list';

/** What refers to a trunk, a schedule or a calendar, as key paths: deleting it is refused while this is not empty. */
export function routingReferrersOf(c: ConfigFile, kind: RoutingReferable | 'zone' | 'phone', id: string): string[] {
  const out: string[] = [];
  const destRefs = (d: Destination, path: string) => {
    if (kind === 'trunk' && 'trunks' in d && d.trunks.includes(id)) out.push(path);
    if (kind === 'phone' && (('extension' in d && d.extension === id) || ('ringGroup' in d && d.ringGroup.extensions.includes(id)))) out.push(path);
  };
  c.routes.forEach((r, i) => {
    destRefs(r.to, `routes[${i}].to (${r.id})`);
    if (r.night) destRefs(r.night.to, `routes[${i}].night.to (${r.id})`);
    if (kind === 'schedule' && r.night?.schedule === id) out.push(`routes[${i}].night (${r.id})`);
    if (kind === 'zone' && r.from?.zones?.includes(id)) out.push(`routes[${i}].from (${r.id})`);
    if (kind === 'phone' && r.from?.extensions?.includes(id)) out.push(`routes[${i}].from (${r.id})`);
  });
  c.trunks.forEach((t, i) => {
    if (kind === 'zone' && t.zone === id) out.push(`trunks[${i}] (${t.id})`);
    if (t.inbound?.to) destRefs(t.inbound.to, `trunks[${i}].inbound.to (${t.id})`);
    if (t.inbound?.night) destRefs(t.inbound.night.to, `trunks[${i}].inbound.night.to (${t.id})`);
    if (kind === 'schedule' && t.inbound?.night?.schedule === id) out.push(`trunks[${i}].inbound.night (${t.id})`);
    t.inbound?.dids.forEach((d, k) => {
      destRefs(d.to, `trunks[${i}].inbound.dids[${k}] (${t.id})`);
      if (d.night) destRefs(d.night.to, `trunks[${i}].inbound.dids[${k}].night (${t.id})`);
      if (kind === 'schedule' && d.night?.schedule === id) out.push(`trunks[${i}].inbound.dids[${k}].night (${t.id})`);
    });
  });
  c.lists.forEach((l, i) => {
    if ((kind === 'trunk' && l.trunks.includes(id)) || (kind === 'zone' && l.zones.includes(id))) out.push(`lists[${i}] (${l.id})`);
  });
  c.zones.forEach((z, i) => kind === 'schedule' && z.night?.schedule === id && out.push(`zones[${i}].night (${z.id})`));
  c.schedules.forEach((s, i) => kind === 'calendar' && s.calendar === id && out.push(`schedules[${i}] (${s.id})`));
  if (kind === 'trunk') c.numbering.emergencyTrunks.forEach((t, k) => t === id && out.push(`numbering.emergencyTrunks[${k}]`));
  return out;
}
