// ACD queues on the FreeSWITCH emulator, through the real edges: the daemon
// in a child process, the emulator running the configuration provisioning
// wrote (its xml_curl binding routes each call to the daemon's router), the
// agents logging in over the HTTP API. 20 callers into a queue of 3 agents:
// nobody is lost (each answered by an agent, or by the overflow after
// maxWaitS); the emergency caller first, then the VIP, then callers of the
// zone the free agent covers, then by wait; a paused agent gets no call;
// wrap-up is respected. Then the daemon is killed with callers waiting, and
// started again: they are served in their order, agents' states kept, and
// an agent who lets a call ring out is passed over for it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { DeviceSecrets } from '../../provisioning/src/device-secrets.js';
import type { DeskView } from '../src/contracts/desk.js';
import { FreeSwitchEmulator, readFreeswitchConfig } from '../src/sim/freeswitch/index.js';
import { freePort } from './helpers/daemon.js';
import { Central, provision, until, WorldDaemon, writeWorldConfig } from './routing-world/world.js';

const AGENTS = ['8001', '8002', '8003'];
const BACKUP = '8009';
const CALLERS = Array.from({ length: 20 }, (_, i) => String(5001 + i));
const TUNNEL_A = new Set(['5002', '5007', '5012', '5017']);
const VIP = '5005';
const SOS = '5020';
const WRAP_UP_S = 2;
const MAX_WAIT_S = 30;
const permissions = ['same-zone', 'other-zones', 'dispatch'];

const site = {
  zones: [
    { id: 'control', name: 'Control room', dispatch: true, permissions },
    { id: 'tunnel-a', name: 'Tunnel A', permissions },
    { id: 'tunnel-b', name: 'Tunnel B', permissions },
  ],
  phones: [
    ...AGENTS.map((n) => ({ number: n, name: `Desk ${n}`, zone: 'control' })),
    { number: BACKUP, name: 'Shift leader', zone: 'control' },
    ...CALLERS.map((n) => ({ number: n, name: `Niche ${n}`, zone: TUNNEL_A.has(n) ? 'tunnel-a' : 'tunnel-b' })),
  ],
  routes: [
    { id: 'desk', match: { number: '7000' }, to: { queue: 'dispatch' } },
    // The tunnel phones' SOS key dials 7999: the same desk, as an emergency.
    { id: 'desk-sos', match: { number: '7999' }, to: { queue: 'dispatch', emergency: true } },
  ],
  queues: [
    {
      id: 'dispatch', name: 'Tunnel dispatch', strategy: 'longest-idle', ringS: 5, wrapUpS: WRAP_UP_S, maxWaitS: MAX_WAIT_S, vip: [VIP],
      agents: [{ extension: '8001', zones: ['tunnel-a'] }, { extension: '8002' }, { extension: '8003' }],
      overflow: { kind: 'queue', queue: 'backup' },
    },
    { id: 'backup', name: 'Shift leader', strategy: 'longest-idle', wrapUpS: 0, maxWaitS: 600, agents: [{ extension: BACKUP }] },
  ],
};

const dir = t.testdir();
const central = await Central.start();
const httpPort = await freePort();
const eslPort = await freePort();
const configFile = writeWorldConfig(dir, { httpPort, eslPort, brokerUrl: central.broker.url, site });
const provisioned = join(dir, 'provisioned');
await provision(configFile, provisioned);
const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
const emu = new FreeSwitchEmulator({
  password: secrets.eslPassword, port: eslPort, heartbeatMs: 0, recordingsDir: join(dir, 'emulator-recordings'),
  phones: site.phones.map((p) => ({ number: p.number, name: p.name, zone: p.zone, behaviour: 'answer' as const, answerAfterMs: 150, busyWhenInCall: true })),
  config: readFreeswitchConfig(provisioned),
});
await emu.start();
let daemon = await WorldDaemon.start({ dir, configFile, port: httpPort });
t.teardown(async () => {
  if (process.env.DESK_LOG) writeFileSync(process.env.DESK_LOG, [...daemon.log(), '--- events', ...rings.map((r) => `ring ${r.phone} ${r.caller} ${r.at}`), ...answers.map((r) => `answer ${r.phone} ${r.caller} ${r.at}`), ...[...hungUp].map(([p, a]) => `hung ${p} ${a.join(' ')}`)].join('\n'));
  await daemon.stop();
  await emu.stop();
  await central.close();
});

/** Every ring at a desk phone and every answer there: who, which caller, when. */
const rings: Array<{ phone: string; caller: string; at: number }> = [];
const answers: Array<{ phone: string; caller: string; at: number }> = [];
const hungUp = new Map<string, number[]>();
/** The agents hang up a call this long after answering it (the talk). */
const TALK_MS = 300;
emu.on('event', (ev) => {
  if (ev.get('Call-Direction') !== 'outbound') return;
  const ch = emu.channel(ev.get('Unique-ID') ?? '');
  if (!ch?.phone || ch.phone.startsWith('50')) return;
  if (ev.name === 'CHANNEL_CREATE') rings.push({ phone: ch.phone, caller: ch.callerNumber, at: Date.now() });
  if (ev.name === 'CHANNEL_ANSWER') {
    answers.push({ phone: ch.phone, caller: ch.callerNumber, at: Date.now() });
    const phone = ch.phone;
    setTimeout(() => {
      if (emu.phone(phone).hangup()) hungUp.set(phone, [...(hungUp.get(phone) ?? []), Date.now()]);
    }, TALK_MS);
  }
});

const desk = async (): Promise<DeskView> => (await daemon.api.get('/api/desk')).body as DeskView;
const agentDo = async (ext: string, action: string, body?: unknown) => {
  const r = await daemon.api.req('POST', `/api/desk/agents/${ext}/${action}`, body);
  if (r.status !== 200) throw new Error(`${action} ${ext}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as DeskView['agents'][number];
};
const dialled = new Map<string, { uuid: string; at: number }>();
const dial = (from: string, to: string) => dialled.set(from, { uuid: emu.phone(from).dial(to), at: Date.now() });
const answeredBy = (caller: string) => answers.find((a) => a.caller === caller)?.phone;

t.test('20 callers, 3 agents: ranked, served, overflowed — nobody lost', async (t) => {
  // 8003 is in but paused before the first call; the others are out: the callers wait and are ranked.
  await agentDo('8003', 'login');
  const paused = await agentDo('8003', 'pause', { reason: 'break' });
  t.equal(paused.state, 'paused');
  for (const n of CALLERS.filter((n) => n !== SOS)) {
    dial(n, '7000');
    await new Promise((r) => setTimeout(r, 120));
  }
  dial(SOS, '7999');
  t.ok(await until(async () => (await desk()).queues[0]!.waiting.length === 20, 20_000, 200), 'all 20 wait in the queue');
  const waiting = (await desk()).queues[0]!.waiting;
  const caller = (i: number) => waiting[i]!.caller;
  t.equal(caller(0), SOS, 'the emergency caller is first');
  t.same(waiting[0]!.reasons.slice(0, 1), ['emergency: ahead of all']);
  t.equal(caller(1), VIP, 'then the VIP');
  t.same(waiting[1]!.reasons.slice(0, 1), ['VIP']);
  t.same(waiting.slice(2).map((w) => w.caller), CALLERS.filter((n) => n !== SOS && n !== VIP), 'then by wait (no agent is free: zones do not count yet)');
  t.match(waiting.find((w) => w.caller === '5002')!.reasons, ['zone tunnel-a: no free agent covers it', /^waiting \d+ s$/]);
  t.ok(waiting.every((w) => w.waitingFor === 'no free agent'));

  // 8001 (covering tunnel-a) takes calls.
  await agentDo('8001', 'login');
  t.ok(await until(() => answers.length >= 6, 30_000), '8001 answers its first six calls');
  t.same(answers.slice(0, 6).map((a) => a.caller), [SOS, VIP, '5002', '5007', '5012', '5017'], 'emergency, VIP, then the tunnel-a callers 8001 covers, each in arrival order');
  // Then 8002 joins; by maxWaitS the rest move to the backup queue, where the shift leader logs in.
  await agentDo('8002', 'login');
  await agentDo(BACKUP, 'login');
  t.ok(await until(() => CALLERS.every((n) => answeredBy(n)), 90_000, 200), `every caller was answered (unanswered: ${CALLERS.filter((n) => !answeredBy(n)).join(', ')})`);

  t.notOk(rings.some((r) => r.phone === '8003'), 'the paused agent never rang');
  for (const n of CALLERS) {
    const a = answers.find((x) => x.caller === n)!;
    const waitedS = (a.at - dialled.get(n)!.at) / 1000;
    if (a.phone === BACKUP) t.ok(waitedS >= MAX_WAIT_S - 1, `${n} overflowed to the backup queue after ${waitedS.toFixed(1)} s (≥ maxWaitS ${MAX_WAIT_S})`);
    else t.ok(AGENTS.includes(a.phone), `${n} answered by agent ${a.phone} after ${waitedS.toFixed(1)} s`);
  }
  t.ok(answers.some((a) => a.phone === BACKUP), 'some callers overflowed (the agents could not take all 20 within maxWaitS)');
  // Within each queue, among callers of no covered zone, service is in arrival order.
  const order = (phones: string[]) => answers.filter((a) => phones.includes(a.phone) && !TUNNEL_A.has(a.caller) && a.caller !== SOS && a.caller !== VIP).map((a) => a.caller);
  const inDispatch = order(['8001', '8002']);
  t.same(inDispatch, [...inDispatch].sort(), 'the desk took the others in arrival order');
  const inBackup = order([BACKUP]);
  t.same(inBackup, [...inBackup].sort(), 'the backup queue took its callers in arrival order (they kept their arrival time)');
  // Wrap-up: no agent rang again within wrapUpS of hanging up.
  for (const ext of ['8001', '8002']) {
    for (const end of hungUp.get(ext) ?? []) {
      const next = rings.find((r) => r.phone === ext && r.at > end);
      if (next) t.ok(next.at - end >= WRAP_UP_S * 1000 - 100, `${ext} rang again ${next.at - end} ms after a call (wrap-up ${WRAP_UP_S} s)`);
    }
  }
  t.ok(await until(async () => (await desk()).queues.every((q) => q.waiting.length === 0), 10_000), 'no call is left waiting');
});

t.test('the daemon killed with callers waiting: after the restart they are served in order', async (t) => {
  for (const ext of ['8001', '8002', BACKUP]) await agentDo(ext, 'logout');
  await until(async () => (await desk()).agents.every((a) => a.state === 'logged-out' || a.state === 'paused'), 10_000);
  const before = answers.length;
  const callers = ['5010', '5002', VIP, '5011'];
  for (const n of callers) {
    dial(n, '7000');
    await new Promise((r) => setTimeout(r, 150));
  }
  t.ok(await until(async () => (await desk()).queues[0]!.waiting.length === 4, 15_000), 'four callers wait');
  await daemon.kill();
  await new Promise((r) => setTimeout(r, 500));
  daemon = await WorldDaemon.start({ dir, configFile, port: httpPort });
  t.ok(await until(async () => (await desk()).queues[0]!.waiting.length === 4, 20_000, 200), 'after the restart the four still wait');
  const view = await desk();
  t.same(view.queues[0]!.waiting.map((w) => w.caller), [VIP, '5010', '5002', '5011'], 'in their order: the VIP, then by arrival');
  const a8003 = view.agents.find((a) => a.extension === '8003')!;
  t.same([a8003.state, a8003.reason], ['paused', 'break'], 'the paused agent is still paused, with its reason');
  t.equal(view.agents.find((a) => a.extension === '8001')!.state, 'logged-out');
  t.ok(dialled.get('5010') && emu.channel(dialled.get('5010')!.uuid), 'the callers stayed in FreeSWITCH all along');

  // 8002 lets the first offer ring out (ringS 5 s): the call is not lost, it is offered again.
  emu.phone('8002').setBehaviour('no-answer');
  await agentDo('8002', 'login');
  const ringsOfVip = () => rings.filter((r) => r.phone === '8002' && r.caller === VIP);
  t.ok(await until(() => ringsOfVip().length >= 1, 10_000), '8002 rings with the VIP first');
  const first = ringsOfVip()[0]!.at;
  t.ok(await until(async () => (await desk()).queues[0]!.waiting.find((w) => w.caller === VIP)?.offeredTo.length === 0 || ringsOfVip().length >= 2, 15_000, 100), 'the ring ends unanswered');
  emu.phone('8002').setBehaviour('answer');
  t.ok(await until(() => ringsOfVip().length >= 2, 15_000), 'the VIP is offered again');
  t.ok(ringsOfVip()[1]!.at - first >= 4500, `after the ring time (${ringsOfVip()[1]!.at - first} ms)`);
  t.ok(await until(() => callers.every((n) => answers.slice(before).some((a) => a.caller === n)), 40_000, 200), 'all four answered');
  t.same(answers.slice(before).map((a) => [a.phone, a.caller]), [['8002', VIP], ['8002', '5010'], ['8002', '5002'], ['8002', '5011']], 'one agent: in the order shown before the restart');
});
