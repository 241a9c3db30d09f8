// What central hears of a modem: its state, SIM, registration and operator
// when they change, and the signal when it moves by two bars — not every poll.
import { join } from 'node:path';
import t from 'tap';
import pino from 'pino';
import { FaultBook } from '../src/alarms/faults.js';
import { EventBus } from '../src/events/bus.js';
import { GsmLine } from '../src/lines/gsm-line.js';
import { SmsDispatch } from '../src/lines/sms-dispatch.js';
import { Store } from '../src/store/store.js';
import { Emitter } from '../../hardware/src/emitter.js';
import type { GsmModem, GsmModemEvents, GsmStatus } from '../../hardware/src/serial/gsm/index.js';

const log = pino({ level: 'silent' });

class FakeModem extends Emitter<GsmModemEvents> {
  st: GsmStatus = { id: 'gsm0', state: 'starting', sim: 'unknown', registration: 'unknown', bars: 0, faults: [], since: 0 };
  status() { return this.st; }
  set(p: Partial<GsmStatus>) { this.st = { ...this.st, ...p }; this.emit('status', this.st); }
  available() { return this.st.state === 'ready'; }
  onSms() { return () => undefined; }
  start() {}
  async stop() {}
}

t.test('modem state to central, without a message per poll', async (t) => {
  const store = await Store.open(join(t.testdir(), 'd'), { site: 's', node: 'n' });
  t.teardown(() => store.close());
  const bus = new EventBus(log);
  const faults = new FaultBook(store, bus, log, () => undefined);
  const modem = new FakeModem();
  const line = new GsmLine({ id: 'gsm0', port: '/dev/ttyUSB2', modem: modem as unknown as GsmModem, store, faults, sms: new SmsDispatch(store, bus, faults, log, () => undefined), log, changed: () => undefined, notify: () => undefined });
  line.start();
  modem.set({ state: 'ready', sim: 'ready', registration: 'home', operator: 'CHINA MOBILE', rssi: 20, dbm: -73, bars: 4 });
  modem.set({ rssi: 19, dbm: -75, bars: 3 });
  modem.set({ rssi: 20, dbm: -73, bars: 4 });
  modem.set({ rssi: 10, dbm: -93, bars: 2 });
  modem.set({ registration: 'searching', bars: 2 });
  await new Promise((r) => setTimeout(r, 200));
  await line.stop();
  const events = (await store.outbox.peek(100)).map((r) => r.envelope.data as { kind: string; registration: string; bars: number; operator: string });
  t.same(events.filter((e) => e.kind === 'gsm-state').map((e) => `${e.registration}/${e.bars}`), ['home/4', 'home/2', 'searching/2'], 'a one-bar flicker is not news; two bars and a registration change are');
  t.match(events[0], { operator: 'CHINA MOBILE' });
});
