// The queue decision as a pure function: who is served first and by whom,
// with the reasons the desk would read beside each waiting call.
import t from 'tap';
import { decide, type AgentStatus, type QueueSpec, type WaitingCall } from '../src/desk/queue-decision.js';

const NOW = 1_700_000_000_000;
const s = (n: number) => NOW - n * 1000;
const agent = (extension: string, o: { zones?: string[]; skills?: Record<string, number> } = {}) => ({ extension, zones: o.zones ?? [], skills: o.skills ?? {} });
const free = (extension: string, idleS = 0): AgentStatus => ({ extension, state: 'available', idleSince: s(idleS) });
const call = (uuid: string, waitedS: number, o: Partial<WaitingCall> = {}): WaitingCall => ({ uuid, queue: 'desk', arrivedAt: s(waitedS), urgency: 'normal', zone: null, vip: false, skill: null, passedOver: [], ...o });
const desk = (o: Partial<QueueSpec> = {}): QueueSpec => ({ id: 'desk', strategy: 'longest-idle', agents: [agent('1001'), agent('1002'), agent('1003')], ...o });
const order = (d: ReturnType<typeof decide>) => d.standings.map((x) => x.call);
const given = (d: ReturnType<typeof decide>) => Object.fromEntries(d.assignments.map((a) => [a.call, a.agents.join('+')]));

t.test('by wait alone: the longest waiting first, to the agent free the longest', async (t) => {
  const d = decide([desk()], [free('1001', 5), free('1002', 50), { extension: '1003', state: 'busy', idleSince: s(0) }], [call('b', 10), call('a', 42), call('c', 3)], NOW);
  t.same(order(d), ['a', 'b', 'c']);
  t.same(given(d), { a: '1002', b: '1001' }, 'the longest-idle agent takes the longest-waiting call');
  t.same(d.standings[0]!.reasons, ['waiting 42 s']);
  t.equal(d.standings[0]!.assigned!.why, 'longest idle (50 s)');
  t.equal(d.standings[2]!.waitingFor, 'no free agent');
  t.same(d.standings.map((x) => x.position), [1, 2, 3]);
});

t.test('emergency ahead of all, then VIP, then zone, then wait', async (t) => {
  const q = desk({ agents: [agent('1001', { zones: ['tunnel-a'] }), agent('1002'), agent('1003')] });
  const calls = [call('old', 300), call('zone', 20, { zone: 'tunnel-a' }), call('vip', 10, { vip: true }), call('sos', 1, { urgency: 'emergency' })];
  // Every agent free: the ranking shows in full.
  const d = decide([q], [free('1001'), free('1002'), free('1003')], calls, NOW);
  t.same(order(d), ['sos', 'vip', 'zone', 'old']);
  t.same(d.standings[0]!.reasons, ['emergency: ahead of all', 'waiting 1 s']);
  t.same(d.standings[1]!.reasons, ['VIP', 'waiting 10 s']);
  t.same(d.standings[2]!.reasons, ['zone tunnel-a: agent 1001 covers it', 'waiting 20 s']);
  t.equal(given(d).zone, '1001', 'the zone caller gets the agent covering its zone');
  t.notOk(given(d).old, 'three agents, four callers: the last in order waits');
  t.equal(d.standings[3]!.waitingFor, 'no free agent');
});

t.test('zone ranks a caller up only against a free agent covering it', async (t) => {
  const q = desk({ agents: [agent('1001', { zones: ['tunnel-a'] }), agent('1002')] });
  const calls = [call('old', 60), call('zone', 10, { zone: 'tunnel-a' })];
  const busy = decide([q], [{ extension: '1001', state: 'busy', idleSince: s(0) }, free('1002')], calls, NOW);
  t.same(order(busy), ['old', 'zone'], 'the covering agent is busy: wait time decides');
  t.same(given(busy), { old: '1002' });
  t.same(busy.standings[1]!.reasons, ['zone tunnel-a: no free agent covers it', 'waiting 10 s']);
  const freed = decide([q], [free('1001'), { extension: '1002', state: 'busy', idleSince: s(0) }], calls, NOW);
  t.same(order(freed), ['zone', 'old'], 'the covering agent is free: the zone caller goes first');
  t.same(given(freed), { zone: '1001' });
});

t.test('an emergency takes a free agent of another queue; a normal call never does', async (t) => {
  const other: QueueSpec = { id: 'maint', strategy: 'longest-idle', agents: [agent('2001')] };
  const d = decide([desk(), other], [{ extension: '1001', state: 'busy', idleSince: s(0) }, { extension: '1002', state: 'paused', idleSince: s(0) }, { extension: '1003', state: 'wrap-up', idleSince: s(0) }, free('2001', 9)], [call('normal', 100), call('sos', 2, { urgency: 'emergency' })], NOW);
  t.same(given(d), { sos: '2001' });
  t.match(d.standings[0]!.assigned!.why, /emergency: no free agent in desk, agent 2001 of maint takes it/);
  t.equal(d.standings[1]!.waitingFor, 'no free agent');
});

t.test('paused, wrapping up, busy and logged-out agents get no call', async (t) => {
  for (const state of ['paused', 'wrap-up', 'busy', 'logged-out'] as const) {
    const d = decide([desk({ agents: [agent('1001')] })], [{ extension: '1001', state, idleSince: s(100) }], [call('a', 5)], NOW);
    t.same(d.assignments, [], state);
  }
});

t.test('strategies', async (t) => {
  const all = [free('1001', 1), free('1002', 30), free('1003', 5)];
  const ringAll = decide([desk({ strategy: 'ring-all' })], all, [call('a', 5)], NOW);
  t.same(given(ringAll), { a: '1001+1002+1003' });
  t.equal(ringAll.assignments[0]!.why, 'ring-all: 1001, 1002, 1003 ring at once');
  const rr = decide([desk({ strategy: 'round-robin', lastOffered: '1002' })], all, [call('a', 5), call('b', 4)], NOW);
  t.same(given(rr), { a: '1003', b: '1001' }, 'in turn after the last offered, wrapping round');
  const q = desk({ strategy: 'skill', agents: [agent('1001', { skills: { electrical: 3 } }), agent('1002', { skills: { electrical: 9 } }), agent('1003')] });
  const sk = decide([q], all, [call('e', 5, { skill: 'electrical' }), call('n', 4)], NOW);
  t.same(given(sk), { e: '1002', n: '1003' }, 'the highest level of the needed skill; a call needing none gets the longest idle left');
  t.equal(sk.assignments[0]!.why, 'skill electrical level 9, idle 30 s');
  const skilledBusy = decide([q], [free('1001'), { extension: '1002', state: 'busy', idleSince: s(0) }, free('1003')], [call('e', 5, { skill: 'electrical' })], NOW);
  t.same(given(skilledBusy), { e: '1001' }, 'a lower level still has the skill');
  const noneFree = decide([q], [{ extension: '1001', state: 'busy', idleSince: s(0) }, { extension: '1002', state: 'busy', idleSince: s(0) }, free('1003')], [call('e', 5, { skill: 'electrical' })], NOW);
  t.same(given(noneFree), {}, 'skilled agents are logged in but busy: the call waits for one');
  t.equal(noneFree.standings[0]!.waitingFor, 'waiting for an agent with skill electrical');
  const noneIn = decide([q], [{ extension: '1001', state: 'logged-out', idleSince: s(0) }, { extension: '1002', state: 'paused', idleSince: s(0) }, free('1003')], [call('e', 5, { skill: 'electrical' })], NOW);
  t.same(given(noneIn), { e: '1003' }, 'nobody with the skill is logged in: any agent rather than none');
  t.match(noneIn.assignments[0]!.why, /no agent with skill electrical is logged in: any agent/);
});

t.test('an agent who let the call ring out is passed over for it, until all have been', async (t) => {
  const d = decide([desk()], [free('1001', 90), free('1002', 10)], [call('a', 30, { passedOver: ['1001'] })], NOW);
  t.same(given(d), { a: '1002' });
  const again = decide([desk()], [free('1001', 90), free('1002', 10)], [call('a', 30, { passedOver: ['1001', '1002'] })], NOW);
  t.same(given(again), { a: '1001' });
  t.match(again.assignments[0]!.why, /every free agent let it ring: offered again/);
});

t.test('queues apart: a normal call of one queue waits while another queue has free agents', async (t) => {
  const other: QueueSpec = { id: 'maint', strategy: 'longest-idle', agents: [agent('2001')] };
  const d = decide([desk({ agents: [agent('1001')] }), other], [{ extension: '1001', state: 'busy', idleSince: s(0) }, free('2001')], [call('d', 50), call('m', 5, { queue: 'maint' })], NOW);
  t.same(given(d), { m: '2001' });
  t.same(d.standings.map((x) => [x.call, x.queue, x.position]), [['d', 'desk', 1], ['m', 'maint', 1]], 'served in one order across queues; positions count within each queue');
});
