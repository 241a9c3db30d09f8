// The gateway's connection: a refused password is a clear fault retried
// slowly; a lost socket is reconnected fast; the resync closes calls that
// ended unseen and drops no live one; a silent HEARTBEAT marks FreeSWITCH hung.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import pino from 'pino';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { FreeswitchGateway, type GatewayOptions } from '../src/pbx/gateway.js';
import { Store } from '../src/store/store.js';
import { FakeEsl } from './helpers/fake-esl.js';

const log = pino({ level: 'silent' });
const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

async function setup(t: Test, esl: FakeEsl, opts: Partial<GatewayOptions> = {}) {
  const port = await esl.start();
  const store = await Store.open(t.testdir(), { site: 's', node: 'n' });
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const gw = new FreeswitchGateway({ host: '127.0.0.1', port, password: 'right-password-1', recordingsDir: join(t.testdirName, 'rec'), ...opts }, { store, health, bus: new EventBus(log), log });
  t.teardown(async () => {
    await gw.stop();
    await store.close();
    await esl.stop();
  });
  return { gw, store, health };
}

const event = (h: Record<string, string>) => {
  const body = JSON.stringify(h);
  return `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`;
};
const UUID_A = '11111111-1111-4111-8111-111111111111';
const UUID_B = '22222222-2222-4222-8222-222222222222';
const created = (uuid: string, dest: string) =>
  event({ 'Event-Name': 'CHANNEL_CREATE', 'Unique-ID': uuid, 'Call-Direction': 'outbound', 'Channel-Name': `sofia/internal/${dest}@127.0.0.1`, 'Channel-State': 'CS_INIT', 'Channel-Call-State': 'DOWN', 'Caller-Destination-Number': dest, variable_origination_caller_id_number: '8000', 'Caller-Channel-Created-Time': String(Date.now() * 1000) });

t.test('a refused password: a named fault, retried slowly, no busy loop', async (t) => {
  const esl = new FakeEsl('right-password-1');
  const { gw, health } = await setup(t, esl, { password: 'wrong-password-9', authRetryMs: 60_000 });
  await gw.start();
  t.ok(await until(() => /refused the password/.test(health.snapshot().components.freeswitch.detail), 3000), 'health names the fault');
  await new Promise((r) => setTimeout(r, 1500));
  const attempts = esl.text.split('auth ').length - 1;
  t.equal(attempts, 1, `one attempt in 1.5 s, not a loop (${attempts})`);
  t.equal(health.snapshot().components.freeswitch.status, 'down');
  t.match(health.snapshot().components.freeswitch.detail, /retrying in 60 s/);
});

t.test('nothing listening: backoff with jitter, capped', async (t) => {
  const esl = new FakeEsl();
  const { gw, health } = await setup(t, esl, { backoffBaseMs: 100, backoffMaxMs: 400 });
  await esl.stop();
  await gw.start();
  await new Promise((r) => setTimeout(r, 500));
  const generation = health.generation;
  await new Promise((r) => setTimeout(r, 1500));
  t.match(health.snapshot().components.freeswitch, { status: 'down', detail: /nothing listens on 127\.0\.0\.1:\d+; trying again within 1 s/ });
  // Several attempts in those 1.5 s, one outage: the UI and central are not sent a new health at each.
  t.equal(health.generation, generation, 'the health did not change from one attempt to the next');
});

t.test('a lost socket: reconnect within 2 s; resync keeps live calls and closes vanished ones', async (t) => {
  const esl = new FakeEsl('right-password-1');
  const { gw, store, health } = await setup(t, esl);
  await gw.start();
  // Connected, subscribed and resynchronised (FreeSWITCH sends no events before the subscription).
  t.ok(await until(() => health.snapshot().components.freeswitch.status === 'ok', 3000), 'connected');
  esl.push(created(UUID_A, '1001') + created(UUID_B, '1002'));
  t.ok(await until(() => gw.channels.size === 2, 2000), 'two live channels from events');
  // While we are away, B ends (no event reaches us) and A stays up.
  esl.channelsJson = JSON.stringify({ row_count: 1, rows: [{ uuid: UUID_A, direction: 'outbound', created_epoch: String(Math.floor(Date.now() / 1000)), name: 'sofia/internal/1001@127.0.0.1', state: 'CS_EXECUTE', cid_name: 'Outbound Call', cid_num: '1001', dest: '1001', callstate: 'ACTIVE', initial_cid_num: '8000' }] });
  const t0 = Date.now();
  for (const s of esl.sockets) s.destroy();
  t.ok(await until(() => !gw.connected, 1000), 'noticed the loss');
  t.ok(await until(() => gw.connected && health.snapshot().components.freeswitch.status === 'ok', 2000), `reconnected in ${Date.now() - t0} ms`);
  t.ok(Date.now() - t0 < 2000, 'within 2 s');
  t.same(gw.channels.list().map((c) => c.uuid), [UUID_A], 'the live table equals FreeSWITCH’s: no phantom, none missing');
  t.ok(await until(() => gw.recorder.backlog === 0, 1000));
  await gw.recorder.flush();
  const rec = await store.calls.byUuid(UUID_B);
  // FreeSWITCH did not restart (same Core-UUID, or none known): the call ended unseen, how is unknown.
  t.match(rec, { uuid: UUID_B, recovered: true, hangupCause: 'NORMAL_UNSPECIFIED', calleeNumber: '1002', callerNumber: '8000' }, 'the vanished call is closed as a recovered record');
  t.equal((await store.outbox.stats()).count, 1, 'and reported to central');
});

t.test('HEARTBEAT silence marks FreeSWITCH hung, its return clears it', async (t) => {
  const esl = new FakeEsl('right-password-1');
  const { gw, health } = await setup(t, esl, { heartbeatTimeoutMs: 400 });
  await gw.start();
  t.ok(await until(() => gw.connected, 3000));
  t.ok(await until(() => /hung: no HEARTBEAT/.test(health.snapshot().components.freeswitch.detail), 2000), 'hung after silence');
  esl.push(event({ 'Event-Name': 'HEARTBEAT', 'Core-UUID': 'x' }));
  t.ok(await until(() => health.snapshot().components.freeswitch.status === 'ok', 1000), 'ok again on HEARTBEAT');
});
