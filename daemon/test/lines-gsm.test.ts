// The GSM line service in process — the store, health, faults and the lines
// service as the daemon builds them, its modem the simulator on a socat pty
// (`port: sim:gsm0`) — for what health and central see of a modem:
//  - the gsm component is ok only while the modem can send and call: while
//    it searches for a network it is degraded, with the reason; down once
//    that became a fault;
//  - every voice call on the modem reaches central as an `event` of kind
//    gsm-call: who called, which modem, when, answered or not.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { fixedConfig } from '../src/config/holder.js';
import { FaultBook } from '../src/alarms/faults.js';
import { configFrom } from '../src/config/load.js';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { LinesService } from '../src/lines/lines-service.js';
import { createLogger } from '../src/log/logger.js';
import { Store } from '../src/store/store.js';
import { skipUnless } from './helpers/tools.js';
import { SimSerialDevices } from '../src/sim/serial-devices.js';
import { hardwareSerialPorts } from '../src/lines/serial-ports.js';

const until = async <T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function rig(t: Test) {
  const dir = t.testdir();
  const config = configFrom({ site: 's', node: 'n', dataDir: join(dir, 'data'), lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0', pollS: 5 }] } });
  const store = await Store.open(config.dataDir, { site: 's', node: 'n' });
  const logger = await createLogger({ level: 'silent' });
  const bus = new EventBus(logger.ns('bus'));
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const faults = new FaultBook({ store, bus, log: logger.ns('faults'), notify: () => undefined });
  const devices = new SimSerialDevices(config.dataDir, logger, hardwareSerialPorts(logger));
  const lines = new LinesService(fixedConfig(config), { store, bus, faults, health, alarms: () => undefined, logger, notify: () => undefined, ports: devices });
  await lines.start();
  t.teardown(async () => {
    await lines.stop();
    await store.close();
  });
  const sim = devices.modems.get('gsm0');
  if (!sim) throw new Error('no simulated modem');
  const gsm = () => health.snapshot().components.gsm;
  await until(gsm, (g) => g.status === 'ok', 'the modem ready');
  return { store, lines, sim, gsm };
}

t.test('health: searching for a network is degraded with the reason, not ok', { skip: skipUnless('socat') }, async (t) => {
  const { sim, gsm } = await rig(t);
  t.match(gsm(), { status: 'ok', detail: /gsm0: CHINA MOBILE, -\d+ dBm \(\d\/5\), home/ });
  sim.setRegistration('searching');
  const g = await until(gsm, (x) => x.status !== 'ok', 'the change in health');
  t.same(g, {
    status: 'degraded', detail: 'gsm0: not registered (searching for a network); SMS and calls cannot go out',
    phrase: { key: 'list', params: { items: [{ key: 'health.gsm.searching', params: { modem: 'gsm0' } }] } },
  }, 'the reason, in English and as a phrase for any language');
  sim.setRegistration('home');
  await until(gsm, (x) => x.status === 'ok', 'ok again');
  sim.setSignal(99);
  t.match(await until(gsm, (x) => x.status !== 'ok', 'no signal'), { status: 'degraded', detail: /gsm0: no signal/ });
  sim.setSignal(20);
  sim.setRegistration('denied');
  t.match(await until(gsm, (x) => /denied/.test(x.detail), 'denied'), { status: 'degraded', detail: /registration denied by the network/ });
});

t.test('calls on the modem go to central: caller, modem, time, answered or not', { skip: skipUnless('socat') }, async (t) => {
  const { store, lines, sim } = await rig(t);
  const calls = async () => (await store.outbox.peek(200)).map((m) => m.envelope.data as Record<string, unknown>).filter((e) => e.kind === 'gsm-call');

  const before = Date.now();
  sim.incomingCall('+8613911112222');
  await until(() => lines.view().modems[0]?.trunk.call, (c) => c === 'ringing', 'ringing');
  sim.remoteHangup();
  const [missed] = await until(calls, (c) => c.length === 1, 'the missed call at central');
  t.match(missed, { kind: 'gsm-call', modem: 'gsm0', direction: 'in', from: '+8613911112222', answered: false, answeredAt: null, reason: 'no carrier' });
  t.ok(Date.parse(String(missed?.startedAt)) >= before - 1000 && Date.parse(String(missed?.endedAt)) >= Date.parse(String(missed?.startedAt)), 'with when it rang and ended');

  sim.incomingCall('+8613933334444');
  await until(() => lines.view().modems[0]?.trunk.call, (c) => c === 'ringing', 'ringing again');
  t.same(await lines.modems.get('gsm0')?.modem.answer(), { ok: true });
  sim.remoteHangup();
  const all = await until(calls, (c) => c.length === 2, 'the answered call at central');
  t.match(all[1], { from: '+8613933334444', answered: true, answeredAt: /^\d{4}-/ });

  sim.incomingCall('');
  await until(() => lines.view().modems[0]?.trunk.call, (c) => c === 'ringing', 'a withheld number ringing');
  sim.remoteHangup();
  t.match((await until(calls, (c) => c.length === 3, 'the withheld call'))[2], { from: null, answered: false }, 'a withheld number is null, not ""');
});
