// The desk's configuration and its agents: what a queue names must exist,
// overflow may not go round in a circle, a route's queue must be configured;
// an agent acts for themselves (the user named at the phone) or a technician
// for them, every change audited, and the state is still there after the
// store is opened again (a restart).
import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { stringify } from 'yaml';
import type { Actor } from '../src/accounts/actor.js';
import { formatProblem } from '../src/config/errors.js';
import { configFrom, parseConfig } from '../src/config/load.js';
import { referrersOf } from '../src/config/resolve.js';
import { AgentBook } from '../src/desk/agent-book.js';
import { EventBus } from '../src/events/bus.js';
import { Store } from '../src/store/store.js';

const base = {
  site: 's', node: 'n',
  zones: [{ id: 'control', dispatch: true }, { id: 'tunnel-a' }],
  phones: [{ number: '8001', name: 'Desk 1', zone: 'control' }, { number: '8002', name: 'Desk 2', zone: 'control' }, { number: '8009', name: 'Leader', zone: 'control' }],
};
const queue = (o: Record<string, unknown> = {}) => ({ id: 'dispatch', agents: [{ extension: '8001', user: 'ann', zones: ['tunnel-a'] }, { extension: '8002' }], ...o });
const check = (o: Record<string, unknown>) => parseConfig(stringify({ ...base, ...o })).problems.map((p) => formatProblem('c.yaml', p));

t.test('a valid desk says nothing; defaults filled in', async (t) => {
  t.same(check({ queues: [queue({ overflow: { kind: 'extension', extension: '8009' } })], routes: [{ id: 'd', match: { number: '7000' }, to: { queue: 'dispatch', skill: 'electrical', emergency: true } }] }), []);
  const c = configFrom({ ...base, queues: [queue()] });
  t.match(c.queues[0], { strategy: 'longest-idle', ringS: 20, wrapUpS: 10, maxWaitS: 120, vip: [] });
});

t.test('every reference is checked, with what exists', async (t) => {
  const p = check({
    queues: [
      queue({ agents: [{ extension: '8001', zones: ['tunnel-z'] }, { extension: '8005' }, { extension: '8001' }], overflow: { kind: 'ring-group', extensions: ['8009', '8100'] } }),
      queue({ id: 'dispatch' }),
    ],
    routes: [{ id: 'd', match: { number: '7000' }, to: { queue: 'helpdesk' } }],
  });
  const has = (re: RegExp) => t.ok(p.some((x) => re.test(x)), re.source);
  has(/queues\[1\]\.id: .*dispatch/);
  has(/queues\[0\]\.agents\[0\]\.zones\[0\]: no zone "tunnel-z" \(zones: control, tunnel-a\)/);
  has(/queues\[0\]\.agents\[1\]\.extension: no phone "8005" \(phones: 8001, 8002, 8009\)/);
  has(/queues\[0\]\.agents\[2\]\.extension: .*8001/);
  has(/queues\[0\]\.overflow\.extensions\[1\]: no phone "8100"/);
  has(/routes\[0\]\.to\.queue: no queue "helpdesk" \(queues: dispatch, dispatch\)/);
});

t.test('overflow between queues may not go round in a circle', async (t) => {
  const p = check({ queues: [queue({ overflow: { kind: 'queue', queue: 'b' } }), queue({ id: 'b', overflow: { kind: 'queue', queue: 'dispatch' } }), queue({ id: 'c', overflow: { kind: 'queue', queue: 'nope' } })] });
  t.ok(p.some((x) => /queues\[0\]\.overflow\.queue: overflow goes round in a circle \(dispatch → b → dispatch\)/.test(x)), p.join('\n'));
  t.ok(p.some((x) => /queues\[2\]\.overflow\.queue: no queue "nope"/.test(x)));
});

t.test('bad values are refused on their key', async (t) => {
  const p = check({ queues: [queue({ strategy: 'random', wrapUpS: -1, agents: [{ extension: '8001', skills: { electrical: 11 } }] })] });
  t.ok(p.some((x) => /queues\[0\]\.strategy/.test(x)));
  t.ok(p.some((x) => /queues\[0\]\.wrapUpS/.test(x)));
  t.ok(p.some((x) => /queues\[0\]\.agents\[0\]\.skills\.electrical/.test(x)));
});

t.test('a phone or zone an agent names cannot be deleted', async (t) => {
  const c = configFrom({ ...base, queues: [queue({ overflow: { kind: 'extension', extension: '8009' } })] });
  t.same(referrersOf(c, 'phone', '8002'), ['queues[0].agents[1] (dispatch)']);
  t.same(referrersOf(c, 'phone', '8009'), ['queues[0].overflow (dispatch)']);
  t.same(referrersOf(c, 'zone', 'tunnel-a'), ['queues[0].agents[0].zones (dispatch)']);
});

t.test('agents: who may act, each change audited, kept across a restart', async (t) => {
  const dir = join(t.testdir(), 'd');
  const config = configFrom({ ...base, queues: [queue()] });
  const bus = new EventBus(pino({ level: 'silent' }));
  const audits: string[] = [];
  bus.on('audit', (a) => audits.push(`${a.action} ${a.target} ${a.username}: ${a.detail}`));
  const store = await Store.open(dir, { site: 's', node: 'n' });
  const book = new AgentBook({ store, bus, config: () => config });
  await book.load();
  const ann: Actor = { username: 'ann', role: 'viewer', ip: '10.0.0.5' };
  const bob: Actor = { username: 'bob', role: 'viewer', ip: '10.0.0.6' };
  const tech: Actor = { username: 'tess', role: 'technician', ip: '10.0.0.7' };
  t.equal(book.state('8001', Date.now(), false), 'logged-out', 'agents start logged out');
  t.same(await book.act('8001', 'pause', ann, 'lunch'), { ok: false, code: 'conflict', message: 'agent 8001 is logged out: log in first' });
  t.same(await book.act('8001', 'login', ann, null), { ok: true, state: 'available' }, 'ann logs herself in');
  t.match(await book.act('8001', 'logout', bob, null), { ok: false, code: 'forbidden', message: 'only ann or a technician may change agent 8001' });
  t.match(await book.act('8002', 'login', bob, null), { ok: false, code: 'forbidden', message: 'only the agent’s user or a technician may change agent 8002' });
  t.same(await book.act('8002', 'login', tech, null), { ok: true, state: 'available' }, 'a technician logs in an agent');
  t.match(await book.act('8003', 'login', tech, null), { ok: false, code: 'not_found', message: /no agent at extension 8003 \(agents: 8001, 8002\)/ });
  t.match(await book.act('8003', 'login', bob, null), { ok: false, code: 'forbidden' }, 'a viewer does not learn which agents exist');
  t.same(await book.act('8001', 'pause', ann, 'site visit'), { ok: true, state: 'paused' });
  t.match(await book.act('8002', 'resume', tech, null), { ok: false, code: 'conflict', message: 'agent 8002 is not paused (available)' });
  t.equal(book.state('8001', Date.now(), false), 'paused');
  t.same(audits, [
    'desk.agent-login 8001 ann: agent 8001 logged in (was logged-out)',
    'desk.agent-login 8002 tess: agent 8002 logged in by tess (was logged-out)',
    'desk.agent-pause 8001 ann: agent 8001 paused: site visit (was available)',
  ]);
  await book.callEnded('8002', 30);
  t.equal(book.state('8002', Date.now(), false), 'wrap-up', 'after a call: wrap-up');
  t.equal(book.state('8002', Date.now(), true), 'busy');
  await store.close();

  const again = await Store.open(dir, { site: 's', node: 'n' });
  t.teardown(() => again.close());
  const after = new AgentBook({ store: again, bus, config: () => config });
  await after.load();
  t.equal(after.state('8001', Date.now(), false), 'paused', 'still paused after a restart');
  t.equal(after.row('8001')?.reason, 'site visit');
  t.equal(after.state('8002', Date.now(), false), 'wrap-up', 'still wrapping up after a restart');
  t.equal(after.state('8002', Date.now() + 31_000, false), 'available', 'and free once it is over');
});
