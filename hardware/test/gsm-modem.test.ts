// The GSM modem driver against the simulated modem. First tier: a real pty
// pair (socat) with the serialport stack on both ends — SerialPortLink on the
// daemon's side, a SerialPort under GsmModemSim on the other — so bytes cross
// a kernel tty as they would to /dev/ttyUSB2. The edge cases run in-process
// over a Duplex pair in gsm-modem-duplex.test.ts; the simulator's own bytes
// are pinned in gsm-modem-sim.test.ts.
import t from 'tap';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { ConfiguredPin } from '../src/serial/gsm/index.js';
import type { ReceivedSms } from '../src/serial/sms/types.js';
import { delay, ptyRig, until, type Rig } from './gsm-helpers.js';

const SOCAT = { skip: skipUnless('socat') };

async function started(rig: Rig): Promise<Rig> {
  rig.gsm.start();
  await until(() => rig.gsm.status().state !== 'starting' && rig.gsm.status().rssi !== undefined, 'the first poll');
  return rig;
}

/** The commands the simulator received from `from` on. */
const since = (rig: Rig, from: number): string[] => rig.sim.commands.slice(from);

t.test('pty: initialisation reads identity, operator, signal and registration', SOCAT, async (t) => {
  const rig = await started(await ptyRig({ rssi: 20, operator: 'CHINA MOBILE' }));
  t.teardown(() => rig.close());
  const s = rig.gsm.status();
  t.equal(s.state, 'ready');
  t.equal(s.sim, 'ready');
  t.equal(s.imei, '867330051234567');
  t.equal(s.imsi, '460001234567890');
  t.equal(s.iccid, '89860012345678901234');
  t.equal(s.operator, 'CHINA MOBILE');
  t.equal(s.registration, 'home');
  t.equal(s.rssi, 20);
  t.equal(s.dbm, -73); // 27.007 §8.5: -113 + 2·20
  t.equal(s.bars, 4);
  t.same(s.faults, []);
  t.ok(rig.gsm.available());
  // The init sequence, in order (the EC25 model answers AT+CCID with ERROR: fallback to AT+QCCID).
  const c = rig.sim.commands;
  const order = ['AT', 'ATE0', 'AT+CMEE=2', 'AT+CPIN?', 'AT+CREG=2', 'AT+CEREG=2', 'AT+CLIP=1', 'AT+CGSN', 'AT+CMGF=0', 'AT+CNMI=2,1,0,2,0', 'AT+CIMI', 'AT+CCID', 'AT+QCCID', 'AT+CSQ'];
  let at = -1;
  for (const cmd of order) {
    const i = c.indexOf(cmd, at + 1);
    t.ok(i > at, `${cmd} sent in order`);
    at = i;
  }
});

t.test('pty: the PIN is entered once; a wrong PIN is never sent again, even after the port comes back', SOCAT, async (t) => {
  t.test('correct PIN', async (t) => {
    const rig = await started(await ptyRig({ sim: 'pin', pin: '2468' }, { pin: '2468' }));
    t.teardown(() => rig.close());
    t.equal(rig.gsm.status().state, 'ready');
    t.equal(rig.gsm.status().sim, 'ready');
    t.equal(rig.sim.count('AT+CPIN="'), 1, 'one AT+CPIN="…"');
    t.ok(rig.sim.commands.includes('AT+CPIN="2468"'));
    t.notOk(JSON.stringify(rig.gsm.status()).includes('2468'), 'the PIN is not in the status');
  });

  t.test('wrong PIN', async (t) => {
    const pins = new ConfiguredPin('1111');
    const rig = await started(await ptyRig({ sim: 'pin', pin: '2468' }, { pins }));
    t.teardown(() => rig.close());
    const s = rig.gsm.status();
    t.equal(s.state, 'fault');
    t.equal(s.sim, 'pin');
    t.same(s.faults.map((f) => f.code), ['wrong-pin']);
    t.match(s.faults[0]?.detail, /SIM 89860012345678901234 refused the configured PIN \(incorrect password\); it is not entered again/);
    t.equal(s.iccid, '89860012345678901234', 'the ICCID, read before the PIN, is shown');
    t.equal(rig.sim.count('AT+CPIN="'), 1);
    t.equal(rig.sim.pinAttemptsLeft(), 2);

    // The modem vanishes and returns: re-initialised (AT, ATE0, AT+CPIN? again) but no PIN.
    const before = rig.sim.commands.length;
    await rig.unplug?.();
    await until(() => rig.gsm.status().faults.some((f) => f.code === 'modem-silent'), 'the port loss');
    await rig.replug?.();
    await until(() => since(rig, before).filter((c) => c === 'AT+CPIN?').length >= 1 && rig.gsm.status().rssi !== undefined, 're-initialisation');
    t.ok(since(rig, before).includes('ATE0'), 're-initialised');
    t.equal(rig.sim.count('AT+CPIN="'), 1, 'still only one PIN attempt');
    t.equal(rig.sim.pinAttemptsLeft(), 2);
    t.same(rig.gsm.status().faults.map((f) => f.code), ['wrong-pin']);

    // A poll later: still not retried.
    await delay(500);
    t.equal(rig.sim.count('AT+CPIN="'), 1);

    // A new PIN is given: tried once, accepted.
    pins.set('2468');
    await rig.gsm.recheckSim();
    await until(() => rig.gsm.status().state === 'ready', 'ready after the new PIN');
    t.equal(rig.sim.count('AT+CPIN="'), 2);
    t.same(rig.gsm.status().faults, []);
  });

  t.test('a SIM that asks for its PUK is left alone', async (t) => {
    const rig = await started(await ptyRig({ sim: 'puk' }, { pin: '2468' }));
    t.teardown(() => rig.close());
    t.same(rig.gsm.status().faults.map((f) => f.code), ['sim-puk']);
    t.equal(rig.gsm.status().sim, 'puk');
    t.equal(rig.sim.count('AT+CPIN="'), 0);
  });

  t.test('PIN required and none configured', async (t) => {
    const rig = await started(await ptyRig({ sim: 'pin' }));
    t.teardown(() => rig.close());
    t.same(rig.gsm.status().faults.map((f) => f.code), ['pin-required']);
    t.equal(rig.sim.count('AT+CPIN="'), 0);
  });
  t.end();
});

t.test('pty: no SIM', SOCAT, async (t) => {
  const rig = await started(await ptyRig({ sim: 'absent' }));
  t.teardown(() => rig.close());
  const s = rig.gsm.status();
  t.equal(s.state, 'fault');
  t.equal(s.sim, 'absent');
  t.same(s.faults.map((f) => f.code), ['no-sim']);
  t.equal(s.imei, '867330051234567', 'the IMEI is read without a SIM');
  t.equal(s.imsi, undefined);
  t.notOk(rig.gsm.available());
  const r = await rig.gsm.sendSms('+8613800138000', 'test');
  t.same(r, { ok: false, error: 'SMS to +8613800138000 not sent: no SIM card (SIM not inserted): insert one and restart the modem' });
  // The SIM appears (hot-plugged, or the modem restarted with one): picked up by the poll.
  rig.sim.setSim('ready');
  await until(() => rig.gsm.status().state === 'ready', 'ready once the SIM is there');
  t.equal(rig.gsm.status().imsi, '460001234567890', 'set up (IMSI read) before it is called ready');
});

t.test('pty: SMS out — GSM 7-bit, UCS2 Chinese and three parts arrive as the same text', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  const long = 'Alarm at call point 3, east wing, level 2. '.repeat(8).trim(); // 343 GSM characters: three parts
  const texts = ['Alarm: call point 3 pressed @ 12:00 {test}', '紧急呼叫：东区三号报警点已按下，请立即处理。', long];
  const results = await Promise.all(texts.map((text) => rig.gsm.sendSms('+8613912345678', text)));
  for (const r of results) t.equal(r.ok, true, JSON.stringify(r));
  t.equal(rig.sim.sent.length, 3);
  t.same(
    rig.sim.sent.map((m) => [m.to, m.text, m.parts]),
    texts.map((text, i) => ['+8613912345678', text, i === 2 ? 3 : 1]),
  );
  const third = rig.sim.sent[2];
  const r3 = results[2];
  t.same(r3?.ok && r3.refs, third?.mrs, 'the refs are the TP-MRs the modem gave each part');
  t.equal(third?.mrs.length, 3);
  t.type(third?.ref, 'number', 'one concatenation reference for the three parts');
  // One AT+CMGS per part, never interleaved: the queue kept message order.
  t.equal(rig.sim.count('AT+CMGS='), 5);
});

t.test('pty: the network refuses part 2 of 3 — the result names part 1; parts 2 and 3 resent under the same reference complete the message', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  const long = 'Alarm at call point 3, east wing, level 2. '.repeat(8).trim(); // three parts
  rig.sim.refuseSubmit(2, '+CMS ERROR: 38');
  const first = await rig.gsm.sendSms('+8613912345678', long, { statusReport: true });
  t.match(first, { ok: false, error: /part 2 of 3; 1 sent\): network out of order/, total: 3, parts: [{ part: 1 }] });
  if (first.ok || first.concatRef === undefined) return t.fail('no partial result');
  t.match(rig.sim.incomplete(), [{ to: '+8613912345678', ref: first.concatRef, missing: [2, 3] }], 'the phone holds part 1 and waits');
  const rest = await rig.gsm.sendSms('+8613912345678', long, { statusReport: true, concatRef: first.concatRef, parts: [2, 3] });
  t.match(rest, { ok: true, total: 3, concatRef: first.concatRef, parts: [{ part: 2 }, { part: 3 }] });
  t.same(rig.sim.incomplete(), [], 'completed: no orphan');
  t.equal(rig.sim.sent.length, 1, 'one message, not a duplicate');
  t.equal(rig.sim.sent[0]?.text, long);
  t.same(rig.sim.partsSent.map((p) => p.part), [1, 2, 3], 'each part once');
  t.match(await rig.gsm.sendSms('+8613912345678', long, { concatRef: 7, parts: [4] }), { ok: false, error: /has 3 part\(s\): there is no part 4/ });
});

t.test('pty: SMS in — single and three parts out of order; deleted only after the handler resolved', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  const got: ReceivedSms[] = [];
  let release: () => void = () => undefined;
  rig.gsm.onSms(async (sms) => {
    got.push(sms);
    await new Promise<void>((r) => (release = r));
  });

  rig.sim.receiveSms('+8613700000001', 'Hello from the field');
  await until(() => got.length === 1, 'the single SMS handed over');
  t.same(got[0], { from: '+8613700000001', sentAt: got[0]?.sentAt, text: 'Hello from the field', parts: 1 });
  await delay(300);
  t.equal(rig.sim.memory().length, 1, 'still in modem memory while the handler runs');
  t.equal(rig.sim.count('AT+CMGD='), 0);
  release();
  await until(() => rig.sim.memory().length === 0, 'deleted after the handler resolved');

  const long = '请派人到三号楼。'.repeat(20); // 160 UCS2 characters: three parts of ≤ 67
  const slots = rig.sim.receiveSms('+8613700000002', long, { order: [3, 1, 2] });
  t.equal(slots.length, 3);
  await until(() => got.length === 2, 'the three-part SMS handed over once');
  t.equal(got[1]?.text, long);
  t.equal(got[1]?.parts, 3);
  t.equal(rig.sim.memory().length, 3, 'all parts kept until the handler resolved');
  release();
  await until(() => rig.sim.memory().length === 0, 'all three parts deleted');
  await delay(300);
  t.equal(got.length, 2, 'handed over exactly once');
});

t.test('pty: a handler that fails leaves the SMS in memory and gets it again later', SOCAT, async (t) => {
  const rig = await started(await ptyRig({}, { smsRetryMs: 300 }));
  t.teardown(() => rig.close());
  let calls = 0;
  rig.gsm.onSms(async () => {
    calls++;
    if (calls === 1) throw new Error('database is locked');
  });
  rig.sim.receiveSms('+8613700000003', 'retry me');
  await until(() => calls === 1, 'first offer');
  await delay(100);
  t.equal(rig.sim.memory().length, 1, 'not deleted after the failure');
  t.equal(rig.sim.count('AT+CMGD='), 0);
  await until(() => calls === 2, 'offered again');
  await until(() => rig.sim.memory().length === 0, 'deleted after the second, successful offer');
});

t.test('pty: messages that arrived while the daemon was away are picked up at start (AT+CMGL=4)', SOCAT, async (t) => {
  const rig = await ptyRig();
  t.teardown(() => rig.close());
  rig.sim.receiveSms('+8613700000004', 'while you were out', { announce: false });
  const got: string[] = [];
  rig.gsm.onSms(async (sms) => {
    got.push(sms.text);
  });
  await started(rig);
  await until(() => got.length === 1, 'the stored message');
  t.same(got, ['while you were out']);
  await until(() => rig.sim.memory().length === 0, 'deleted');
});

t.test('pty: a URC inside a response is still handled, and the response is still right', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  const got: string[] = [];
  rig.gsm.onSms(async (sms) => {
    got.push(sms.text);
  });
  const [slot] = rig.sim.receiveSms('+8613700000005', 'inside', { announce: false });
  rig.sim.urcInsideNextResponse(`+CMTI: "SM",${slot}`);
  rig.sim.setSignal(25);
  await until(() => got.length === 1, 'the SMS announced inside a response');
  t.same(got, ['inside']);
  await until(() => rig.gsm.status().rssi === 25, 'the poll after');
  t.equal(rig.gsm.status().bars, 5);
  t.equal(rig.gsm.status().state, 'ready');
});

t.test('pty: echo on (ATE1 restored behind our back) — commands, SMS and USSD still work', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  rig.sim.echo(true);
  const r = await rig.gsm.sendSms('+8613912345678', 'with echo');
  t.equal(r.ok, true, JSON.stringify(r));
  t.equal(rig.sim.sent.at(-1)?.text, 'with echo');
  t.same(await rig.gsm.ussd('*100#'), { ok: true, text: 'Balance: 12.30 CNY' });
  rig.sim.setSignal(10);
  await until(() => rig.gsm.status().rssi === 10, 'a poll with echo on');
  t.equal(rig.gsm.status().state, 'ready');
});

t.test('pty: the port vanishes (socat killed) and returns: re-initialised, ready again', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  const states: string[] = [];
  rig.gsm.on('status', (s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  await rig.unplug?.();
  await until(() => rig.gsm.status().state === 'fault', 'the fault');
  t.match(rig.gsm.status().faults, [{ code: 'modem-silent', detail: /closed/ }]);
  t.notOk(rig.gsm.available());
  const r = await rig.gsm.sendSms('+8613912345678', 'nobody there');
  t.equal(r.ok, false);
  const before = rig.sim.count('ATE0');
  await rig.replug?.();
  await until(() => rig.gsm.status().state === 'ready' && rig.gsm.status().rssi !== undefined, 'ready again', 15000);
  t.equal(rig.sim.count('ATE0'), before + 1, 'initialised again');
  t.same(rig.gsm.status().faults, []);
  t.same(states, ['fault', 'starting', 'ready']);
  const again = await rig.gsm.sendSms('+8613912345678', 'back again');
  t.equal(again.ok, true);
});

t.test('pty: USSD balance, and a code that is not a code', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  t.same(await rig.gsm.ussd('*100#'), { ok: true, text: 'Balance: 12.30 CNY' });
  t.ok(rig.sim.commands.includes('AT+CUSD=1,"*100#",15'));
  t.same(await rig.gsm.ussd('*100#"\rATD112;'), { ok: false, error: 'invalid USSD code "*100#\\"\\rATD112;": only digits, * and # are allowed' });
  t.same(await rig.gsm.ussd('*999#'), { ok: false, error: 'the network does not support this USSD code' });
});

t.test('pty: line noise and a truncated response are survived', SOCAT, async (t) => {
  const rig = await started(await ptyRig());
  t.teardown(() => rig.close());
  rig.sim.garbage();
  // The next answer (a poll's) is cut in half: that command times out, the engine resynchronises.
  rig.sim.truncateNext();
  const n = rig.sim.commands.length;
  await until(() => rig.sim.commands.length > n, 'the command whose answer is cut');
  rig.sim.garbage();
  const r = await rig.gsm.sendSms('+8613912345678', 'after the noise');
  t.equal(r.ok, true, JSON.stringify(r));
  t.equal(rig.sim.sent.at(-1)?.text, 'after the noise');
  rig.sim.setSignal(12);
  await until(() => rig.gsm.status().rssi === 12, 'polls go on');
  t.equal(rig.gsm.status().state, 'ready');
  t.same(await rig.gsm.ussd('*100#'), { ok: true, text: 'Balance: 12.30 CNY' });
});
