// AtEngine against a far end the test controls. Tier (a): an in-process duplex
// pair (StreamLink) for protocol edge cases. Tier (b): a real pseudo-terminal
// pair made by socat, the real SerialPortLink on one end and a raw SerialPort
// on the other, including the port vanishing and coming back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import t from 'tap';
import { skipUnless } from '../../daemon/test/helpers/tools.js';
import { AtEngine } from '../src/serial/at/engine.js';
import { SerialPortLink } from '../src/serial/serialport-link.js';
import { openPtyPair } from '../src/sim/serial/pty-pair.js';
import { engineOverPair, sleepMs } from './at-helpers.js';
import { quietLog } from './helpers.js';

t.test('a command and its information line, echo off and on', async (t) => {
  const { engine, modem } = engineOverPair();
  modem.answer = (c) => (c === 'AT+CSQ' ? '\r\n+CSQ: 18,0\r\n\r\nOK\r\n' : '\r\nOK\r\n');
  t.same(await engine.send('AT+CSQ'), { kind: 'ok', lines: ['+CSQ: 18,0'] }, 'echo off');
  modem.echo = true;
  t.same(await engine.send('AT+CSQ'), { kind: 'ok', lines: ['+CSQ: 18,0'] }, 'echo on: the echoed line is dropped');
  t.same(await engine.send('ATE0'), { kind: 'ok', lines: [] });
  t.equal(modem.bytes, 'AT+CSQ\rAT+CSQ\rATE0\r', 'exact bytes: each command ends in CR only');
});

t.test('URCs in the middle of a response are separated', async (t) => {
  const { engine, modem, urcs } = engineOverPair();
  modem.answer = () => '\r\n+CSQ: 18,0\r\n\r\nRING\r\n\r\n+CLIP: "+41791234567",145,"",0,"",0\r\n\r\n+CMTI: "SM",3\r\n\r\nOK\r\n';
  t.same(await engine.send('AT+CSQ'), { kind: 'ok', lines: ['+CSQ: 18,0'] });
  t.same(
    urcs.map((u) => [u.name, u.args]),
    [['RING', ''], ['+CLIP', '"+41791234567",145,"",0,"",0'], ['+CMTI', '"SM",3']],
  );
});

t.test('+CMTI between two commands, +CMT and +CDS with their PDU line', async (t) => {
  const { engine, modem, urcs } = engineOverPair();
  let n = 0;
  modem.answer = () => (n++ === 0 ? '\r\nOK\r\n\r\n+CMTI: "SM",4\r\n' : '\r\nOK\r\n');
  t.same(await engine.send('AT+CNMI=2,1,0,0,0'), { kind: 'ok', lines: [] });
  t.same(await engine.send('AT'), { kind: 'ok', lines: [] });
  t.same(urcs.map((u) => u.line), ['+CMTI: "SM",4']);

  // 27.005 §3.4.1 with +CNMI=2,2: "+CMT: [<alpha>],<length><CR><LF><pdu>", arriving in pieces mid-response.
  const pdu = '07914140279505F7040B911467397254F200001250401091358008C8329BFD06';
  const cds = '07914140279505F706270B911467397254F2125040109135801250401091458000';
  modem.answer = () => `\r\n+COPS: 0,0,"Swisscom"\r\n\r\n+CMT: ,${pdu.length / 2 - 8}\r\n${pdu}\r\n\r\n+CDS: 25\r\n${cds}\r\n\r\nOK\r\n`;
  const r = await engine.send('AT+COPS?');
  t.same(r, { kind: 'ok', lines: ['+COPS: 0,0,"Swisscom"'] }, 'the PDU lines are not the response');
  t.match(urcs.slice(1), [
    { name: '+CMT', args: ',24', pdu },
    { name: '+CDS', args: '25', pdu: cds },
  ]);
  // Text-mode +CDS is one line (no PDU follows); a +CMT outside any command.
  urcs.length = 0;
  modem.send('\r\n+CDS: 6,12,"+41791234567",145,"25/11/25,10:00:00+04","25/11/25,10:00:05+04",0\r\n');
  modem.send('\r\n+CMT: ,24\r\n');
  await sleepMs(5);
  modem.send(`${pdu}\r\n`);
  await sleepMs(10);
  t.match(urcs, [{ name: '+CDS', pdu: undefined }, { name: '+CMT', pdu }]);
});

t.test('a +CMT whose PDU never comes is still reported', async (t) => {
  const { engine, modem, urcs } = engineOverPair({ urcBodyTimeoutMs: 30 });
  modem.send('\r\n+CMT: ,24\r\n');
  await sleepMs(60);
  t.match(urcs, [{ name: '+CMT', args: ',24' }]);
  t.equal(urcs[0]?.pdu, undefined);
  modem.send('\r\n+CMT: ,24\r\n\r\nRING\r\n');
  await sleepMs(10);
  t.same(urcs.slice(1).map((u) => [u.name, u.pdu]), [['+CMT', undefined], ['RING', undefined]], 'a URC instead of the PDU ends the wait');
  t.equal(engine.pending, 0);
});

t.test('+CREG: / +CPIN: / +CUSD: are the response or a URC depending on the command', async (t) => {
  const { engine, modem, urcs } = engineOverPair();
  modem.answer = (c) => {
    if (c === 'AT+CREG?') return '\r\n+CREG: 2,1,"1A2B","00C3D4E5"\r\n\r\nOK\r\n';
    if (c === 'AT+CPIN="1234"') return '\r\nOK\r\n\r\n+CPIN: READY\r\n';
    if (c.startsWith('AT+CUSD=')) return '\r\n+CUSD: 0,"Balance 12.50",15\r\n\r\nOK\r\n';
    return '\r\n+CREG: 1\r\n\r\n+CSQ: 20,0\r\n\r\nOK\r\n';
  };
  t.same(await engine.send('AT+CREG?'), { kind: 'ok', lines: ['+CREG: 2,1,"1A2B","00C3D4E5"'] }, 'read form: response');
  t.same(await engine.send('AT+CSQ'), { kind: 'ok', lines: ['+CSQ: 20,0'] }, 'during another command: URC');
  t.same(await engine.send('AT+CPIN="1234"'), { kind: 'ok', lines: [] }, 'set form: the +CPIN that follows is a state change');
  await sleepMs(5);
  t.same(await engine.send('AT+CUSD=1,"*130#",15'), { kind: 'ok', lines: [] }, 'set form without prefix: +CUSD is a URC');
  t.same(
    await engine.send('AT+CUSD=1,"*130#",15', { prefix: '+CUSD:' }),
    { kind: 'ok', lines: ['+CUSD: 0,"Balance 12.50",15'] },
    'opts.prefix claims it for the command',
  );
  t.same(urcs.map((u) => u.line), ['+CREG: 1', '+CPIN: READY', '+CUSD: 0,"Balance 12.50",15']);
});

t.test('NO CARRIER / BUSY: final for ATD/ATA, unsolicited otherwise', async (t) => {
  const { engine, modem, urcs } = engineOverPair();
  modem.answer = (c) => (c.startsWith('ATD') ? '\r\nBUSY\r\n' : c === 'ATA' ? '\r\nNO CARRIER\r\n' : '\r\nNO CARRIER\r\n\r\nOK\r\n');
  t.match(await engine.send('ATD+41791234567'), { kind: 'error', code: 'BUSY', message: 'busy' });
  t.match(await engine.send('ATA'), { kind: 'error', code: 'NO CARRIER' });
  t.same(await engine.send('ATH'), { kind: 'ok', lines: [] }, 'NO CARRIER during ATH is the call ending');
  modem.send('\r\nNO CARRIER\r\n');
  await sleepMs(5);
  t.same(urcs.map((u) => u.name), ['NO CARRIER', 'NO CARRIER']);
});

t.test('+CME / +CMS ERROR numbers and verbose texts', async (t) => {
  const { engine, modem } = engineOverPair();
  const replies: Record<string, string> = {
    'AT+CPIN?': '+CME ERROR: 11',
    'AT+CPIN="0000"': '+CME ERROR: 16',
    'AT+COPS?': '+CME ERROR: SIM PIN required',
    'AT+CMGS=20': '+CMS ERROR: 330',
    'AT+CMGS=21': '+CMS ERROR: 38',
    'AT+CMGS=22': '+CMS ERROR: 197',
    'AT+CMGR=9': '+CMS ERROR: 321',
    'AT+XYZ': 'ERROR',
    'AT+QQQ': '+CME ERROR: 777',
  };
  modem.answer = (c) => `\r\n${replies[c] ?? 'OK'}\r\n`;
  const got: Record<string, unknown> = {};
  for (const c of Object.keys(replies)) {
    const r = await engine.send(c, { timeoutMs: 200 });
    got[c] = r.kind === 'error' ? [r.code, r.n, r.message] : r.kind;
  }
  t.same(got, {
    'AT+CPIN?': ['CME', 11, 'SIM PIN required'],
    'AT+CPIN="0000"': ['CME', 16, 'incorrect password'],
    'AT+COPS?': ['CME', 11, 'SIM PIN required'],
    'AT+CMGS=20': ['CMS', 330, 'SMSC address unknown'],
    'AT+CMGS=21': ['CMS', 38, 'network out of order (network cause 38)'],
    'AT+CMGS=22': ['CMS', 197, 'SM rejected - duplicate SM (SMSC failure cause 197)'],
    'AT+CMGR=9': ['CMS', 321, 'invalid memory index'],
    'AT+XYZ': ['ERROR', undefined, 'ERROR (no details: enable AT+CMEE=1)'],
    'AT+QQQ': ['CME', 777, 'CME error 777 (manufacturer specific or unknown)'],
  });
});

t.test('a timeout, then a late answer does not become the next command\'s', async (t) => {
  const { engine, modem } = engineOverPair({ resyncQuietMs: 40 });
  modem.answer = (c) => (c === 'AT+COPS=?' ? undefined : '\r\n+CSQ: 21,0\r\n\r\nOK\r\n');
  const first = engine.send('AT+COPS=?', { timeoutMs: 50 });
  const second = engine.send('AT+CSQ');
  t.same(await first, { kind: 'timeout', lines: [] });
  t.same(modem.commands, ['AT+COPS=?'], 'the next command waits for the port to be quiet');
  modem.send('\r\n+COPS: (2,"Swisscom","Swisscom","22801",2),,(0-4),(0-2)\r\n');
  await sleepMs(20);
  modem.send('\r\nOK\r\n'); // the late end of AT+COPS=?
  t.same(await second, { kind: 'ok', lines: ['+CSQ: 21,0'] }, 'the second command gets its own answer');
  t.same(modem.commands, ['AT+COPS=?', 'AT+CSQ']);
  t.same(await engine.send('AT+CSQ'), { kind: 'ok', lines: ['+CSQ: 21,0'] }, 'and the engine goes on');
});

t.test('FIFO queue, one command in flight', async (t) => {
  const { engine, modem } = engineOverPair();
  modem.delayMs = 3;
  let inFlight = 0;
  let maxInFlight = 0;
  modem.answer = (c) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    setTimeout(() => inFlight--, 3);
    return `\r\n+ECHO: ${c}\r\n\r\nOK\r\n`;
  };
  const cmds = Array.from({ length: 8 }, (_, i) => `AT+ECHO=${i}`);
  const results = await Promise.all(cmds.map((c) => engine.send(c, { prefix: '+ECHO:' })));
  t.same(results.map((r) => (r.kind === 'ok' ? r.lines[0] : r.kind)), cmds.map((c) => `+ECHO: ${c}`));
  t.same(modem.commands, cmds, 'written in order');
  t.equal(maxInFlight, 1, 'never two at once');
});

t.test('a command or body with CR/LF/Ctrl-Z is refused and never sent', async (t) => {
  const { engine, modem } = engineOverPair();
  for (const bad of ['AT+CSQ\rATD112;', 'AT\n', 'AT+CMGS=1\x1a', '\x1bAT', '', '   ']) {
    const r = await engine.send(bad);
    t.match(r, { kind: 'error', code: 'ERROR', message: /^refused/ }, JSON.stringify(bad));
  }
  t.match(await engine.send('AT+CMGS=5', { body: 'AB\x1aATD112;' }), { kind: 'error', message: /body/ });
  await sleepMs(5);
  t.equal(modem.bytes, '', 'nothing reached the modem');
});

t.test('SMS: prompt, body, Ctrl-Z, byte-exact; ESC when no prompt comes', async (t) => {
  const { engine, modem } = engineOverPair();
  const body = '0001000B911467397254F2000005C8329BFD06';
  modem.echo = true;
  modem.answer = (c) => (c === 'AT+CMGS=18' ? '\r\n> ' : undefined);
  // With echo on SIM800 echoes the body too, then sends the result (27.005 §3.5.1).
  modem.answerBody = () => '\r\n\r\n+CMGS: 17\r\n\r\nOK\r\n';
  t.same(await engine.send('AT+CMGS=18', { body, timeoutMs: 500 }), { kind: 'ok', lines: ['+CMGS: 17'] });
  t.same(modem.bodies, [body]);
  t.equal(modem.bytes, `AT+CMGS=18\r${body}\x1a`, 'command, CR, body, Ctrl-Z');

  modem.received.length = 0;
  modem.answer = () => undefined;
  t.same(await engine.send('AT+CMGS=18', { body, timeoutMs: 30 }), { kind: 'timeout', lines: [] });
  t.equal(modem.bytes, 'AT+CMGS=18\r\x1b', 'no prompt: ESC aborts, the body is never sent');

  await sleepMs(60);
  modem.received.length = 0;
  modem.send('\r\n> ');
  await sleepMs(10);
  t.equal(modem.bytes, '\x1b', 'a prompt nobody asked for is cancelled');
});

t.test('text-mode SMS: continuation prompts inside the body are not cancelled', async (t) => {
  const { engine, modem } = engineOverPair();
  // AT+CMGF=1: the body's CR makes the modem prompt "> " again for the next line (27.005 §3.5.1 text mode).
  modem.answer = (c) => (c === 'AT+CMGS="+41791234567"' ? '\r\n> ' : c === 'Alarm at point 3' ? '\r\n> ' : undefined);
  modem.answerBody = () => '\r\n+CMGS: 4\r\n\r\nOK\r\n';
  const r = await engine.send('AT+CMGS="+41791234567"', { body: 'Alarm at point 3\rplease call back', timeoutMs: 500 });
  t.same(r, { kind: 'ok', lines: ['+CMGS: 4'] });
  t.equal(modem.bytes, 'AT+CMGS="+41791234567"\rAlarm at point 3\rplease call back\x1a', 'no ESC');
});

t.test('lines after a final result in the same chunk are not the next command\'s', async (t) => {
  const { engine, modem } = engineOverPair();
  let n = 0;
  modem.answer = () => (n++ === 0 ? '\r\nOK\r\n\r\n+STRAY: 1\r\n' : '\r\n+CSQ: 9,0\r\n\r\nOK\r\n');
  const [a, b] = await Promise.all([engine.send('AT'), engine.send('AT+CSQ')]);
  t.same(a, { kind: 'ok', lines: [] });
  t.same(b, { kind: 'ok', lines: ['+CSQ: 9,0'] });
});

t.test('information lines are capped per command', async (t) => {
  const { engine, modem } = engineOverPair({ maxLines: 3 });
  modem.answer = () => `${Array.from({ length: 10 }, (_, i) => `\r\n+CMGL: ${i}\r\n`).join('')}\r\nOK\r\n`;
  t.same(await engine.send('AT+CMGL=4'), { kind: 'ok', lines: ['+CMGL: 0', '+CMGL: 1', '+CMGL: 2'] });
});

t.test('URC table (27.007, 27.005, SIM800 manual)', async (t) => {
  const { engine, modem, urcs } = engineOverPair();
  const lines = [
    'NORMAL POWER DOWN', 'UNDER-VOLTAGE POWER DOWN', 'UNDER-VOLTAGE WARNNING', 'UNDER-VOLTAGE WARNING',
    'OVER-VOLTAGE POWER DOWN', 'OVER-VOLTAGE WARNNING', 'RDY', 'Call Ready', 'SMS Ready', '+CFUN: 1',
    '+CPIN: NOT INSERTED', '+CGREG: 1', '+CEREG: 5', '+CUSD: 2', '+CDSI: "SM",2', '+QIND: SMS DONE',
    '^BOOT:12345,0,0,0,6', '+CRING: VOICE', 'MO RING', '*PSUTTZ: 2025,11,25,10,0,0,"+4",0',
  ];
  modem.send(lines.map((l) => `\r\n${l}\r\n`).join(''));
  await sleepMs(10);
  t.same(urcs.map((u) => u.line), lines, 'all unsolicited');
  t.same(urcs.map((u) => u.name).slice(9, 12), ['+CFUN', '+CPIN', '+CGREG']);
  t.equal(urcs.find((u) => u.name === '+CPIN')?.args, 'NOT INSERTED');
  modem.answer = () => '\r\nSome vendor banner\r\n\r\nOK\r\n';
  t.same(await engine.send('ATI'), { kind: 'ok', lines: ['Some vendor banner'] }, 'unknown lines belong to the command');
});

t.test('link closing resolves the command in flight and the queue as disconnected', async (t) => {
  const { engine, modem, far, link } = engineOverPair();
  modem.answer = () => undefined;
  const all = Promise.all([engine.send('AT'), engine.send('AT+CSQ'), engine.send('AT+COPS?')]);
  await sleepMs(5);
  far.destroy(); // the cable is pulled
  t.same(await all, [{ kind: 'disconnected' }, { kind: 'disconnected' }, { kind: 'disconnected' }]);
  t.equal(link.isOpen, false);
  t.same(await engine.send('AT'), { kind: 'disconnected' }, 'sending while closed does not wait');
  t.equal(engine.pending, 0);
});

t.test('stop() ends pending commands', async (t) => {
  const { engine, modem } = engineOverPair();
  modem.answer = () => undefined;
  const p = engine.send('AT');
  engine.stop();
  t.same(await p, { kind: 'disconnected' });
  t.same(await engine.send('AT'), { kind: 'disconnected' });
});

// ---- tier (b): a real pty pair --------------------------------------------------------------

async function closeRaw(port: SerialPort): Promise<void> {
  if (port.isOpen) await new Promise<void>((r) => port.close(() => r()));
}

async function openRaw(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => undefined);
  return port;
}

/** A minimal modem on the raw end: answers OK (AT+CSQ with a value; AT+COPS=?, a network scan, never in time). */
function answerOk(port: SerialPort): void {
  let buf = '';
  port.on('data', (b: Buffer) => {
    buf += b.toString('latin1');
    let i: number;
    while ((i = buf.indexOf('\r')) >= 0) {
      const cmd = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (cmd !== 'AT+COPS=?') port.write(cmd === 'AT+CSQ' ? '\r\n+CSQ: 17,0\r\n\r\nOK\r\n' : '\r\nOK\r\n');
    }
  });
}

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleepMs(10);
  }
};

t.test('over a socat pty with the real SerialPortLink', { skip: skipUnless('socat') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'callpoint-pty-'));
  const pair = await openPtyPair(dir);
  const link = new SerialPortLink({ path: pair.a, baudRate: 115200, log: quietLog, minBackoffMs: 30, maxBackoffMs: 200 });
  const engine = new AtEngine(link, { log: quietLog, defaultTimeoutMs: 2000 });
  const events: string[] = [];
  link.on('open', () => events.push('open'));
  link.on('close', (reason) => events.push(`close: ${reason}`));
  let far = await openRaw(pair.b);
  answerOk(far);
  t.teardown(async () => {
    engine.stop();
    await link.stop();
    await closeRaw(far);
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  });
  engine.start();
  t.match(await link.write('x').catch((e: Error) => e.message), /not open/, 'write before open rejects');
  link.start();
  await until(() => link.isOpen);
  t.same(await engine.send('AT+CSQ'), { kind: 'ok', lines: ['+CSQ: 17,0'] }, 'a round trip through the kernel pty');

  // The port vanishes (socat killed): EIO on the open fd, the link path disappears.
  const pending = engine.send('AT+COPS=?', { timeoutMs: 10_000 });
  await pair.close();
  t.same(await pending, { kind: 'disconnected' }, 'the command in flight ends as disconnected');
  // The raw far end is a plain SerialPort without the link's hang-up fix: close it, or its reads spin.
  await closeRaw(far);
  await until(() => events.length >= 2);
  t.equal(events[0], 'open');
  t.match(events[1], /^close: .*(disconnected|I\/O error|does not exist)/, 'close with a readable reason');
  await sleepMs(150); // a few reopen attempts against a missing path (ENOENT)
  t.equal(link.isOpen, false);
  t.match(events.slice(2), [/does not exist/], 'a repeated failure is reported once');

  // It comes back on the same path: the link reopens by itself.
  await pair.respawn();
  far = await openRaw(pair.b);
  answerOk(far);
  await until(() => link.isOpen);
  t.equal(events.at(-1), 'open', 'open again');
  t.same(await engine.send('AT'), { kind: 'ok', lines: [] }, 'commands work after the reopen');
});

t.test('SerialPortLink on a path that does not exist keeps retrying until stop()', async (t) => {
  const link = new SerialPortLink({ path: '/nonexistent/ttyUSB9', baudRate: 9600, log: quietLog, minBackoffMs: 10, maxBackoffMs: 40 });
  const reasons: string[] = [];
  link.on('close', (r) => reasons.push(r));
  link.start();
  await sleepMs(200);
  await link.stop();
  t.same(reasons, ['/nonexistent/ttyUSB9 does not exist (modem unplugged, not yet enumerated, or wrong path)'], 'reported once');
  t.equal(link.isOpen, false);
});
