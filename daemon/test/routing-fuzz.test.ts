// The router and the dialplan it becomes, fed 10,000 random calls — callers,
// dialled numbers, zones, trunks, moments, trunk states — with hostile values
// in the mix (quotes, <, &, ${…}, newlines, very long strings, unicode, '+'
// and '*#' numbers). FreeSWITCH runs whatever XML we answer: every answer
// must be well-formed, carry no `${…}` but our own, and every bridge must be
// exactly the legs the decision named, so no caller can add a leg, a
// variable or an application.
//
// The generator is seeded; the seed is printed and ROUTING_FUZZ_SEED=<seed>
// replays the same calls.
import t from 'tap';
import { configFrom } from '../src/config/load.js';
import type { RouteDecision } from '../src/contracts/routing.js';
import { route, type CallRequest, type RuntimeState, type TrunkCall, type TrunkState } from '../src/routing/router.js';
import { compileTables } from '../src/routing/tables.js';
import { parseXml, type XmlElement } from '../src/sim/freeswitch/xml-parse.js';
import { dialplanAnswerXml, routedExtensions } from '../../provisioning/src/dialplan.js';
import { CONTEXT, INBOUND_CONTEXT } from '../../provisioning/src/values.js';
import { prng } from './helpers/prng.js';
import { ROUTING_SITE } from './helpers/routing-site.js';

const CALLS = 10_000;
const seed = Number(process.env.ROUTING_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

// The site, plus free text a technician may write that ends up on the channel: a refusal reason and a list entry's reason.
const HOSTILE_TEXT = `closed "now" <b>&amp; ${'${system(reboot)}'} $\${x} it's\nover\u0000`.slice(0, 110);
const site = {
  ...ROUTING_SITE,
  routes: [...ROUTING_SITE.routes, { id: 'closed', match: { prefix: '66', length: 6 }, to: { refuse: { reason: HOSTILE_TEXT, tone: 'sit' } } }],
  lists: [...ROUTING_SITE.lists, { id: 'hostile', kind: 'block', direction: 'outbound', treatment: 'reject', entries: [{ prefix: '0200', reason: HOSTILE_TEXT }] }],
};
const config = configFrom({ site: 's', node: 'n', dataDir: '/var/lib/callpoint', ...site });
const tables = compileTables(config);

/** Strings FreeSWITCH could hand us from a caller's SIP headers. */
const HOSTILE = [
  '',
  '"',
  "'",
  '<',
  '&',
  '<script>alert(1)</script>',
  '"/><action application="system" data="reboot"/><x a="',
  '${system(reboot)}',
  '$${hostname}',
  '${sofia_contact(8000)}',
  '1001|sofia/gateway/telecom/00882123',
  '1001,user/8000',
  '[api_on_answer=system reboot]1001',
  '{ignore_early_media=true}8000',
  '8000\n<action application="hangup"/>',
  '110\r\n',
  '\u0000\u0001\u001f',
  '\ud800',
  '\uffff',
  '紧急电话',
  '📞110',
  '١١٠', // Arabic-Indic digits: look like 110, are not
  '+',
  '++8613800138000',
  '*#06#',
  '#',
  '*',
  '+*#',
  '13800138000 ',
  ' 110',
  'x'.repeat(5000),
  '9'.repeat(33),
  '9'.repeat(32),
  '%00110',
  '110%0a',
  '../../etc/passwd',
];

const OUR_EXPANSIONS = new Set(['${domain_name}', '${domain}', '${callpoint_attempts}', '${originate_disposition}', '${uuid}']);
const APPS = new Set(['set', 'bridge', 'hangup', 'pre_answer', 'playback', 'answer', 'conference', 'record_session']);
const ELEMENTS = new Set(['document', 'section', 'context', 'extension', 'condition', 'action']);
// A bridge leg, as the builders' grammar writes it: our variables with plain values, then a phone or a gateway and a number.
const LEG_VARS = new Set(['leg_timeout', 'origination_caller_id_number', 'callpoint_trunk_leg', 'callpoint_priority']);
const LEG = /^(?:\[([^[\]{}|,]+(?:,[^[\]{}|,]+)*)\])?(user\/[0-9]{2,8}|sofia\/gateway\/[a-z0-9-]+\/\+?[0-9*#]{1,32})$/;

function fuzzer(rnd: () => number) {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => int(10)).join('');
  const phones = config.phones.map((p) => p.number);
  const listed = config.lists.flatMap((l) => l.entries.map((e) => ('number' in e && e.number ? e.number : `${e.prefix}${digits(6)}`)));
  const number = (): string => {
    switch (int(14)) {
      case 0: return pick(phones);
      case 1: return pick(config.numbering.emergency);
      case 2: return config.numbering.dispatch ?? '100';
      case 3: return pick(listed);
      case 4: return `1${pick(['3', '5', '8', '9'])}${digits(9)}`; // mobile
      case 5: return `0${pick(['', '1'])}${pick(['3', '8'])}${digits(9)}`; // mobile of another city
      case 6: return `${2 + int(8)}${digits(7)}`; // local
      case 7: return `0${pick(['10', '755', '21', '571'])}${digits(8)}`; // national
      case 8: return `00${pick(['44', '1', '882', '86'])}${digits(4 + int(10))}`; // international
      case 9: return `+${pick(['86', '44', '1'])}${digits(int(14))}`;
      case 10: return `${pick(['*', '#', '*#', '#*'])}${digits(int(6))}${pick(['', '#', '*'])}`;
      case 11: return `66${digits(4)}`; // the refusing rule
      case 12: return digits(1 + int(34)); // any length, some too long
      default: return pick(HOSTILE);
    }
  };
  const caller = (): string => (rnd() < 0.6 ? pick(phones) : rnd() < 0.5 ? digits(int(12)) : pick(HOSTILE));
  const zone = (): string | undefined => (rnd() < 0.6 ? undefined : rnd() < 0.7 ? pick(config.zones).id : pick(HOSTILE));
  // Any moment 2020–2035, with a bias to the site's holidays and the hours around midnight and 08:00/18:00.
  const at = (): Date => (rnd() < 0.3 ? new Date(Date.UTC(2026, 8 + int(3), 1 + int(30), pick([-8, 0, 10, 16]) + int(3), int(60))) : new Date(Date.UTC(2020, 0, 1) + rnd() * 15 * 365 * 86_400_000));
  const state = (): RuntimeState => {
    const trunks = new Map<string, TrunkState>();
    const calls: TrunkCall[] = [];
    for (const tr of config.trunks) {
      if (rnd() < 0.1) continue; // state not known yet
      const capacity = int(4);
      const inUse = int(capacity + 2);
      trunks.set(tr.id, { up: rnd() < 0.75, detail: rnd() < 0.1 ? pick(HOSTILE) : 'registered', capacity, inUse });
      for (let i = 0; i < inUse; i++) calls.push({ uuid: `u-${tr.id}-${i}`, trunk: tr.id, priority: pick(['low', 'normal', 'high', 'emergency'] as const), startedAt: new Date(Date.UTC(2026, 0, 1, 0, int(600))).toISOString() });
    }
    return { trunks, calls, night: pick(['auto', 'night', 'day'] as const), explain: rnd() < 0.2 };
  };
  const call = (): CallRequest => {
    if (rnd() < 0.2) {
      const trunk = rnd() < 0.8 ? pick(config.trunks).id : pick(HOSTILE);
      return { direction: 'inbound', trunk, from: rnd() < 0.5 ? `+86${digits(11)}` : caller(), to: rnd() < 0.3 ? '88880001' : number(), at: at() };
    }
    return { direction: 'outbound', from: caller(), zone: zone(), to: number(), at: at() };
  };
  return { call, state };
}

function walk(e: XmlElement, f: (e: XmlElement) => void): void {
  f(e);
  for (const c of e.children) walk(c, f);
}

/** What is wrong with the dialplan answer for this decision; empty when nothing is. */
function problems(xml: string, d: RouteDecision): string[] {
  const out: string[] = [];
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    return [(err as Error).message];
  }
  const bridges: string[] = [];
  walk(root, (e) => {
    if (!ELEMENTS.has(e.name)) out.push(`an element <${e.name}> we never write`);
    if (e.text.trim()) out.push(`text ${JSON.stringify(e.text.slice(0, 60))} in <${e.name}>`);
    for (const [k, v] of Object.entries(e.attrs)) {
      for (const m of v.matchAll(/\$+\{[^}]*\}?/g)) if (!OUR_EXPANSIONS.has(m[0])) out.push(`${k}="${v.slice(0, 80)}": the expansion ${m[0]} is not ours`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f]/.test(v)) out.push(`${k}=${JSON.stringify(v.slice(0, 80))}: a control character reached a value`);
    }
    if (e.name === 'action') {
      if (!APPS.has(e.attrs.application ?? '')) out.push(`the application ${e.attrs.application} is not one we write`);
      if (e.attrs.application === 'bridge') bridges.push(e.attrs.data ?? '');
    }
    if (e.name === 'condition' && e.attrs.field === 'destination_number' && !/^\^(?:[0-9#]|\\\*|\\\+)*(?:\$)?$/.test(e.attrs.expression ?? '')) out.push(`the condition ${e.attrs.expression} matches more than a dialled number`);
  });
  // Every bridge is the legs of one destination, in order: nothing added, nothing joined.
  const expected = d.decision === 'route' ? d.destinations.filter((x) => x.kind === 'extension' || x.kind === 'ring-group' || x.kind === 'trunk') : [];
  if (bridges.length !== expected.length) out.push(`${bridges.length} bridges for ${expected.length} destinations that bridge`);
  bridges.forEach((data, i) => {
    const x = expected[i];
    const legs = data.split(/[|,](?![^[]*\])/);
    const want = x?.kind === 'ring-group' ? x.extensions.map((n) => `user/${n}`) : x?.kind === 'extension' ? [`user/${x.number}`] : x?.kind === 'trunk' ? [`sofia/gateway/${x.trunk}/${x.number}`] : [];
    if (legs.length !== want.length) out.push(`bridge ${JSON.stringify(data)}: ${legs.length} legs, the decision named ${want.length}`);
    legs.forEach((leg, j) => {
      const m = LEG.exec(leg);
      if (!m) return void out.push(`bridge leg ${JSON.stringify(leg)} is not a plain leg`);
      if (m[2] !== want[j]) out.push(`bridge leg ${m[2]} where the decision named ${want[j]}`);
      for (const kv of m[1]?.split(',') ?? []) {
        const [k, v] = kv.split('=');
        if (!LEG_VARS.has(k!) || !/^[\p{L}\p{N}_.@+/-]*$/u.test(v ?? '')) out.push(`bridge leg variable ${JSON.stringify(kv)} is not ours`);
      }
    });
  });
  return out;
}

t.test(`${CALLS} random calls through the router and the dialplan answer (seed ${seed})`, async (t) => {
  t.comment(`seed ${seed} (ROUTING_FUZZ_SEED=${seed} replays it)`);
  const { call, state } = fuzzer(prng(seed));
  const failures: string[] = [];
  const seen = { route: 0, refuse: 0, emergency: 0, hostile: 0, inbound: 0 };
  for (let i = 0; i < CALLS && failures.length < 10; i++) {
    const req = call();
    const s = state();
    const what = `#${i} ${JSON.stringify({ ...req, at: req.at.toISOString() }).slice(0, 300)}`;
    let d: RouteDecision;
    let xml: string;
    try {
      d = route(req, tables, s);
      // As api/freeswitch-routes.ts answers FreeSWITCH: the destination number exactly as it was asked for.
      xml = dialplanAnswerXml(req.direction === 'outbound' ? CONTEXT : INBOUND_CONTEXT, routedExtensions(d, config, req.to, req.at));
    } catch (err) {
      failures.push(`${what}: threw ${(err as Error).stack}`);
      continue;
    }
    seen[d.decision]++;
    if (req.direction === 'inbound') seen.inbound++;
    if (HOSTILE.includes(req.to) || HOSTILE.includes(req.from)) seen.hostile++;
    for (const p of problems(xml, d)) failures.push(`${what}: ${p}`);
    // A number outside the grammar never routes; an emergency number from a phone always does.
    if (!/^\+?[0-9*#]{1,32}$/.test(req.to) && d.decision !== 'refuse') failures.push(`${what}: a number outside the grammar was routed`);
    if (req.direction === 'outbound' && config.numbering.emergency.includes(req.to)) {
      seen.emergency++;
      if (d.decision !== 'route' || d.priority !== 'emergency') failures.push(`${what}: an emergency call was ${d.decision === 'route' ? `routed at ${d.priority} priority` : `refused: ${d.reason}`}`);
    }
  }
  t.same(failures, [], `no exception, well-formed XML, only our expansions, only the decision's legs (seed ${seed})`);
  t.comment(`${seen.route} routed, ${seen.refuse} refused, ${seen.emergency} emergency, ${seen.inbound} inbound, ${seen.hostile} with a hostile caller or number`);
  // The mix reached every kind of outcome (a generator that only ever refused would prove nothing).
  t.ok(seen.route > CALLS / 10 && seen.refuse > CALLS / 10 && seen.emergency > 100 && seen.hostile > 500 && seen.inbound > 1000, 'the random calls cover routed, refused, emergency, inbound and hostile calls');
});
