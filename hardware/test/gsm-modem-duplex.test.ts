// The GSM modem driver's edge cases, in-process over a Duplex pair (fast, no
// socat): errors as values, delivery reports, calls, power-down, undecodable
// PDUs, the time-based faults, a 2G-only modem, a hung and a slow modem.
// The same scenarios over a real pty are in gsm-modem.test.ts.
import t from 'tap';
import type { BadPdu, CallEvent, DeliveryReport, GsmFault } from '../src/serial/gsm/index.js';
import { barsForDbm, parseCusd, parseRegistration, rssiToDbm } from '../src/serial/gsm/index.js';
import { delay, duplexRig, until, type Rig } from './gsm-helpers.js';

async function started(rig: Rig): Promise<Rig> {
  rig.gsm.start();
  await until(() => rig.gsm.status().state !== 'starting' && rig.gsm.status().rssi !== undefined, 'the first poll');
  return rig;
}

const codes = (rig: Rig): string[] => rig.gsm.status().faults.map((f) => f.code);

t.test('27.007 §8.5 rssi → dBm → bars, registration and USSD parsing', async (t) => {
  t.same([0, 1, 2, 10, 20, 30, 31, 99].map(rssiToDbm), [-113, -111, -109, -93, -73, -53, -51, undefined]);
  t.same([0, 1, 5, 6, 10, 11, 15, 16, 20, 21, 31, 99].map((r) => barsForDbm(rssiToDbm(r))), [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0]);
  t.equal(parseRegistration('+CREG: 2,1,"1A2B","01C3D4E5",7', 'read'), 'home');
  t.equal(parseRegistration('+CREG: 0,5', 'read'), 'roaming');
  t.equal(parseRegistration('+CEREG: 2,3', 'read'), 'denied');
  t.equal(parseRegistration('+CREG: 2', 'urc'), 'searching');
  t.equal(parseRegistration('+CREG: 0', 'urc'), 'not-registered');
  t.same(parseCusd('0,"Balance: 12.30 CNY",15'), { m: 0, text: 'Balance: 12.30 CNY', dcs: 15 });
  t.same(parseCusd('0,"4F59989D003A0031002E0030",72'), { m: 0, text: '余额:1.0', dcs: 72 });
  t.same(parseCusd('4'), { m: 4 });
});

t.test('errors come back as values with readable text', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  t.same(await rig.gsm.sendSms('call me', 'x'), { ok: false, error: 'invalid phone number "call me": expected an optional "+" and 1–20 digits' });
  t.same(await rig.gsm.sendSms('+86 139-1234 5678', ''), { ok: false, error: 'empty message to +86 139-1234 5678: not sent' });
  rig.sim.errorNext('+CMS ERROR: 330');
  t.same(await rig.gsm.sendSms('+8613912345678', 'x'), { ok: false, error: 'SMS to +8613912345678 not sent: SMSC address unknown' });
  rig.sim.errorNext('+CMS ERROR: 38');
  t.same(await rig.gsm.sendSms('+86 139-1234 5678', 'x'), {
    ok: false,
    error: 'SMS to +86 139-1234 5678 not sent: network out of order (network cause 38)',
  });
  const ok = await rig.gsm.sendSms('+86 139-1234 5678', 'spaces and dashes are fine');
  t.equal(ok.ok, true);
  t.equal(rig.sim.sent.at(-1)?.to, '+8613912345678');
});

t.test('delivery reports: stored (+CDSI), read, reported and deleted', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  const reports: DeliveryReport[] = [];
  rig.gsm.on('delivery', (r) => reports.push(r));
  const r = await rig.gsm.sendSms('+8613912345678', 'report please', { statusReport: true });
  if (!r.ok) return t.fail(r.error);
  t.equal(rig.sim.sent.at(-1)?.statusReport, true, 'TP-SRR set');
  const [mr] = r.refs;
  rig.sim.deliverReport(mr ?? -1, true);
  await until(() => reports.length === 1, 'the report');
  t.match(reports[0], { ref: mr, delivered: true, status: 0, final: true, recipient: '+8613912345678' });
  rig.sim.deliverReport(mr ?? -1, false);
  await until(() => reports.length === 2, 'the failure report');
  t.match(reports[1], { ref: mr, delivered: false, status: 0x41 });
  await until(() => rig.sim.memory().length === 0, 'reports deleted from memory');
});

t.test('delivery reports without the SMSC field (27.005 §3.1 <length> counts only the TPDU) are read, not refused', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  const reports: DeliveryReport[] = [];
  const bad: BadPdu[] = [];
  rig.gsm.on('delivery', (r) => reports.push(r));
  rig.gsm.on('bad-pdu', (b) => bad.push(b));
  const r = await rig.gsm.sendSms('+8613912345678', 'report please', { statusReport: true });
  if (!r.ok) return t.fail(r.error);
  const [mr] = r.refs;
  rig.sim.deliverReport(mr ?? -1, true, { sca: false }); // stored: +CDSI, then AT+CMGR gives "+CMGR: 0,,25" and the bare TPDU
  await until(() => reports.length + bad.length === 1, 'the stored report');
  rig.sim.state.cnmi = [2, 1, 0, 1, 0];
  rig.sim.deliverReport(mr ?? -1, true, { sca: false }); // direct: "+CDS: 25" and the bare TPDU
  await until(() => reports.length + bad.length === 2, 'the direct report');
  t.same(bad, [], 'neither refused as undecodable');
  t.match(reports, [{ ref: mr, delivered: true, recipient: '+8613912345678' }, { ref: mr, delivered: true, recipient: '+8613912345678' }]);
  await until(() => rig.sim.memory().length === 0, 'the stored one deleted');
});

t.test('incoming call: RING + CLIP → ringing with the number; NO CARRIER → ended', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  const calls: CallEvent[] = [];
  rig.gsm.on('call', (c) => calls.push(c));
  t.ok(rig.sim.state.clip, 'AT+CLIP=1 was sent');
  rig.sim.incomingCall('+8613911112222');
  await until(() => calls.length === 1, 'ringing');
  t.same(calls, [{ kind: 'ringing', from: '+8613911112222' }]);
  await delay(700); // two more RINGs: no new event
  t.equal(calls.length, 1);
  rig.sim.remoteHangup();
  await until(() => calls.length === 2, 'ended');
  t.same(calls[1], { kind: 'ended', reason: 'no carrier' });
  t.ok(rig.gsm.available());
});

// Each family announces power events in its own words (power-notices.ts cites
// the manuals): SIM800/SIM7600 "UNDER-VOLTAGE WARNNING" … "NORMAL POWER DOWN",
// EC25 '+QIND: "vbatt",-1' … "POWERED DOWN". A warning is a fault while the
// modem keeps working; a power-down stops sending until the modem is back.
for (const model of ['sim800', 'sim7600', 'ec25'] as const) {
  t.test(`power notices of a ${model}: warning, power-down, and back when the modem restarts (RDY)`, async (t) => {
    const rig = await started(duplexRig({ model }));
    t.teardown(() => rig.close());
    const faults: GsmFault[] = [];
    rig.gsm.on('fault', (f) => faults.push(f));
    rig.sim.powerDownNotice('under-voltage-warning');
    await until(() => codes(rig).includes('power-down'), 'the under-voltage warning', 3000);
    t.match(faults[0]?.detail, /supply voltage is too low/);
    t.match(faults[0]?.detail, model === 'ec25' ? /\+QIND: "vbatt",-1/ : /UNDER-VOLTAGE WARNNING/, 'in the modem\'s own words');
    t.equal((await rig.gsm.sendSms('+8613912345678', 'still works')).ok, true, 'a warning does not stop sending');

    rig.sim.powerDownNotice('normal');
    const words = model === 'ec25' ? /POWERED DOWN/ : /NORMAL POWER DOWN/;
    await until(() => rig.gsm.status().faults.some((f) => words.test(f.detail)), 'the power-down', 3000);
    const r = await rig.gsm.sendSms('+8613912345678', 'nobody home');
    t.match(r, { ok: false, error: words });
    const ate0 = rig.sim.count('ATE0');
    rig.sim.powerOn();
    await until(() => rig.gsm.status().state === 'ready' && rig.sim.count('ATE0') > ate0, 're-initialised after RDY');
    t.equal(rig.sim.state.echo, false, 'echo (back on after the restart) switched off again');
    t.same(codes(rig), []);

    rig.sim.powerDownNotice('over-voltage');
    await until(() => rig.gsm.status().faults.some((f) => /too high/.test(f.detail)), 'the over-voltage power-down', 3000);
    t.match((await rig.gsm.sendSms('+8613912345678', 'off')).ok, false);
  });
}

t.test('temperature notices (SIMCom +CMTE): a warning, then the power-down', async (t) => {
  const rig = await started(duplexRig({ model: 'sim800' }));
  t.teardown(() => rig.close());
  rig.sim.powerDownNotice('over-temperature-warning');
  await until(() => codes(rig).includes('power-down'), 'the temperature warning', 3000);
  t.match(rig.gsm.status().faults[0]?.detail, /"\+CMTE: 1".*too hot/);
  rig.sim.powerDownNotice('over-temperature');
  await until(() => rig.gsm.status().faults.some((f) => /\+CMTE: 2/.test(f.detail)), 'the power-down', 3000);
  t.match(await rig.gsm.sendSms('+8613912345678', 'hot'), { ok: false, error: /too hot/ });
});

t.test('a PDU that does not decode is logged, reported and deleted', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  const bad: BadPdu[] = [];
  const good: string[] = [];
  rig.gsm.on('bad-pdu', (b) => bad.push(b));
  rig.gsm.onSms(async (sms) => {
    good.push(sms.text);
  });
  const idx = rig.sim.receivePdu('0004');
  rig.sim.receiveSms('+8613700000006', 'the next one is fine');
  await until(() => good.length === 1 && bad.length === 1, 'both handled');
  t.match(bad[0], { index: idx, hex: '0004', error: /TP-OA|octet/ });
  await until(() => rig.sim.memory().length === 0, 'both gone from memory');
});

t.test('not registered and no signal become faults after their grace periods, and clear', async (t) => {
  const rig = await started(duplexRig({}, { registrationGraceMs: 400, signalGraceMs: 400 }));
  t.teardown(() => rig.close());
  rig.sim.setRegistration('roaming');
  await until(() => rig.gsm.status().registration === 'roaming', 'the +CREG URC');
  t.equal(rig.gsm.status().state, 'ready');
  rig.sim.setRegistration('searching');
  await until(() => rig.gsm.status().registration === 'searching', 'searching');
  t.same(codes(rig), [], 'not yet: grace period');
  t.notOk(rig.gsm.available());
  await until(() => codes(rig).includes('not-registered'), 'the not-registered fault');
  rig.sim.setRegistration('home');
  await until(() => codes(rig).length === 0, 'cleared');

  rig.sim.setSignal(99);
  await until(() => rig.gsm.status().rssi === 99, 'rssi unknown');
  t.equal(rig.gsm.status().bars, 0);
  await until(() => codes(rig).includes('no-signal'), 'the no-signal fault');
  rig.sim.setSignal(14);
  await until(() => rig.gsm.status().state === 'ready', 'cleared');
  t.equal(rig.gsm.status().bars, 3);
});

t.test('a 2G-only SIM800: AT+CEREG ERROR is ignored and not asked again; ICCID via AT+CCID', async (t) => {
  const rig = await started(duplexRig({ model: 'sim800' }));
  t.teardown(() => rig.close());
  await delay(500); // a few polls
  t.equal(rig.gsm.status().state, 'ready');
  t.equal(rig.gsm.status().iccid, '89860012345678901234');
  t.equal(rig.sim.count('AT+CEREG'), 1, 'only the AT+CEREG=2 of the initialisation');
  t.equal(rig.sim.count('AT+QCCID'), 0);
});

t.test('a hung modem becomes modem-silent; when it answers again it is re-initialised', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  rig.sim.silent(true);
  await until(() => codes(rig).includes('modem-silent'), 'modem-silent', 15000);
  t.notOk(rig.gsm.available());
  const ate0 = rig.sim.count('ATE0');
  rig.sim.silent(false);
  await until(() => rig.gsm.status().state === 'ready' && rig.sim.count('ATE0') > ate0, 'ready again', 15000);
});

t.test('a slow modem (300 ms per answer) still works', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  rig.sim.slow(300);
  const r = await rig.gsm.sendSms('+8613912345678', 'slowly');
  t.equal(r.ok, true);
  t.same(await rig.gsm.ussd('*100#'), { ok: true, text: 'Balance: 12.30 CNY' });
});

t.test('two messages sent at once never interleave their parts', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  const a = 'A'.repeat(300);
  const b = 'B'.repeat(300);
  const [ra, rb] = await Promise.all([rig.gsm.sendSms('+8613900000001', a), rig.gsm.sendSms('+8613900000002', b)]);
  t.equal(ra?.ok && rb?.ok, true);
  t.same(rig.sim.sent.map((m) => [m.to, m.text]), [['+8613900000001', a], ['+8613900000002', b]]);
  t.not(rig.sim.sent[0]?.ref, rig.sim.sent[1]?.ref, 'a fresh concatenation reference per message');
  const order = rig.sim.sent.flatMap((m) => m.mrs);
  t.same(order, [...order].sort((x, y) => x - y), 'parts in sequence');
});

t.test('direct delivery: +CMT (CNMI mt=2) and +CDS (ds=1) are handled too', async (t) => {
  const rig = await started(duplexRig());
  t.teardown(() => rig.close());
  const got: string[] = [];
  const reports: DeliveryReport[] = [];
  rig.gsm.onSms(async (sms) => {
    got.push(sms.text);
  });
  rig.gsm.on('delivery', (r) => reports.push(r));
  // As a modem that does not store (or a setting changed behind our back).
  rig.sim.state.cnmi = [2, 2, 0, 1, 0];
  rig.sim.receiveSms('+8613700000007', 'straight through');
  await until(() => got.length === 1, '+CMT handed over');
  t.same(got, ['straight through']);
  t.equal(rig.sim.memory().length, 0, 'nothing stored, nothing to delete');
  const r = await rig.gsm.sendSms('+8613912345678', 'report direct', { statusReport: true });
  if (!r.ok) return t.fail(r.error);
  rig.sim.deliverReport(r.refs[0] ?? -1, true);
  await until(() => reports.length === 1, '+CDS');
  t.match(reports[0], { ref: r.refs[0], delivered: true });
});

t.test('a multi-part SMS whose last part never comes is handed over with "…" after partsTimeoutMs', async (t) => {
  const rig = await started(duplexRig({}, { partsTimeoutMs: 300 }));
  t.teardown(() => rig.close());
  const got: string[] = [];
  rig.gsm.onSms(async (sms) => {
    got.push(sms.text);
  });
  const text = `${'x'.repeat(153)}${'y'.repeat(153)}zzz`;
  rig.sim.receiveSms('+8613700000008', text, { order: [1, 2] });
  await until(() => got.length === 1, 'the incomplete message', 5000);
  t.equal(got[0], `${'x'.repeat(153)}${'y'.repeat(153)}…`);
  await until(() => rig.sim.memory().length === 0, 'its parts deleted');
});
