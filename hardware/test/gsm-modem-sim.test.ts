// The simulated modem byte for byte: what a host writes and exactly what comes
// back (V.250 framing, echo, +CME/+CMS in the three CMEE modes, the +CMGS
// prompt, storage commands, URCs and the injected quirks). Reference: SIM800
// Series AT Command Manual v1.10 and Quectel EC2x AT Commands Manual v2.0
// transcripts of the same commands.
import type { Duplex } from 'node:stream';
import t from 'tap';
import { duplexPair } from '../src/sim/serial/duplex-pair.js';
import { GsmModemSim, type GsmModemSimOptions } from '../src/sim/serial/gsm-modem-sim.js';
import { decodePdu, encodeSubmit } from '../src/serial/sms/index.js';
import { delay, until } from './gsm-helpers.js';

interface Host {
  sim: GsmModemSim;
  host: Duplex;
  /** Everything received since the last take(). */
  take(): string;
  /** Write `text` and wait until `done` matches what came back. */
  cmd(text: string, done?: RegExp): Promise<string>;
}

function host(opts: GsmModemSimOptions = {}): Host {
  const [h, m] = duplexPair();
  const sim = new GsmModemSim({ networkDelayMs: 5, echo: false, ...opts });
  sim.attach(m);
  let got = '';
  h.on('data', (b: Buffer) => (got += b.toString('latin1')));
  const take = (): string => {
    const s = got;
    got = '';
    return s;
  };
  return {
    sim,
    host: h,
    take,
    async cmd(text, done = /\r\n(OK|ERROR|\+CM[ES] ERROR: [^\r]*|NO CARRIER)\r\n$|> $/) {
      take();
      h.write(text);
      await until(() => done.test(got), `an answer to ${JSON.stringify(text)}`, 2000);
      return take();
    },
  };
}

t.test('framing, echo and basic commands', async (t) => {
  const h = host({ echo: true });
  t.equal(await h.cmd('AT\r'), 'AT\r\r\nOK\r\n', 'echo of the command line, then the result');
  t.equal(await h.cmd('ATE0\r'), 'ATE0\r\r\nOK\r\n', 'ATE0 is still echoed itself');
  t.equal(await h.cmd('AT+CSQ\r'), '\r\n+CSQ: 20,0\r\n\r\nOK\r\n');
  t.equal(await h.cmd('at+cgsn\r'), '\r\n867330051234567\r\n\r\nOK\r\n', 'commands are case-insensitive');
  t.equal(await h.cmd('AT+CMGF=0;+CNMI=2,1,0,2,0\r'), '\r\nOK\r\n', 'concatenated extended commands');
  t.same(h.sim.state.cnmi, [2, 1, 0, 2, 0]);
  t.equal(await h.cmd('AT+COPS?\r'), '\r\n+COPS: 0,0,"CHINA MOBILE",7\r\n\r\nOK\r\n');
  t.equal(await h.cmd('AT+CREG=2\r'), '\r\nOK\r\n');
  t.equal(await h.cmd('AT+CREG?\r'), '\r\n+CREG: 2,1,"1A2B","01C3D4E5",7\r\n\r\nOK\r\n');
  t.equal(await h.cmd('AT+QCCID\r'), '\r\n+QCCID: 89860012345678901234\r\n\r\nOK\r\n');
  t.equal(await h.cmd('AT+CCID\r'), '\r\nERROR\r\n', 'EC25: no AT+CCID');
  t.equal(await h.cmd('AT+NOPE\r'), '\r\nERROR\r\n');
  t.equal(await h.cmd('AT+CPMS="SM","SM","SM"\r'), '\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n');
  t.same(h.sim.commands, ['AT', 'ATE0', 'AT+CSQ', 'at+cgsn', 'AT+CMGF=0;+CNMI=2,1,0,2,0', 'AT+COPS?', 'AT+CREG=2', 'AT+CREG?', 'AT+QCCID', 'AT+CCID', 'AT+NOPE', 'AT+CPMS="SM","SM","SM"']);
});

t.test('SIM PIN: CMEE modes, three wrong PINs lock the SIM, PUK unlocks', async (t) => {
  const h = host({ sim: 'pin', pin: '2468' });
  t.equal(await h.cmd('AT+CPIN?\r'), '\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n');
  t.equal(await h.cmd('AT+CIMI\r'), '\r\nERROR\r\n', 'CMEE=0: bare ERROR');
  await h.cmd('AT+CMEE=1\r');
  t.equal(await h.cmd('AT+CIMI\r'), '\r\n+CME ERROR: 11\r\n');
  await h.cmd('AT+CMEE=2\r');
  t.equal(await h.cmd('AT+CIMI\r'), '\r\n+CME ERROR: SIM PIN required\r\n');
  t.equal(await h.cmd('AT+CMGL=4\r'), '\r\n+CMS ERROR: SIM PIN required\r\n', 'SMS commands answer +CMS');
  t.equal(await h.cmd('AT+CPIN="0000"\r'), '\r\n+CME ERROR: incorrect password\r\n');
  t.equal(h.sim.pinAttemptsLeft(), 2);
  await h.cmd('AT+CPIN="0000"\r');
  await h.cmd('AT+CPIN="0000"\r');
  t.equal(await h.cmd('AT+CPIN?\r'), '\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n', 'the third wrong PIN blocks the SIM');
  t.equal(await h.cmd('AT+CPIN="2468"\r'), '\r\n+CME ERROR: incorrect password\r\n', 'the right PIN no longer helps');
  t.equal(await h.cmd('AT+CPIN="12345678","1357"\r'), '\r\nOK\r\n', 'PUK and a new PIN');
  t.equal(await h.cmd('AT+CPIN?\r'), '\r\n+CPIN: READY\r\n\r\nOK\r\n');

  const none = host({ sim: 'absent' });
  await none.cmd('AT+CMEE=2\r');
  t.equal(await none.cmd('AT+CPIN?\r'), '\r\n+CME ERROR: SIM not inserted\r\n');
  t.equal(await none.cmd('AT+COPS?\r'), '\r\n+COPS: 0\r\n\r\nOK\r\n', 'no operator without a SIM');
});

t.test('AT+CMGS: prompt, PDU, Ctrl-Z → +CMGS: <mr>; ESC aborts; a wrong length is refused', async (t) => {
  const h = host();
  const [pdu] = encodeSubmit('+8613912345678', 'hello', { ref: 0 });
  if (!pdu) return t.fail('no PDU');
  t.equal(await h.cmd(`AT+CMGS=${pdu.tpduLength}\r`), '\r\n> ');
  t.equal(await h.cmd(`${pdu.hex}\x1a`), '\r\n+CMGS: 0\r\n\r\nOK\r\n');
  t.match(h.sim.sent, [{ to: '+8613912345678', text: 'hello', parts: 1, mrs: [0], statusReport: false }]);
  await h.cmd(`AT+CMGS=${pdu.tpduLength}\r`);
  t.equal(await h.cmd(`${pdu.hex.slice(0, 10)}\x1b`), '\r\nOK\r\n', 'ESC: nothing sent');
  t.equal(h.sim.sent.length, 1);
  await h.cmd(`AT+CMGS=${pdu.tpduLength + 1}\r`);
  t.equal(await h.cmd(`${pdu.hex}\x1a`), '\r\nERROR\r\n', 'length does not match the PDU');
});

t.test('SMS storage: +CMTI, +CMGR marks read, +CMGL, +CMGD, and a full memory holds messages back', async (t) => {
  const h = host({ memorySize: 2 });
  h.sim.receiveSms('+8613700000001', 'one');
  await until(() => /\+CMTI/.test(h.take()), '+CMTI');
  const r = await h.cmd('AT+CMGR=1\r');
  const m = /^\r\n\+CMGR: 0,,(\d+)\r\n([0-9A-F]+)\r\n\r\nOK\r\n$/.exec(r);
  t.ok(m, r);
  t.match(decodePdu(m?.[2] ?? ''), { type: 'deliver', from: '+8613700000001', text: 'one' });
  t.match(await h.cmd('AT+CMGR=1\r'), /^\r\n\+CMGR: 1,,/, 'REC READ the second time');
  t.equal(await h.cmd('AT+CMGR=2\r'), '\r\nOK\r\n', 'an empty slot');
  t.equal(await h.cmd('AT+CMGR=3\r'), '\r\nERROR\r\n', 'out of range (CMEE=0)');
  h.sim.receiveSms('+8613700000002', 'two');
  h.sim.receiveSms('+8613700000003', 'three'); // memory full: held by the network
  await delay(20);
  t.equal((await h.cmd('AT+CMGL=4\r')).match(/\+CMGL: /g)?.length, 2);
  t.equal(await h.cmd('AT+CMGD=1\r', /\+CMTI/), '\r\nOK\r\n\r\n+CMTI: "SM",1\r\n', 'deleting makes room: the held message arrives');
  t.equal(h.sim.memory().length, 2);
  await h.cmd('AT+CMGD=1,4\r');
  t.equal(h.sim.memory().length, 0);
});

t.test('USSD, calls and quirks', async (t) => {
  const h = host();
  t.equal(await h.cmd('AT+CUSD=1,"*100#",15\r', /\+CUSD: 0/), '\r\nOK\r\n\r\n+CUSD: 0,"Balance: 12.30 CNY",15\r\n');
  await h.cmd('AT+CLIP=1\r');
  h.sim.incomingCall('+8613911112222');
  await until(() => h.take() === '\r\nRING\r\n\r\n+CLIP: "+8613911112222",145,"",0,"",0\r\n', 'RING and +CLIP', 1000);
  t.equal(await h.cmd('ATA\r'), '\r\nOK\r\n');
  t.equal(await h.cmd('AT+CLCC\r'), '\r\n+CLCC: 1,1,0,0,0,"+8613911112222",145\r\n\r\nOK\r\n');
  t.equal(await h.cmd('ATH\r'), '\r\nOK\r\n');
  t.equal(await h.cmd('ATD+8613911112222;\r'), '\r\nOK\r\n');
  h.sim.remoteHangup('BUSY');
  await until(() => h.take() === '\r\nBUSY\r\n', 'BUSY', 1000);

  h.sim.urcInsideNextResponse('+CMTI: "SM",5');
  t.equal(await h.cmd('AT\r'), '\r\nOK\r\n', 'no information line: the URC waits');
  t.equal(await h.cmd('AT+CSQ\r'), '\r\n+CSQ: 20,0\r\n\r\n+CMTI: "SM",5\r\n\r\nOK\r\n');
  h.sim.errorNext('+CME ERROR: 100');
  t.equal(await h.cmd('AT+CSQ\r'), '\r\n+CME ERROR: 100\r\n');
  h.sim.truncateNext();
  h.host.write('AT+CSQ\r');
  await delay(50);
  t.equal(h.take(), '\r\n+CSQ: 20', 'half an answer, no final result');
  h.sim.powerDownNotice('under-voltage');
  await delay(10);
  t.equal(h.take(), '\r\n+QIND: "vbatt",-2\r\n', 'EC25: the supply voltage as +QIND "vbatt" (-2: under-voltage power down)');
  h.host.write('AT\r');
  await delay(50);
  t.equal(h.take(), '', 'powered off: silent');
  h.sim.powerOn();
  t.equal(h.take(), '\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n');
  t.equal(await h.cmd('AT\r'), 'AT\r\r\nOK\r\n', 'echo is on again after a power cycle');
  h.sim.powerDownNotice('normal');
  await delay(10);
  t.equal(h.take(), '\r\nPOWERED DOWN\r\n', 'EC25 after AT+QPOWD or the power key');

  const simcom = host({ model: 'sim800' });
  simcom.sim.powerDownNotice('under-voltage-warning');
  simcom.sim.powerDownNotice('over-temperature-warning');
  simcom.sim.powerDownNotice('normal');
  await delay(10);
  t.equal(simcom.take(), '\r\nUNDER-VOLTAGE WARNNING\r\n\r\n+CMTE: 1\r\n\r\nNORMAL POWER DOWN\r\n', 'SIM800 words, "WARNNING" (sic)');
});
