// The routing scenarios, one list for both worlds (routing-world/world.ts):
// every permission class allowed and refused per zone; caller-ID rewrite and
// number formats per trunk; failover SIP → FXO → GSM with the reasons on the
// call record and to central; an inbound call from a blocklisted number;
// allowlist mode on the GSM trunk; night and holiday routing; an emergency
// number from a zone with no outside permission, blocked by a list, at night,
// with every trunk busy (the lowest-priority call released); and, last, the
// daemon killed: FreeSWITCH's static fallback still routes 119 and dispatch.
import type { Test } from 'tap';
import type { ChannelList } from '../../src/contracts/calls.js';
import type { DeskView } from '../../src/contracts/desk.js';
import type { RouteDecision } from '../../src/contracts/routing.js';
import { ROUTING_SITE } from '../helpers/routing-site.js';
import { until, type RoutingWorld } from './world.js';

/** The site of the scenarios: the routing site with smaller trunks and a list that blocks every 1… number in the east bore. */
export function scenarioSite(proxies: Record<'telecom' | 'fxo' | 'gsm', string>): Record<string, unknown> & { phones: typeof ROUTING_SITE.phones } {
  return {
    ...ROUTING_SITE,
    // Pinged every 5 s: a far end that goes silent is marked down within seconds.
    trunks: ROUTING_SITE.trunks.map((t) => ({ ...t, gateway: { ...t.gateway, proxy: proxies[t.id as 'telecom' | 'fxo' | 'gsm'], retryS: 5, pingS: 5 } })),
    lists: [...ROUTING_SITE.lists, { id: 'east-nothing', name: 'Nothing starting 1 from the east bore', kind: 'block', direction: 'outbound', zones: ['east-bore'], entries: [{ prefix: '1', reason: 'no outside calls from the bore' }] }],
    // The help desk: 555 is an ordinary caller, 556 the same queue as an emergency (an SOS key's number).
    queues: [{ id: 'help', name: 'Help desk', agents: [{ extension: '8001' }], wrapUpS: 1, ringS: 15, maxWaitS: 600 }],
    routes: [{ id: 'help', name: 'Help desk', match: { number: '555' }, to: { queue: 'help' } }, { id: 'help-sos', name: 'Help desk, SOS', match: { number: '556' }, to: { queue: 'help', emergency: true } }, ...ROUTING_SITE.routes],
  };
}

export type Scenario = [name: string, run: (t: Test, w: RoutingWorld) => Promise<void>];

const answeredThenHangUp = async (t: Test, w: RoutingWorld, from: string, to: string) => {
  const call = await (await w.phone(from)).dial(to);
  const r = await call.result();
  t.ok(r.answered, `${from} → ${to} answered${r.answered ? '' : ` (refused: ${r.cause})`}`);
  return call;
};

async function trunksUp(w: RoutingWorld, ids: string[], ms = 60_000): Promise<boolean> {
  return until(async () => (await w.daemon.routing()).trunks.filter((x) => ids.includes(x.id)).every((x) => x.up), ms, 250);
}

async function trunkDown(w: RoutingWorld, id: string, ms = 30_000): Promise<boolean> {
  return until(async () => !(await w.daemon.routing()).trunks.find((x) => x.id === id)?.up, ms, 250);
}

/** Calls on trunks are counted from the live channels: wait until the daemon sees them. */
async function inUse(w: RoutingWorld, id: string, n: number): Promise<boolean> {
  return until(async () => (await w.daemon.routing()).trunks.find((x) => x.id === id)?.inUse === n, 15_000, 100);
}

async function test(w: RoutingWorld, body: Record<string, unknown>): Promise<RouteDecision> {
  const r = await w.daemon.api.post('/api/routing/test', body);
  if (r.status !== 200) throw new Error(`route test ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as RouteDecision;
}

export const SCENARIOS: Scenario[] = [
  [
    'the trunks come up: the SIP trunk registered, the FXO lines with voltage, the GSM modem registered',
    async (t, w) => {
      t.ok(await trunksUp(w, ['telecom', 'fxo', 'gsm']), `all up: ${JSON.stringify((await w.daemon.routing()).trunks)}`);
      // Office hours are whatever the clock says when the suite runs: day mode makes the scenarios the same at any hour.
      await w.daemon.setNight('day');
    },
  ],
  [
    'each permission class, allowed and refused per zone, through FreeSWITCH',
    async (t, w) => {
      // [caller, number, rule that decides, allowed?, class]
      const cases: Array<[string, string, string, boolean, string]> = [
        ['2001', '2002', 'extension', true, 'same-zone'],
        ['2001', '1001', 'extension', false, 'other-zones'],
        ['3001', '1001', 'extension', true, 'other-zones'],
        ['2001', '8000', 'extension', true, 'dispatch'],
        ['2001', '62345678', 'local', false, 'local'],
        ['3001', '62345678', 'local', true, 'local'],
        ['3001', '075512345678', 'national', false, 'national'],
        ['1001', '075512345678', 'national', true, 'national'],
        ['3001', '013800138000', 'mobile', false, 'mobile'],
        ['1001', '013800138000', 'mobile', true, 'mobile'],
        ['1001', '0044201234567', 'intl', false, 'international'],
        ['4001', '0044201234567', 'intl', true, 'international'],
        ['4001', '16812345', 'premium', false, 'premium'],
        ['8000', '16812345', 'premium', true, 'premium'],
      ];
      for (const [from, to, rule, allowed, cls] of cases) {
        const call = await (await w.phone(from)).dial(to);
        const r = await call.result();
        t.equal(r.answered, allowed, `${from} → ${to} (${cls}) ${allowed ? 'goes through' : 'is refused'}${r.cause ? ` (${r.cause})` : ''}`);
        if (r.answered) await call.hangup();
        const rec = await w.daemon.record(from, to);
        t.equal(rec.route, rule, `${from} → ${to}: the call record names the rule`);
        if (!allowed) {
          t.equal(rec.hangupCause, 'NORMAL_CIRCUIT_CONGESTION', 'the caller heard congestion and got the cause');
          t.ok(w.daemon.log().some((l) => l.includes(`call ${from} → ${to} refused`) && l.includes(`may not call ${cls}`)), 'the log says which permission refused it');
        }
      }
    },
  ],
  [
    'caller-ID rewrite and number formats: the zone\'s caller ID, E.164 on the SIP trunk; the live channel shows the rule',
    async (t, w) => {
      const before = (await w.trunk('telecom').received()).length;
      const call = await answeredThenHangUp(t, w, '1001', '013900139000');
      const channels = (await w.daemon.api.get('/api/channels')).body as { channels: Array<{ callerNumber: string | null; route: string | null; trunkId: string | null }> };
      t.ok(channels.channels.some((c) => c.callerNumber === '1001' && c.route === 'mobile'), 'the caller\'s live leg shows the rule');
      t.ok(channels.channels.some((c) => c.trunkId === 'telecom'), 'and the trunk\'s leg its trunk');
      await call.hangup();
      const seen = (await w.trunk('telecom').received()).slice(before);
      t.same(seen, [{ number: '+8613900139000', callerIdNumber: '+861088880100' }], 'the provider got the number in E.164 and the office\'s caller ID');
      const rec = await w.daemon.record('1001', '013900139000');
      t.match(rec, { route: 'mobile', trunkId: 'telecom', trunk: 'sip', failover: null });
    },
  ],
  [
    'failover SIP → FXO → GSM: a dead SIP trunk skipped at once, a failing FXO line given up, the GSM modem takes the call; the reasons on the record and to central',
    async (t, w) => {
      await w.trunk('telecom').down();
      t.ok(await trunkDown(w, 'telecom'), 'the daemon sees the SIP trunk down');
      await w.trunk('fxo').answer('fail');
      const fxoBefore = (await w.trunk('fxo').received()).length;
      const call = await answeredThenHangUp(t, w, '1002', '013800138000');
      await call.hangup();
      t.same((await w.trunk('fxo').received()).slice(fxoBefore).map((x) => x.number), ['13800138000'], 'the FXO gateway was tried (national format)');
      t.ok((await w.trunk('gsm').received()).some((x) => x.number === '13800138000'), 'the GSM gateway took it');
      const rec = await w.daemon.record('1002', '013800138000');
      t.equal(rec.trunkId, 'gsm');
      t.match(rec.failover, [
        { trunk: 'telecom', outcome: 'skipped', reason: /^down: (registration failed|does not answer pings)/ },
        { trunk: 'fxo', outcome: 'failed', reason: 'NORMAL_TEMPORARY_FAILURE' },
        { trunk: 'gsm', outcome: 'used' },
      ]);
      t.ok(await until(() => w.central.events('route-failover').some((e) => e.uuid === rec.uuid), 15_000), 'central is told');
      await w.trunk('fxo').answer('answer');
      await w.trunk('telecom').up();
      t.ok(await trunksUp(w, ['telecom']), 'the SIP trunk is back');
    },
  ],
  [
    'an inbound call from a blocklisted number is refused with the list\'s treatment (busy); another caller reaches the desks',
    async (t, w) => {
      const blocked = await w.trunk('telecom').callIn('13700000001', '88880001');
      t.same(await blocked.result(), { answered: false, cause: 'USER_BUSY' }, 'busy, as the list says');
      t.ok(w.daemon.log().some((l) => l.includes('refused') && l.includes('block list nuisance')), 'the log names the list');
      const welcome = await w.trunk('telecom').callIn('13900000000', '88880001');
      t.same(await welcome.result(), { answered: true, cause: null }, 'a caller not on the list is answered');
      await welcome.hangup();
      t.ok(await until(async () => (await (await w.phone('8000')).answeredFrom()).includes('13900000000') || (await (await w.phone('8001')).answeredFrom()).includes('13900000000'), 5000), 'by a dispatch desk (the DID\'s ring group)');
      const entries = (await w.daemon.api.get('/api/routing/lists/nuisance/entries')).body as { entries: Array<{ number: string | null; hits: number }> };
      t.equal(entries.entries.find((e) => e.number === '13700000001')?.hits, 1, 'the entry\'s hit counter');
    },
  ],
  [
    'allowlist mode on the GSM trunk: a known number comes in, a stranger is rejected',
    async (t, w) => {
      const stranger = await w.trunk('gsm').callIn('13911112222', '8000');
      t.same(await stranger.result(), { answered: false, cause: 'CALL_REJECTED' });
      const known = await w.trunk('gsm').callIn('+8613800138000', '8000');
      t.same(await known.result(), { answered: true, cause: null });
      await known.hangup();
    },
  ],
  [
    'night and holiday routing: night mode sends the second desk\'s calls to the first and takes national calls from the office; the holiday calendar in the tester',
    async (t, w) => {
      await w.daemon.setNight('night');
      const desk = await answeredThenHangUp(t, w, '1001', '8001');
      await desk.hangup();
      t.ok(await until(async () => (await (await w.phone('8000')).answeredFrom()).includes('1001'), 5000), 'desk 8000 answered the call to 8001');
      t.equal((await w.daemon.record('1001', '8001')).route, 'desk-2');
      const national = await (await w.phone('1002')).dial('02112345678');
      t.equal((await national.result()).answered, false, 'the office may not call national numbers at night');
      await w.daemon.setNight('auto');
      // The tester at a given time, the schedules deciding (no override).
      const holiday = await test(w, { from: '1001', to: '075512345678', at: '2026-10-02T10:00:00+08:00' });
      t.equal(holiday.decision, 'refuse', 'a weekday in the National Day holiday is night');
      t.match(holiday.trace.find((s) => s.step === 'schedule')?.why, /holiday \(国庆节\)/);
      const makeUp = await test(w, { from: '1001', to: '075512345678', at: '2026-09-20T10:00:00+08:00' });
      t.equal(makeUp.decision, 'route', 'the make-up Sunday is a working day');
      await w.daemon.setNight('day');
    },
  ],
  [
    'an emergency number from a zone with no outside permission, blocked by a list, at night, with every trunk busy: the lowest-priority call is released (强拆) and 119 goes out',
    async (t, w) => {
      // Fill every channel: two on the SIP trunk, two FXO lines, the GSM modem. Mobiles are low priority, local calls normal.
      const fill: Array<[string, string]> = [['1001', '013800138001'], ['1002', '013800138002'], ['4001', '013800138003'], ['8000', '013800138004'], ['8001', '62345678']];
      const held = [];
      for (const [from, to] of fill) {
        held.push(await answeredThenHangUp(t, w, from, to));
        await new Promise((r) => setTimeout(r, 150));
      }
      t.ok(await inUse(w, 'telecom', 2), 'telecom full');
      t.ok(await inUse(w, 'fxo', 2), 'fxo full');
      t.ok(await inUse(w, 'gsm', 1), 'gsm full');
      await w.daemon.setNight('night');
      const fxoBefore = (await w.trunk('fxo').received()).length;
      const sos = await (await w.phone('2001')).dial('119');
      t.same(await sos.result(), { answered: true, cause: null }, '119 goes out');
      t.same((await w.trunk('fxo').received()).slice(fxoBefore).map((x) => x.number), ['119'], 'on the line of the released call, as dialled');
      const released = await w.daemon.record('8000', '013800138004');
      t.equal(released.hangupCause, 'PRE_EMPTED', 'the newest low-priority call (8000\'s mobile call, on FXO) was released');
      const preempt = await until(() => w.central.events('route-preempt').length > 0, 10_000);
      t.ok(preempt, 'central is told');
      t.match(w.central.events('route-preempt')[0], { trunk: 'fxo', priority: 'low', number: '119', outcome: 'released' });
      const audit = (await w.daemon.api.get('/api/audit?limit=50')).body as { entries: Array<{ action: string; detail: string | null }> };
      t.ok(audit.entries.some((e) => e.action === 'routing.force-release' && /强拆/.test(e.detail ?? '')), 'audited');
      await sos.hangup();
      for (const c of held) await c.hangup();
      await w.daemon.setNight('day');
      const rec = await w.daemon.record('2001', '119');
      t.match(rec, { route: 'emergency', trunkId: 'fxo' });
    },
  ],
  [
    'the help desk queue: callers held with a tone until an agent logs in; the emergency caller first though it came second; the agent\'s phone rung and joined to each caller in turn',
    async (t, w) => {
      const desk = async () => (await w.daemon.api.get('/api/desk')).body as DeskView;
      const help = async () => (await desk()).queues.find((q) => q.id === 'help')!;
      const agent = await w.phone('8001');
      const before = (await agent.answeredFrom()).length;
      const first = await (await w.phone('1001')).dial('555');
      t.same(await first.result(), { answered: true, cause: null }, 'the first caller is answered by the queue (held)');
      t.ok(await until(async () => (await help()).waiting.length === 1, 10_000), 'and waits');
      const sos = await (await w.phone('1002')).dial('556');
      t.same(await sos.result(), { answered: true, cause: null }, 'the emergency caller too');
      t.ok(await until(async () => (await help()).waiting.length === 2, 10_000), 'two wait');
      const order = (await help()).waiting.sort((a, b) => a.position - b.position);
      t.match(order.map((c) => [c.caller, c.urgency]), [['1002', 'emergency'], ['1001', 'normal']], 'the emergency caller is first in line');
      t.match(order[0]!.reasons.join('; '), /emergency/, `its place explained (${order[0]!.reasons.join('; ')})`);
      t.match(order[1]!.waitingFor ?? '', /.+/, `the other says why no phone rings (${order[1]!.waitingFor})`);
      const login = await w.daemon.api.req('POST', '/api/desk/agents/8001/login', {});
      t.equal(login.status, 200, 'the agent logs in');
      t.ok(await until(async () => (await agent.answeredFrom()).length > before, 20_000), 'the agent\'s phone rings and is answered');
      t.equal((await agent.answeredFrom())[before], '1002', 'with the emergency caller');
      let legs = '';
      const joined = await until(async () => {
        const live = ((await w.daemon.api.get('/api/channels')).body as ChannelList).channels;
        legs = JSON.stringify(live.map((c) => [c.name, c.callerNumber, c.route, c.bridgedTo]));
        const caller = live.find((c) => c.callerNumber === '1002' && c.route === 'help-sos');
        const other = live.find((c) => c.uuid === caller?.bridgedTo);
        return !!other && other.name.includes('8001') && other.bridgedTo === caller!.uuid;
      }, 10_000);
      t.ok(joined, `the caller's leg and the agent's phone are bridged to each other (${legs})`);
      t.ok(await until(async () => (await desk()).agents.find((a) => a.extension === '8001')?.state === 'busy', 10_000), 'the agent shows busy');
      t.ok(await until(async () => (await help()).waiting.length === 1, 10_000), 'one still waits');
      await sos.hangup();
      t.ok(await until(async () => (await agent.answeredFrom()).length > before + 1, 20_000), 'after the wrap-up the next caller rings the agent');
      t.equal((await agent.answeredFrom())[before + 1], '1001');
      t.ok(await until(async () => (await help()).waiting.length === 0, 10_000), 'nobody is left waiting');
      await first.hangup();
      t.match(await w.daemon.record('1002', '556'), { route: 'help-sos' }, 'the call record names the route');
      t.equal((await w.daemon.api.req('POST', '/api/desk/agents/8001/logout', {})).status, 200, 'the agent logs out');
    },
  ],
  [
    'the daemon killed: FreeSWITCH\'s static dialplan still routes 119 and the dispatch number, and refuses the rest',
    async (t, w) => {
      await w.daemon.kill();
      const before = (await w.trunk('telecom').received()).length;
      const sos = await (await w.phone('2001')).dial('119');
      t.same(await sos.result(), { answered: true, cause: null }, '119 answered without the daemon');
      t.same((await w.trunk('telecom').received()).slice(before).map((x) => x.number), ['119'], 'out through the first emergency trunk');
      await sos.hangup();
      const desk = await (await w.phone('2002')).dial('100');
      t.same(await desk.result(), { answered: true, cause: null }, 'the dispatch number rings the desks');
      await desk.hangup();
      t.ok(await until(async () => (await (await w.phone('8000')).answeredFrom()).includes('2002') || (await (await w.phone('8001')).answeredFrom()).includes('2002'), 5000));
      const local = await (await w.phone('2001')).dial('2002');
      t.equal((await local.result()).answered, true, 'extensions still call each other');
      await local.hangup();
      const out = await (await w.phone('1001')).dial('013800138000');
      t.same(await out.result(), { answered: false, cause: 'NORMAL_CIRCUIT_CONGESTION' }, 'without the daemon nobody decides who may call out: refused');
    },
  ],
];

export async function runScenarios(t: Test, w: RoutingWorld, list: Scenario[] = SCENARIOS): Promise<void> {
  for (const [name, run] of list) await t.test(name, (tt) => run(tt, w));
}
