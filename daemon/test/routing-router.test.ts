// The router as a pure function: every permission class per zone, emergency
// numbers over everything, lists, schedules and holidays, failover, caller
// ID, number formats, pre-emption — each as the decision a caller would live.
import t from 'tap';
import { configFrom } from '../src/config/load.js';
import { route, type CallRequest, type RuntimeState, type TrunkState } from '../src/routing/router.js';
import { compileTables } from '../src/routing/tables.js';
import { DAY, NIGHT, ROUTING_SITE } from './helpers/routing-site.js';

const config = configFrom({ site: 's', node: 'n', ...ROUTING_SITE });
const tables = compileTables(config);
const up = (detail = 'registered', capacity = 2, inUse = 0): TrunkState => ({ up: true, detail, capacity, inUse });
const allUp = (): Map<string, TrunkState> => new Map([['telecom', up('REGED')], ['fxo', up('2 lines with voltage')], ['gsm', up('gsm0 registered, 4/5 bars', 1)]]);
const state = (o: Partial<RuntimeState> = {}): RuntimeState => ({ trunks: allUp(), calls: [], night: 'auto', ...o });
const call = (from: string, to: string, at = DAY): CallRequest => ({ direction: 'outbound', from, to, at });
const decide = (from: string, to: string, o: Partial<RuntimeState> = {}, at = DAY) => route(call(from, to, at), tables, state(o));

t.test('each permission class, allowed and refused per zone', async (t) => {
  // [caller, number, class, allowed?]
  const cases: Array<[string, string, string, boolean]> = [
    ['2001', '2002', 'same-zone', true],
    ['2001', '1001', 'other-zones', false],
    ['3001', '1001', 'other-zones', true],
    ['2001', '8000', 'dispatch', true],
    ['2001', '62345678', 'local', false],
    ['3001', '62345678', 'local', true],
    ['3001', '075512345678', 'national', false],
    ['1001', '075512345678', 'national', true],
    ['3001', '13800138000', 'mobile', false],
    ['1001', '013800138000', 'mobile', true],
    ['1001', '0044201234567', 'international', false],
    ['4001', '0044201234567', 'international', true],
    ['4001', '16812345', 'premium', false],
    ['8000', '16812345', 'premium', true],
  ];
  for (const [from, to, cls, allowed] of cases) {
    const d = decide(from, to);
    t.equal(d.class, cls, `${from} → ${to} is ${cls}`);
    t.equal(d.decision, allowed ? 'route' : 'refuse', `${from} → ${to} ${allowed ? 'allowed' : 'refused'}: ${d.reason ?? ''}`);
    if (!allowed) t.match(d.reason, new RegExp(`may not call ${cls}`), 'the reason names the class');
  }
});

t.test('a zone exception: the duty mobile from a zone without mobiles; a denied prefix despite the class', async (t) => {
  const duty = decide('3001', '13900139000');
  t.equal(duty.decision, 'route');
  t.match(duty.trace.find((s) => s.step === 'permission')?.why, /the duty mobile/);
  const old = decide('1001', '01099991234');
  t.equal(old.decision, 'refuse');
  t.match(old.reason, /never calls numbers starting 0109999 \(the old exchange\)/);
});

t.test('emergency numbers go out from a zone without outside permission, at night, first trunk first', async (t) => {
  for (const n of ['110', '119', '120', '122', '112']) {
    const d = decide('2001', n, {}, NIGHT);
    t.equal(d.decision, 'route', n);
    t.equal(d.rule, 'emergency');
    t.equal(d.priority, 'emergency');
    t.equal(d.record, true);
    // Dialled as is on every trunk (no +86, no format), the dispatch desks last.
    t.same(d.destinations.map((x) => (x.kind === 'trunk' ? `${x.trunk}:${x.number}` : x.kind)), ['telecom:' + n, 'fxo:' + n, 'gsm:' + n, 'ring-group']);
  }
});

t.test('an emergency call when every channel is busy releases the lowest-priority outside call', async (t) => {
  const trunks = new Map([['telecom', up('REGED', 2, 2)], ['fxo', up('lines', 2, 2)], ['gsm', { up: false, detail: 'no signal', capacity: 1, inUse: 0 }]]);
  const calls = [
    { uuid: 'u-high', trunk: 'telecom', priority: 'high' as const, startedAt: '2026-11-23T01:00:00Z' },
    { uuid: 'u-low-old', trunk: 'fxo', priority: 'low' as const, startedAt: '2026-11-23T01:10:00Z' },
    { uuid: 'u-low-new', trunk: 'telecom', priority: 'low' as const, startedAt: '2026-11-23T01:20:00Z' },
    { uuid: 'u-alarm', trunk: 'fxo', priority: 'emergency' as const, startedAt: '2026-11-23T01:30:00Z' },
  ];
  const d = decide('2001', '119', { trunks, calls });
  t.equal(d.decision, 'route');
  t.same(d.preempt, { uuid: 'u-low-new', trunk: 'telecom', priority: 'low' }, 'the newest of the lowest priority, never an emergency call');
  t.equal(d.destinations[0]?.kind === 'trunk' && d.destinations[0].trunk, 'telecom', 'the released trunk is tried first');
  t.match(d.trace.find((s) => s.step === 'preempt')?.why, /强拆/);
  t.ok(d.destinations.some((x) => x.kind === 'trunk' && x.trunk === 'gsm'), 'the dead trunk is still tried, last');
  // A non-emergency call finds nothing free and is refused.
  const normal = decide('1001', '013800138000', { trunks, calls });
  t.equal(normal.decision, 'refuse');
  t.match(normal.reason, /telecom full: all 2 channels busy; fxo full: all 2 channels busy; gsm down: no signal/);
  t.equal(normal.preempt, null);
});

t.test('an emergency number is never blocked by an outbound list', async (t) => {
  const c = configFrom({ site: 's', node: 'n', ...ROUTING_SITE, lists: [...ROUTING_SITE.lists, { id: 'all', kind: 'block', direction: 'outbound', entries: [{ prefix: '1' }] }] });
  const d = route(call('1001', '119'), compileTables(c), state());
  t.equal(d.decision, 'route');
  t.notOk(d.trace.some((s) => s.step === 'list'), 'lists are not even consulted');
});

t.test('failover: a dead and a full trunk are skipped with their reasons, in order', async (t) => {
  const trunks = new Map([['telecom', { up: false, detail: 'FAILED (registration refused, 403)', capacity: 2, inUse: 0 }], ['fxo', up('lines', 2, 2)], ['gsm', up('gsm0 registered', 1)]]);
  const d = decide('1001', '013800138000', { trunks });
  t.equal(d.decision, 'route');
  t.same(d.destinations, [{ kind: 'trunk', trunk: 'gsm', trunkKind: 'gsm', number: '13800138000', callerId: '88880100' }]);
  t.same(d.skipped, [{ trunk: 'telecom', reason: 'down: FAILED (registration refused, 403)' }, { trunk: 'fxo', reason: 'full: all 2 channels busy' }]);
});

t.test('numbers are written as each trunk wants them; caller ID: rule, then zone, then trunk', async (t) => {
  const mobile = decide('1001', '013800138000');
  t.same(
    mobile.destinations.map((x) => x.kind === 'trunk' && [x.trunk, x.number, x.callerId]),
    [['telecom', '+8613800138000', '+861088880100'], ['fxo', '13800138000', '88880100'], ['gsm', '13800138000', '88880100']],
    'E.164 on the SIP trunk, national on FXO and GSM (a local number without its area code); the office zone\'s caller ID',
  );
  const national = decide('1001', '075512345678');
  t.same(national.destinations.map((x) => x.kind === 'trunk' && [x.number, x.callerId]), [['+8675512345678', '+861088880001'], ['075512345678', '88880001']], 'the rule\'s caller ID wins');
  const local = decide('8000', '62345678');
  t.same(local.destinations.map((x) => x.kind === 'trunk' && [x.number, x.callerId]), [['+861062345678', '+861088880000'], ['62345678', null], ['62345678', null]], 'a zone without a caller ID: the trunk\'s own');
});

t.test('night: the office loses national calls at night, on a holiday, and in night mode; a make-up Sunday is a working day', async (t) => {
  const at = (iso: string) => decide('1001', '075512345678', {}, new Date(iso));
  t.equal(at('2026-11-23T02:00:00Z').decision, 'route', 'Monday 10:00');
  t.equal(at('2026-12-24T14:00:00Z').decision, 'refuse', 'Thursday 22:00');
  t.match(at('2026-12-24T14:00:00Z').reason, /night permissions/);
  const holiday = at('2026-10-02T02:00:00Z');
  t.equal(holiday.decision, 'refuse', 'a Friday in the National Day holiday');
  t.match(holiday.trace.find((s) => s.step === 'schedule')?.why, /holiday \(国庆节\)/);
  const sunday = at('2026-09-20T02:00:00Z');
  t.equal(sunday.decision, 'route', 'Sunday 20 September is worked (调休)');
  t.match(sunday.trace.find((s) => s.step === 'schedule')?.why, /国庆节调休, hours of mon/);
  t.equal(decide('1001', '075512345678', { night: 'night' }).decision, 'refuse', 'night mode at 10:00 on a Monday');
  t.equal(decide('1001', '075512345678', { night: 'day' }, NIGHT).decision, 'route', 'day mode at 22:00');
});

t.test('a rule\'s night destination', async (t) => {
  t.same(decide('1001', '8001').destinations, [{ kind: 'extension', number: '8001' }]);
  t.same(decide('1001', '8001', {}, NIGHT).destinations, [{ kind: 'extension', number: '8000' }], 'the second desk is not staffed at night');
});

t.test('outbound block list, with its entry\'s reason, in any written form', async (t) => {
  const d = decide('4001', '008821234567');
  t.equal(d.decision, 'refuse');
  t.match(d.reason, /block list fraud \(prefix 00882\): satellite premium/);
  t.same(d.treatment, { kind: 'reject' });
  const same = decide('1001', '+861088889999'.replace('+86', '0'));
  t.match(same.reason, /known fraud/);
});

t.test('inbound: a blocked caller gets the list\'s treatment, in any written form of the number', async (t) => {
  for (const from of ['13700000001', '+8613700000001', '8613700000001', '013700000001']) {
    const d = route({ direction: 'inbound', trunk: 'telecom', from, to: '88880001', at: DAY }, tables, state());
    t.equal(d.decision, 'refuse', from);
    t.same(d.treatment, { kind: 'busy' });
    t.match(d.reason, /repeated hoax calls/);
  }
  const ok = route({ direction: 'inbound', trunk: 'telecom', from: '+8613900000000', to: '88880001', at: DAY }, tables, state());
  t.same(ok.destinations, [{ kind: 'ring-group', extensions: ['8000', '8001'], strategy: 'simultaneous', ringS: 25 }]);
  t.equal(ok.rule, 'did:telecom:88880001');
  const night = route({ direction: 'inbound', trunk: 'telecom', from: '+8613900000000', to: '88880001', at: NIGHT }, tables, state());
  t.same(night.destinations, [{ kind: 'extension', number: '8001' }], 'the DID\'s night destination');
  const other = route({ direction: 'inbound', trunk: 'telecom', from: '+8613900000000', to: '88880009', at: DAY }, tables, state());
  t.same(other.destinations, [{ kind: 'extension', number: '8000' }], 'the trunk\'s default destination');
});

t.test('allowlist mode on the GSM trunk: only known numbers come in', async (t) => {
  const known = route({ direction: 'inbound', trunk: 'gsm', from: '13800138000', to: '8000', at: DAY }, tables, state());
  t.equal(known.decision, 'route');
  const stranger = route({ direction: 'inbound', trunk: 'gsm', from: '13911112222', to: '8000', at: DAY }, tables, state());
  t.equal(stranger.decision, 'refuse');
  t.match(stranger.reason, /not on the allow list gsm-known \(allowlist mode\)/);
  const withheld = route({ direction: 'inbound', trunk: 'gsm', from: '', to: '8000', at: DAY }, tables, state());
  t.equal(withheld.decision, 'refuse', 'a withheld number is not known');
  const sip = route({ direction: 'inbound', trunk: 'telecom', from: '13911112222', to: '1', at: DAY }, tables, state());
  t.equal(sip.decision, 'route', 'the allowlist is the GSM trunk\'s only');
});

t.test('expired list entries no longer apply', async (t) => {
  const c = configFrom({ site: 's', node: 'n', ...ROUTING_SITE, lists: [{ id: 'temp', kind: 'block', direction: 'inbound', entries: [{ number: '13500000000', expires: '2026-11-22' }] }] });
  const d = route({ direction: 'inbound', trunk: 'telecom', from: '13500000000', to: '1', at: DAY }, compileTables(c), state());
  t.equal(d.decision, 'route', 'expired the day before');
});

t.test('the dispatch number rings every desk; an extension without a rule rings; a conference by rule', async (t) => {
  t.same(decide('2001', '100').destinations, [{ kind: 'ring-group', extensions: ['8000', '8001'], strategy: 'simultaneous', ringS: 30 }]);
  t.same(decide('2001', '2002').destinations, [{ kind: 'extension', number: '2002' }]);
  t.equal(decide('2001', '2002').rule, 'extension');
  t.same(decide('1001', '7001').destinations, [{ kind: 'conference', name: 'ops' }]);
});

t.test('bad numbers never reach a destination', async (t) => {
  for (const bad of ['', '12a', '1;2', '${system(rm)}', '1001\n', '+', '*'.repeat(40), '00\u0000']) {
    const d = decide('1001', bad);
    t.equal(d.decision, 'refuse', JSON.stringify(bad));
    t.same(d.destinations, []);
  }
  const star = decide('4001', '*123#');
  t.equal(star.decision, 'refuse');
  t.match(star.reason, /no route for \*123#/);
});

t.test('the trace names every rule passed over when asked (the route tester)', async (t) => {
  const d = decide('1001', '013800138000', { explain: true });
  t.same(d.trace.filter((s) => s.step === 'rule').map((s) => `${s.subject}:${s.result}`), ['intl:passed', 'desk-2:passed', 'ops-room:passed', 'mobile:matched']);
  t.match(d.trace.find((s) => s.subject === 'intl')?.why, /does not start with 00/);
  const quiet = decide('1001', '013800138000');
  t.same(quiet.trace.filter((s) => s.step === 'rule').map((s) => s.subject), ['mobile'], 'a live call keeps only the rule that decided');
});
