// The line-card driver against the simulated card: over an in-memory cable on
// a ManualClock for every timing (initialisation, events, stuck off-hook,
// line cut, no battery, a silent card, line noise, a slow card, resets, an
// unplugged cable), and once over a real socat pty pair with the serialport
// stack on both ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { SerialPortLink } from '../src/serial/serialport-link.js';
import { StreamLink } from '../src/serial/stream-link.js';
import { LineCard } from '../src/serial/linecard/line-card.js';
import { encodeRequest, frame } from '../src/serial/linecard/protocol.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { duplexPair } from '../src/sim/serial/duplex-pair.js';
import { LineCardSim } from '../src/sim/serial/line-card-sim.js';
import { openPtyPair } from '../src/sim/serial/pty-pair.js';
import { quietLog } from './helpers.js';
import { drain, memoryCable, rig } from './line-card-helpers.js';

const line = (body: string) => frame('$', body).trimEnd();

t.test('start: identify, inventory, every port; exact bytes; heartbeat', async (t) => {
  const r = await rig();
  t.same(r.sim.received, [line('1 ID?'), line('2 INV?'), line('3 STATE? 1'), line('4 STATE? 2'), line('5 STATE? 3'), line('6 STATE? 4')]);
  t.equal(r.sim.received[0], '$1 ID?*23', 'checksum as worked by hand');
  t.same(r.card.status(), { status: 'ok', detail: 'line card lc0 on /dev/ttyLC0: LC4-T firmware 2.1.0, 4 ports (2 FXS, 2 FXO)', since: r.t0 });
  t.same(r.card.info(), { model: 'LC4-T', firmware: '2.1.0', ports: 4 });
  t.same(r.card.ports(), [
    { port: 1, kind: 'FXS', hook: 'on-hook', battery: true, since: r.t0 },
    { port: 2, kind: 'FXS', hook: 'on-hook', battery: true, since: r.t0 },
    { port: 3, kind: 'FXO', line: 'idle', volts: 48, since: r.t0 },
    { port: 4, kind: 'FXO', line: 'idle', volts: 48, since: r.t0 },
  ]);
  t.same(r.events, ['status starting', 'status starting', 'port 1 on-hook', 'port 2 on-hook', 'port 3 idle 48', 'port 4 idle 48', 'status ok']);
  t.same(r.card.faults(), []);
  await r.clock.advance(5000);
  t.equal(r.sim.received.at(-1), line('7 PING'), 'a PING every heartbeat');
  t.equal(r.sim.sent.at(-1), `${frame('$', '7 OK PONG 5')}`, 'the card answers with its uptime');
  await r.card.stop();
  t.equal(r.card.status().status, 'stopped');
  t.equal(r.clock.pending(), 0, 'no timer left behind');
});

t.test('the same conversation when every byte arrives on its own', async (t) => {
  const clock = new ManualClock();
  const [host, cardEnd] = memoryCable();
  host.chunk = cardEnd.chunk = 1;
  const sim = new LineCardSim(cardEnd, { ports: ['FXS', 'FXO'], clock });
  const card = new LineCard(host, { id: 'lc1', log: quietLog, clock });
  sim.start();
  card.start();
  await clock.advance(0);
  t.equal(card.status().status, 'ok');
  t.equal(card.ports().length, 2);
  t.same(card.counters(), { badChecksum: 0, invalid: 0, unknown: 0, unmatched: 0, echoes: 0, timeouts: 0, noiseBytes: 0 });
  await card.stop();
});

t.test('the simulator on a Duplex, the driver on a StreamLink', async (t) => {
  const clock = new ManualClock();
  const [a, b] = duplexPair();
  const sim = new LineCardSim(b, { ports: ['FXO'], clock });
  const card = new LineCard(new StreamLink(a, 'duplex'), { id: 'lc3', log: quietLog, clock });
  sim.start();
  card.start();
  await clock.advance(0);
  t.equal(card.status().status, 'ok');
  sim.cutLine(1);
  await clock.advance(0);
  t.match(card.faults(), [{ code: 'line-cut', port: 1, detail: 'FXO port 1: no line voltage (0.0 V): line cut or not connected' }]);
  await card.stop();
  await sim.stop();
});

t.test('events: hook, ringing, ring trip, FXO seized', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.ring(1, true);
  await r.clock.advance(2000);
  r.sim.setHook(1, 'off'); // answering stops the ringing
  r.sim.setHook(3, 'off');
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 1 ringing', 'port 1 off-hook', 'port 3 in-use 8']);
  t.match(r.card.ports()[0], { hook: 'off-hook', since: r.t0 + 2000 });
  r.sim.setLineVoltage(3, 7.5);
  await r.clock.advance(0);
  t.same(drain(r.events), [], 'a voltage wobble under 2 V is not reported by the card');
  r.sim.setLineVoltage(3, -8);
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 3 in-use -8'], 'polarity reversal');
  t.match(r.card.ports()[2], { since: r.t0 + 2000 }, 'a voltage change does not move since');
  await r.card.stop();
});

t.test('stuck off-hook after the threshold, cleared on hook', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.setHook(2, 'off');
  await r.clock.advance(10 * 60_000 - 1);
  t.same(r.events, ['port 2 off-hook'], 'not before 10 min (the default)');
  await r.clock.advance(1);
  t.same(drain(r.events), ['port 2 off-hook', 'fault stuck-off-hook 2']);
  t.same(r.details, ['FXS port 2: off hook for 10 min: handset left off or the line is shorted']);
  t.match(r.card.faults(), [{ card: 'lc0', port: 2, code: 'stuck-off-hook', at: r.t0 + 10 * 60_000 }]);
  t.equal(r.card.status().status, 'ok', 'a port fault is not a card fault');
  r.sim.setHook(2, 'on');
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 2 on-hook', 'fault-cleared stuck-off-hook 2']);
  r.sim.setHook(2, 'off');
  await r.clock.advance(60_000);
  r.sim.setHook(2, 'on');
  await r.clock.advance(10 * 60_000);
  t.same(drain(r.events), ['port 2 off-hook', 'port 2 on-hook'], 'a short call is no fault');
  await r.card.stop();
});

t.test('line cut and back; the host applies its own 3 V threshold', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.setLineVoltage(4, 0.4);
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 4 no-line 0.4', 'fault line-cut 4']);
  t.same(r.details, ['FXO port 4: no line voltage (0.4 V): line cut or not connected']);
  r.sim.setLineVoltage(4, 47.6);
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 4 idle 47.6', 'fault-cleared line-cut 4']);
  // A card whose own threshold is lower still says IDLE at 2.5 V: the driver calls it cut.
  await r.cardEnd.write(frame('!', 'PORT 3 FXO IDLE 2.5'));
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 3 idle 2.5', 'fault line-cut 3']);
  r.sim.cutLine(3);
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 3 no-line 0'], 'already reported: no second fault');
  await r.card.stop();
});

t.test('no loop battery and back', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.setBattery(1, false);
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 1 on-hook nobat', 'fault no-battery 1']);
  t.match(r.details[0], /^FXS port 1: no loop battery: the phone has no power and cannot ring/);
  r.sim.setBattery(1, true);
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 1 on-hook', 'fault-cleared no-battery 1']);
  await r.card.stop();
});

t.test('a silent card: fault after three heartbeats, re-initialised when it answers', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.silent(true);
  r.sim.setHook(1, 'off'); // happens while the controller is hung: not reported
  await r.clock.advance(14_999);
  t.same(r.events, [], 'two unanswered PINGs are not yet a fault');
  await r.clock.advance(1);
  t.same(drain(r.events), ['fault card-silent', 'status fault']);
  t.same(r.details, ['line card lc0 on /dev/ttyLC0: no answer for 15 s: card unpowered, crashed or serial cable disconnected']);
  await r.clock.advance(20_000);
  t.same(drain(r.events), [], 'retries do not flap the status');
  t.equal(r.card.status().status, 'fault');
  const ids = r.sim.received.filter((l) => l.includes('ID?')).length;
  r.sim.silent(false);
  await r.clock.advance(5000);
  t.same(drain(r.events), ['port 1 off-hook', 'fault-cleared card-silent', 'status ok'], 'the state missed meanwhile is read again');
  t.equal(r.sim.received.filter((l) => l.includes('ID?')).length, ids + 1);
  t.ok(r.card.counters().timeouts >= 5);
  await r.card.stop();
});

t.test('a bad checksum is dropped and counted; a lost event is read again', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.corruptChecksumNext();
  r.sim.setHook(1, 'off');
  await r.clock.advance(0);
  t.equal(r.card.counters().badChecksum, 1);
  t.same(drain(r.events), ['port 1 off-hook'], 'the refresh after the bad line found it');
  t.same(r.sim.received.slice(-4), [line('7 STATE? 1'), line('8 STATE? 2'), line('9 STATE? 3'), line('10 STATE? 4')]);
  // A reply with a bad checksum is not guessed at: the request times out.
  r.sim.corruptChecksumNext();
  const res = r.card.request({ cmd: 'PING' });
  await r.clock.advance(1000);
  t.same(await res, { kind: 'timeout' });
  t.equal(r.card.counters().badChecksum, 2);
  await r.card.stop();
});

t.test('truncated lines and line noise', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.truncateNext();
  r.sim.setHook(2, 'off');
  await r.clock.advance(0);
  t.equal(r.card.counters().invalid, 1, 'the cut line');
  t.same(drain(r.events), ['port 2 off-hook'], 'read again');
  r.sim.garbage(40);
  r.sim.setHook(1, 'off');
  await r.clock.advance(0);
  t.ok(r.card.counters().noiseBytes > 0, 'noise counted');
  t.same(drain(r.events), ['port 1 off-hook'], 'the event after the noise still arrives');
  t.equal(r.card.status().status, 'ok');
  await r.card.stop();
});

t.test('replies without a request, unknown messages and our own echo are ignored', async (t) => {
  const r = await rig();
  drain(r.events);
  await r.cardEnd.write(frame('$', '55 OK PONG 3'));
  await r.cardEnd.write(frame('!', 'TEMP 45'));
  await r.cardEnd.write(encodeRequest(3, { cmd: 'PING' }));
  await r.clock.advance(0);
  t.match(r.card.counters(), { unmatched: 1, unknown: 1, echoes: 1, badChecksum: 0, invalid: 0 });
  t.same(r.events, []);
  t.equal(r.card.status().status, 'ok');
  await r.card.stop();
});

t.test('a slow card: the late answer is not taken for the next request', async (t) => {
  const r = await rig();
  r.sim.slow(1500);
  const first = r.card.request({ cmd: 'STATE', port: 1 });
  await r.clock.advance(1000);
  t.same(await first, { kind: 'timeout' });
  r.sim.slow(0);
  const second = r.card.request({ cmd: 'PING' });
  await r.clock.advance(600);
  t.same(await second, { kind: 'ok', value: { what: 'PONG', uptimeS: 1 } });
  t.equal(r.card.counters().unmatched, 1, 'the STATE reply arrived after its timeout and was dropped');
  await r.card.stop();
});

t.test('port and card reset; errors as values', async (t) => {
  const r = await rig();
  drain(r.events);
  r.sim.setHook(3, 'off');
  await r.clock.advance(0);
  t.same(await r.card.resetPort(3), { kind: 'ok', value: undefined });
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 3 in-use 8', 'port 3 idle 48'], 'the reset released the line');
  t.same(await r.card.resetPort(9), { kind: 'error', code: 'BADPORT', text: 'line card lc0 on /dev/ttyLC0: no port 9' });
  t.same(await r.card.request({ cmd: 'STATE', port: 9 }), { kind: 'error', code: 'BADPORT', text: 'no port 9 (card has 4)' }, "the card's ERR");
  t.same(await r.card.resetCard(), { kind: 'ok', value: undefined });
  t.equal(r.card.status().status, 'starting');
  await r.clock.advance(300); // the card restarts and announces !BOOT ... CMD
  t.equal(r.card.status().status, 'ok');
  t.same(r.sim.received.slice(-7, -4), [line('10 RESET'), line('11 ID?'), line('12 INV?')]);
  await r.card.stop();
  t.same(await r.card.resetPort(1), { kind: 'disconnected' }, 'after stop');
});

t.test('a card that restarts: announced, and unannounced (uptime goes back)', async (t) => {
  const r = await rig();
  const ids = () => r.sim.received.filter((l) => l.includes('ID?')).length;
  r.sim.reboot('WDT');
  await r.clock.advance(300);
  t.equal(ids(), 2, '!BOOT: initialised again');
  await r.clock.advance(10_000); // PONGs say 4 s, then 9 s
  r.sim.corruptChecksumNext();
  r.sim.reboot('WDT'); // its !BOOT is lost
  await r.clock.advance(300);
  t.equal(ids(), 2);
  await r.clock.advance(5000);
  t.equal(ids(), 3, 'PONG 4 after 9: the card restarted, initialised again');
  t.equal(r.card.status().status, 'ok');
  await r.card.stop();
});

t.test('the cable is pulled and put back: fault, then re-initialised', async (t) => {
  const r = await rig({ card: { stuckOffHookMs: 60_000 } });
  drain(r.events);
  r.sim.setHook(1, 'off');
  await r.clock.advance(1000);
  r.host.unplug();
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 1 off-hook', 'fault card-silent', 'status fault']);
  t.equal(r.card.status().detail, 'line card lc0 on /dev/ttyLC0: serial port unavailable (I/O error (device disconnected)): the card cannot be supervised until it opens again');
  t.same(await r.card.resetPort(1), { kind: 'disconnected' });
  r.sim.setHook(2, 'off'); // into the void
  await r.clock.advance(30_000);
  t.same(drain(r.events), [], 'no silence fault on top of a closed port');
  r.host.plug();
  await r.clock.advance(0);
  t.same(drain(r.events), ['port 2 off-hook', 'fault-cleared card-silent', 'status ok']);
  await r.clock.advance(29_000);
  t.same(drain(r.events), ['fault stuck-off-hook 1'], 'port 1 kept its off-hook time through the reconnect');
  await r.card.stop();
});

t.test('a card that fails its initialisation is a card-error', async (t) => {
  const clock = new ManualClock();
  const [host, cardEnd] = memoryCable();
  cardEnd.start();
  cardEnd.on('data', (b) => {
    const m = /^\$(\d+) ([A-Z?]+)/.exec(b.toString());
    if (m?.[2] === 'ID?') void cardEnd.write(frame('$', `${m[1]} OK ID LCX 0.9 8`));
    if (m?.[2] === 'INV?') void cardEnd.write(frame('$', `${m[1]} OK INV FXS FXO`));
  });
  const card = new LineCard(host, { id: 'lc2', log: quietLog, clock });
  const faults: string[] = [];
  card.on('fault', (f) => faults.push(f.detail));
  card.start();
  await clock.advance(0);
  t.same(faults, ['line card lc2 on /dev/ttyLC0: the inventory lists 2 ports but the card says it has 8']);
  t.equal(card.status().status, 'fault');
  await clock.advance(20_000);
  t.equal(faults.length, 1, 'retried every heartbeat, reported once');
  await card.stop();
});

t.test('over a real pty pair (socat, serialport on both ends): unplugged and back', { skip: skipUnless('socat') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'callpoint-lc-'));
  const pty = await openPtyPair(dir);
  const opts = { baudRate: 115200, log: quietLog, minBackoffMs: 50, maxBackoffMs: 200 };
  const sim = new LineCardSim(new SerialPortLink({ ...opts, path: pty.b }), { ports: ['FXS', 'FXO'], model: 'LC2-PTY' });
  const card = new LineCard(new SerialPortLink({ ...opts, path: pty.a }), { id: 'lc0', log: quietLog, heartbeatMs: 200, requestTimeoutMs: 500 });
  const events: string[] = [];
  card.on('fault', (f) => events.push(`fault ${f.code}`));
  card.on('fault-cleared', (f) => events.push(`cleared ${f.code}`));
  t.teardown(async () => {
    await card.stop();
    await sim.stop();
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  });
  sim.start();
  card.start();
  await until(() => card.status().status === 'ok', 5000);
  t.match(card.status().detail, /LC2-PTY firmware 1\.0\.0, 2 ports \(1 FXS, 1 FXO\)/);
  sim.setHook(1, 'off');
  await until(() => {
    const p1 = card.ports()[0];
    return p1?.kind === 'FXS' && p1.hook === 'off-hook';
  }, 3000);
  t.pass('event over the pty');
  const ids = sim.received.filter((l) => l.includes('ID?')).length;
  await pty.close(); // both ends vanish
  await until(() => card.status().status === 'fault', 3000);
  t.same(events, ['fault card-silent']);
  await pty.respawn();
  await until(() => card.status().status === 'ok', 10_000);
  t.ok(sim.received.filter((l) => l.includes('ID?')).length > ids, 'identified again after the port came back');
  t.same(events, ['fault card-silent', 'cleared card-silent']);
  t.match(card.ports()[0], { hook: 'off-hook' }, 'state read again');
  sim.cutLine(2);
  await until(() => events.includes('fault line-cut'), 3000);
  t.equal(card.counters().badChecksum, 0);
});

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
