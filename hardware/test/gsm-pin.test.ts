// The SIM PIN across driver restarts (a daemon restarting, a crash loop): a
// wrong PIN costs one of the SIM's three attempts, not one per start, when
// the driver is given a PinMemory that outlives it; the card is identified
// by the ICCID read before the PIN; another card is a fresh start; a modem
// that cannot read the ICCID before the PIN is treated as the same card.
// The memory here is a plain object that survives the driver, standing in for
// the daemon's database (daemon/test/gsm-pin.test.ts runs the real one).
import t from 'tap';
import type { PinDecision, PinMemory } from '../src/serial/gsm/index.js';
import type { GsmModemSim } from '../src/sim/serial/gsm-modem-sim.js';
import { duplexRig, until, type Rig } from './gsm-helpers.js';

/** Remembers refusals by card and PIN; a `given` PIN is a person's new one. */
class DurablePins implements PinMemory {
  refusals: Array<{ iccid: string | undefined; pin: string; source: string }> = [];
  asked: Array<string | undefined> = [];
  constructor(public pin: string, public source = 'config') {}
  pinFor(iccid: string | undefined): Promise<PinDecision> {
    this.asked.push(iccid);
    const held = this.refusals.some((r) => r.pin === this.pin && r.source === this.source && (r.iccid === undefined || iccid === undefined || r.iccid === iccid));
    return Promise.resolve(held ? { kind: 'held', why: 'incorrect password', source: this.source } : { kind: 'enter', pin: this.pin, source: this.source });
  }
  refused(iccid: string | undefined, d: { pin: string; source: string }): Promise<void> {
    this.refusals.push({ iccid, ...d });
    return Promise.resolve();
  }
  accepted(): Promise<void> {
    return Promise.resolve();
  }
}

/** Start a driver on `sim` (or a new simulator), wait for its SIM check, return the rig. */
async function start(pins: PinMemory, sim?: GsmModemSim, simOpts = {}): Promise<Rig> {
  const rig = duplexRig({ sim: 'pin', pin: '2468', ...simOpts }, { pins }, sim);
  rig.gsm.start();
  await until(() => rig.gsm.status().state !== 'starting' && rig.gsm.status().rssi !== undefined, 'the first poll');
  return rig;
}

t.test('three restarts with a wrong PIN cost one attempt, not three', async (t) => {
  const pins = new DurablePins('1111');
  let rig = await start(pins);
  const sim = rig.sim;
  t.teardown(() => sim.close());
  for (let restart = 0; restart < 3; restart++) {
    t.same(rig.gsm.status().faults.map((f) => f.code), ['wrong-pin'], `start ${restart + 1}: wrong-pin`);
    await rig.close();
    rig = await start(pins, sim);
  }
  await rig.close();
  t.equal(sim.count('AT+CPIN="'), 1, 'the PIN was sent once in four starts');
  t.equal(sim.pinAttemptsLeft(), 2, 'the SIM has two attempts left, not blocked');
  t.ok(pins.asked.length >= 4, 'asked at each start (and each poll while the SIM is locked)');
  t.same([...new Set(pins.asked)], ['89860012345678901234'], 'always for the card named by its ICCID, read before the PIN');

  // A person gives a new PIN: entered once, taken.
  pins.pin = '2468';
  pins.source = 'entered';
  rig = await start(pins, sim);
  await until(() => rig.gsm.status().state === 'ready', 'ready');
  t.equal(sim.count('AT+CPIN="'), 2);
  await rig.close();
});

t.test('another card (another ICCID) is not held by the refusal of the first', async (t) => {
  const pins = new DurablePins('1111');
  let rig = await start(pins);
  const sim = rig.sim;
  t.teardown(() => sim.close());
  await rig.close();
  sim.setSim('pin', '1111', '89860099999999999999'); // the technician put in a card whose PIN is 1111
  rig = await start(pins, sim);
  await until(() => rig.gsm.status().state === 'ready', 'ready with the new card');
  t.equal(sim.count('AT+CPIN="'), 2, 'the PIN was tried on the new card');
  t.equal(rig.gsm.status().iccid, '89860099999999999999');
  await rig.close();
});

t.test('a modem that cannot read the ICCID before the PIN: the refusal holds for whatever card is in it', async (t) => {
  const pins = new DurablePins('1111');
  let rig = await start(pins, undefined, { iccidBeforePin: false });
  const sim = rig.sim;
  t.teardown(() => sim.close());
  t.match(rig.gsm.status().faults, [{ code: 'wrong-pin', detail: /its ICCID cannot be read before the PIN/ }]);
  await rig.close();
  rig = await start(pins, sim);
  t.equal(sim.count('AT+CPIN="'), 1, 'not sent again');
  t.same([...new Set(pins.asked)], [undefined], 'asked for an unknown card');
  await rig.close();
});
