// LineSplitter: a modem's byte stream → lines and the "> " prompt, the same
// tokens however the bytes are chunked (STYLE.md 7).
import t from 'tap';
import { LineSplitter, type AtToken } from '../src/serial/at/line-splitter.js';

/**
 * One session as a SIM800L sends it with echo on (ATE1, the power-on default),
 * written out from the SIMCom SIM800 Series AT Command Manual v1.10 examples and the
 * framing of V.250 §5.7.1 (results "<CR><LF>text<CR><LF>", the echo ends in <CR>).
 */
const SESSION = Buffer.concat([
  Buffer.from([0x00, 0xff, 0xfe]), // power-up noise on the UART before the baud rate locks
  Buffer.from('\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n'), // boot URCs (SIM800 manual: RDY is sent at power-up when the baud rate is fixed, AT+IPR)
  Buffer.from('AT+CSQ\r'), // echo of the command
  Buffer.from('\r\n+CSQ: 18,0\r\n\r\nOK\r\n'), // 27.007 §8.5
  Buffer.from('\r\n+CMTI: "SM",3\r\n'), // 27.005 §3.4.1 new message indication
  Buffer.from('AT+CMGS=20\r'), // echo; then the prompt without a line terminator (27.005 §3.5.1)
  Buffer.from('\r\n> '),
  Buffer.from('0001000B911432547698F00000074F7A9CC0E8BF\x1a'), // the body echoed back, Ctrl-Z included
  Buffer.from('\r\n+CMGS: 12\r\n\r\nOK\r\n'),
  Buffer.from('\r\nRING\r\n\r\n+CLIP: "+41791234567",145,"",0,"",0\r\n'), // 27.007 §7.6
  Buffer.from('\r\n+CUSD: 0,"Guthaben: 12.50 CHF – gültig",15\r\n'), // UTF-8 text (AT+CSCS="UTF-8" on newer firmware)
  Buffer.from('\r\nUNDER-VOLTAGE WARNNING\r\n'), // SIM800 spelling
  Buffer.from('\nNO CARRIER\n'), // bare LF framing seen on some firmware
]);

const EXPECTED: AtToken[] = [
  { kind: 'line', text: 'RDY' },
  { kind: 'line', text: '+CFUN: 1' },
  { kind: 'line', text: '+CPIN: READY' },
  { kind: 'line', text: 'AT+CSQ' },
  { kind: 'line', text: '+CSQ: 18,0' },
  { kind: 'line', text: 'OK' },
  { kind: 'line', text: '+CMTI: "SM",3' },
  { kind: 'line', text: 'AT+CMGS=20' },
  { kind: 'prompt' },
  { kind: 'line', text: '0001000B911432547698F00000074F7A9CC0E8BF' },
  { kind: 'line', text: '+CMGS: 12' },
  { kind: 'line', text: 'OK' },
  { kind: 'line', text: 'RING' },
  { kind: 'line', text: '+CLIP: "+41791234567",145,"",0,"",0' },
  { kind: 'line', text: '+CUSD: 0,"Guthaben: 12.50 CHF – gültig",15' },
  { kind: 'line', text: 'UNDER-VOLTAGE WARNNING' },
  { kind: 'line', text: 'NO CARRIER' },
];

/** Tokens for the bytes cut at the given offsets. */
function split(data: Buffer, cuts: number[], s = new LineSplitter()): AtToken[] {
  const out: AtToken[] = [];
  let from = 0;
  for (const c of [...cuts, data.length]) {
    out.push(...s.push(data.subarray(from, c)));
    from = c;
  }
  return out;
}

t.test('a session in one chunk', async (t) => {
  const s = new LineSplitter();
  t.same(s.push(SESSION), EXPECTED, 'the power-up noise is dropped');
  t.equal(s.buffered, 0, 'nothing left over');
});

t.test('split at every byte boundary gives the same tokens', async (t) => {
  const whole = new LineSplitter().push(SESSION);
  let bad = 0;
  for (let i = 0; i <= SESSION.length; i++) {
    if (JSON.stringify(split(SESSION, [i])) !== JSON.stringify(whole)) bad++;
  }
  t.equal(bad, 0, `${SESSION.length + 1} two-chunk splits`);
  const bytewise = split(SESSION, Array.from({ length: SESSION.length }, (_, i) => i));
  t.same(bytewise, whole, 'one byte at a time');
  // Random multi-way cuts (seeded LCG).
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 200; n++) {
    const cuts = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Math.floor(rnd() * SESSION.length)).sort((x, y) => x - y);
    if (JSON.stringify(split(SESSION, cuts)) !== JSON.stringify(whole)) bad++;
  }
  t.equal(bad, 0, '200 random multi-way splits');
});

t.test('UTF-8 split inside a multi-byte character', async (t) => {
  const bytes = Buffer.from('+CUSD: 0,"gültig"\r\n');
  const at = bytes.indexOf(0xc3) + 1; // between the two bytes of "ü"
  t.same(split(bytes, [at]), [{ kind: 'line', text: '+CUSD: 0,"gültig"' }]);
});

t.test('garbage bytes never break a line', async (t) => {
  const s = new LineSplitter();
  const tokens = s.push(Buffer.from('\x00\x00O\x07K\x1b\r\n\x1a\x1a\r\n\xff\r\n\xfeO\xc3K\r\n+CSQ: 1\x7f0,0\r\n', 'latin1'));
  t.same(tokens, [
    { kind: 'line', text: 'OK' },
    { kind: 'line', text: 'OK' },
    { kind: 'line', text: '+CSQ: 10,0' },
  ], 'control bytes and invalid UTF-8 removed; a line of nothing but noise dropped');
  t.equal(s.droppedBytes, 7, 'NUL ×2, BEL, ESC, Ctrl-Z ×2, DEL dropped');
  t.same(s.push('\r\n\r\n\n\r   \r\n'), [], 'empty and blank lines dropped');
});

t.test('an overlong line is cut, reported once, and never buffered unboundedly', async (t) => {
  const s = new LineSplitter({ maxLineBytes: 64 });
  const out: AtToken[] = [];
  let maxBuffered = 0;
  for (let i = 0; i < 1000; i++) {
    out.push(...s.push(Buffer.alloc(50, 0x41)));
    maxBuffered = Math.max(maxBuffered, s.buffered);
  }
  t.ok(maxBuffered <= 64, `50 kB without a terminator: at most ${maxBuffered} bytes held`);
  t.equal(out.length, 1);
  t.match(out[0], { kind: 'garbage', bytes: 64, sample: 'AAAAAAAA' });
  t.same(s.push('AAAA\r\nOK\r\n'), [{ kind: 'line', text: 'OK' }], 'the rest of the long line is discarded, the next one is fine');
  t.equal(s.cutLines, 1);
});

t.test('the prompt', async (t) => {
  t.same(new LineSplitter().push('\r\n> '), [{ kind: 'prompt' }], 'bare prompt, no terminator');
  t.same(split(Buffer.from('\r\n> '), [3]), [{ kind: 'prompt' }], 'split between > and space');
  t.same(new LineSplitter().push('> 0011\x1a\r\n'), [{ kind: 'prompt' }, { kind: 'line', text: '0011' }], 'prompt then the echoed body');
  t.same(new LineSplitter().push('a> b\r\n'), [{ kind: 'line', text: 'a> b' }], '"> " inside a line is not a prompt');
  t.same(new LineSplitter().push('>\r\n'), [{ kind: 'line', text: '>' }], '">" without space is a line');
  const s = new LineSplitter();
  s.push('half a li');
  s.reset();
  t.same(s.push('ne\r\nOK\r\n'), [{ kind: 'line', text: 'ne' }, { kind: 'line', text: 'OK' }], 'reset forgets the partial line');
});
