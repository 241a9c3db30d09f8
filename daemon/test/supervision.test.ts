// Supervision faults: each is a record and an `event` message when its cause
// appears, and closes when the cause goes — FreeSWITCH lost, a dispatch phone
// unregistered, the uplink down, stuck buttons, cut wiring, chips gone.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import pino from 'pino';
import { phrase } from '../src/contracts/phrases/index.js';
import { fixedConfig } from '../src/config/holder.js';
import { FaultBook } from '../src/alarms/faults.js';
import { Supervision, dispatchExtensions } from '../src/alarms/supervision.js';
import { configFrom } from '../src/config/load.js';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { FreeswitchGateway } from '../src/pbx/gateway.js';
import { FreeSwitchEmulator } from '../src/sim/freeswitch/index.js';
import type { Fault } from '../src/contracts/faults.js';
import { Store } from '../src/store/store.js';

const log = pino({ level: 'silent' });
const PASSWORD = 'supervision-secret-1';
const until = async (cond: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await cond()) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

const config = configFrom({
  site: 's', node: 'n',
  points: [
    { id: 'km1-2', input: 'in1', label: 'SOS km 1.2', zone: 'a', escalation: { targets: [{ extension: '8000' }, { extension: '8001' }, { gsm: '+8613800138000' }] } },
    { id: 'km2-0', input: 'in2', label: 'SOS km 2.0', zone: 'a', escalation: { targets: [{ extension: '8000' }] } },
  ],
});

async function rig(t: Test) {
  const dir = t.testdir();
  const emu = new FreeSwitchEmulator({ password: PASSWORD, port: 0, recordingsDir: join(dir, 'rec'), phones: [{ number: '8000', name: 'Desk', behaviour: 'answer' }, { number: '8001', name: 'Desk 2', behaviour: 'answer' }] });
  const { port } = await emu.start();
  const store = await Store.open(join(dir, 'data'), { site: 's', node: 'n' });
  const bus = new EventBus(log);
  const seen: Fault[] = [];
  bus.on('fault', (f) => seen.push(f));
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const gw = new FreeswitchGateway({ host: '127.0.0.1', port, password: PASSWORD, recordingsDir: join(dir, 'recordings'), backoffBaseMs: 50, backoffMaxMs: 200 }, { store, health, bus, log });
  await gw.start();
  await until(() => gw.connected, 3000);
  const faults = new FaultBook({ store, bus, log, notify: () => undefined });
  const uplink = { connected: true };
  const pressed = new Set<string>();
  const board = { isPressed: (i: string) => pressed.has(i), status: () => ({ mcp0: { status: 'ok', detail: 'answers' } }) };
  const sup = new Supervision({ config: fixedConfig(config), faults, health, pbx: gw, uplink, board, log }, { freeswitchGraceMs: 1000, uplinkGraceMs: 1000, reconcileAfterMs: 60_000 });
  t.teardown(async () => {
    await sup.stop();
    await gw.stop();
    await store.close();
    await emu.stop().catch(() => undefined);
  });
  const events = async () => (await store.outbox.peek(1000)).filter((r) => r.type === 'event').map((r) => r.envelope.data as { kind: string; state: string; key: string; detail: string });
  return { emu, store, gw, faults, sup, uplink, pressed, seen, events, port, dir };
}

t.test('the dispatch desks are every extension an escalation plan rings', async (t) => {
  t.same(dispatchExtensions(config), ['8000', '8001']);
});

t.test('a dispatch phone that stops registering is a fault after two polls, and clears when it registers again', async (t) => {
  const { emu, store, sup, seen, events } = await rig(t);
  await sup.poll();
  t.same(await store.faults.open(), [], 'both desks registered: no fault');
  emu.phone('8001').unregister();
  await sup.poll();
  t.same(await store.faults.open(), [], 'one miss is not yet a fault (a phone re-registering)');
  await sup.poll();
  t.match(await store.faults.open(), [{ key: 'phone:unregistered:8001', source: 'phone', code: 'unregistered', subject: '8001', detail: /dispatch phone 8001 is not registered/ }]);
  await sup.poll();
  t.equal((await store.faults.recent(10)).length, 1, 'a fault that persists is one record, not one per poll');
  t.match(await events(), [{ kind: 'fault', state: 'raised', key: 'phone:unregistered:8001' }], 'central gets one event');
  emu.phone('8001').register();
  await sup.poll();
  t.same(await store.faults.open(), [], 'registered again: cleared');
  t.match(await events(), [{ state: 'raised' }, { kind: 'fault', state: 'cleared', key: 'phone:unregistered:8001' }]);
  t.same(seen.map((f) => [f.key, f.clearedAt === null]), [['phone:unregistered:8001', true], ['phone:unregistered:8001', false]], 'the UI saw both changes live');
});

t.test('FreeSWITCH gone longer than the grace period is a fault; back, it clears', async (t) => {
  const { emu, store, gw, sup, port, dir } = await rig(t);
  await emu.stop();
  t.ok(await until(() => !gw.connected, 3000), 'the gateway notices');
  const t0 = Date.now();
  await sup.poll(t0);
  t.same(await store.faults.open(), [], 'a short outage (a restart) is not yet a fault');
  await sup.poll(t0 + 1500);
  t.match(await store.faults.open(), [{ key: 'freeswitch:down', source: 'freeswitch', detail: /FreeSWITCH unreachable for more than 1 s: connection lost.*Emergency calls cannot be placed/ }]);
  await sup.poll(t0 + 3000);
  t.same((await store.faults.open()).map((f) => f.key), ['freeswitch:down'], 'no phone faults while FreeSWITCH itself is gone');
  t.equal((await store.faults.recent(10)).length, 1, 'one record for the whole outage');
  // FreeSWITCH comes back on the same port.
  const again = new FreeSwitchEmulator({ password: PASSWORD, port, recordingsDir: join(dir, 'rec2'), phones: [{ number: '8000', name: 'Desk', behaviour: 'answer' }, { number: '8001', name: 'Desk 2', behaviour: 'answer' }] });
  await again.start();
  t.teardown(() => again.stop());
  t.ok(await until(() => gw.connected, 5000), 'the gateway reconnects');
  await sup.poll();
  t.same(await store.faults.open(), [], 'cleared');
});

t.test('the uplink down longer than its grace period is a fault; connected, it clears', async (t) => {
  const { store, sup, uplink } = await rig(t);
  uplink.connected = false;
  const t0 = Date.now();
  await sup.poll(t0);
  await sup.poll(t0 + 1200);
  t.match(await store.faults.open(), [{ key: 'uplink:down', detail: /Alarms are kept and sent when it returns/ }]);
  uplink.connected = true;
  await sup.poll(t0 + 1300);
  t.same(await store.faults.open(), []);
});

t.test('hardware: stuck button, wiring and chip faults open and close with their events', async (t) => {
  const { store, sup, faults } = await rig(t);
  sup.hardware({ kind: 'stuck', input: 'in1', at: 0 });
  sup.hardware({ kind: 'wiring-fault', input: 'in2', at: 0, detail: 'open circuit (4.9 V): wire cut or end-of-line resistor missing' });
  sup.hardware({ kind: 'device-fault', device: 'mcp0', inputs: ['in1', 'in2'], at: 0, detail: 'MCP23017 at 0x20 on bus 1 does not answer' });
  await faults.settled();
  t.match(await store.faults.open(), [
    { key: 'hardware:stuck:in1', detail: /call point km1-2 "SOS km 1.2" \(input in1\): button held down too long/ },
    { key: 'hardware:wiring:in2', detail: /open circuit/ },
    { key: 'hardware:device:mcp0', detail: /does not answer — call points on it cannot raise an alarm: in1, in2/ },
  ]);
  sup.hardware({ kind: 'released', input: 'in1', at: 1 });
  sup.hardware({ kind: 'wiring-ok', input: 'in2', at: 1 });
  sup.hardware({ kind: 'device-ok', device: 'mcp0', inputs: [], at: 1, detail: 'answers again' });
  await faults.settled();
  t.same(await store.faults.open(), [], 'each clears when its cause goes');
  t.equal((await store.faults.recent(10)).length, 3);
});

t.test('faults the previous run left open are closed when their cause is gone, kept when not', async (t) => {
  const { store, faults, gw } = await rig(t);
  const stuck = (input: string) => phrase('fault.hardware.stuck', { where: phrase('where.input', { input }) });
  await faults.raise({ key: 'hardware:stuck:in1', source: 'hardware', code: 'stuck', subject: 'in1', phrase: stuck('in1') });
  await faults.raise({ key: 'hardware:stuck:in2', source: 'hardware', code: 'stuck', subject: 'in2', phrase: stuck('in2') });
  await faults.raise({ key: 'hardware:device:mcp0', source: 'hardware', code: 'device', subject: 'mcp0', phrase: phrase('fault.hardware.device', { device: 'mcp0' }) });
  // A new run: in2 is still held down; mcp0 answers again.
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const board = { isPressed: (i: string) => i === 'in2', status: () => ({ mcp0: { status: 'ok', detail: 'answers' } }) };
  const sup = new Supervision({ config: fixedConfig(config), faults, health, pbx: gw, uplink: undefined, board, log }, { reconcileAfterMs: 10 });
  sup.start();
  t.ok(await until(async () => (await store.faults.open()).length === 1, 3000));
  t.match(await store.faults.open(), [{ key: 'hardware:stuck:in2' }], 'the button still held stays a fault');
  await sup.stop();
});
