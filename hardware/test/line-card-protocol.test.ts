// The line-card codec and line splitter: checksum vectors worked by hand,
// every request, reply and event byte-exact both ways, malformed lines as
// values, and the splitter fed at every byte boundary and through noise.
import t from 'tap';
import { LineSplitter } from '../src/serial/linecard/line-splitter.js';
import {
  checksum,
  encodeError,
  encodeEvent,
  encodeReply,
  encodeRequest,
  frame,
  MAX_LINE,
  parseLine,
  type Message,
  type Reply,
  type Request,
} from '../src/serial/linecard/protocol.js';

t.test('checksum: NMEA 0183 XOR, worked by hand', async (t) => {
  // "1 PING": 0x31 ^ 0x20 = 0x11; ^ 'P' 0x50 = 0x41; ^ 'I' 0x49 = 0x08; ^ 'N' 0x4E = 0x46; ^ 'G' 0x47 = 0x01
  t.equal(checksum('1 PING'), 0x01);
  // "7 ID?": 0x37 ^ 0x20 = 0x17; ^ 'I' 0x49 = 0x5E; ^ 'D' 0x44 = 0x1A; ^ '?' 0x3F = 0x25
  t.equal(checksum('7 ID?'), 0x25);
  // "1 ID?": 0x31 ^ 0x20 = 0x11; ^ 0x49 = 0x58; ^ 0x44 = 0x1C; ^ 0x3F = 0x23
  t.equal(checksum('1 ID?'), 0x23);
  t.equal(checksum(''), 0x00, 'empty body');
  // Independent vectors: the NMEA examples quoted on Wikipedia's "NMEA 0183" page.
  t.equal(checksum('GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,'), 0x76);
  t.equal(checksum('GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1'), 0x39);
  t.equal(frame('$', '1 PING'), '$1 PING*01\r\n', 'upper-case hex, CR LF');
  t.equal(frame('!', ''), '!*00\r\n', 'two digits, zero padded');
});

t.test('requests: byte-exact, and parsed back', async (t) => {
  const cases: [Request, string][] = [
    [{ cmd: 'ID' }, '$7 ID?*25\r\n'],
    [{ cmd: 'INV' }, `$2 INV?*${hex('2 INV?')}\r\n`],
    [{ cmd: 'STATE', port: 3 }, `$3 STATE? 3*${hex('3 STATE? 3')}\r\n`],
    [{ cmd: 'RESET-PORT', port: 12 }, `$4 RESET 12*${hex('4 RESET 12')}\r\n`],
    [{ cmd: 'RESET-CARD' }, `$5 RESET*${hex('5 RESET')}\r\n`],
    [{ cmd: 'PING' }, '$1 PING*01\r\n'],
  ];
  for (const [req, wire] of cases) {
    const seq = Number(/^\$(\d+)/.exec(wire)?.[1]);
    t.equal(encodeRequest(seq, req), wire, req.cmd);
    t.same(parseLine(wire.slice(0, -2)), { kind: 'request', seq, request: req }, `${req.cmd} parsed`);
  }
  t.same(parseLine('$999 PING*' + hex('999 PING')), { kind: 'request', seq: 999, request: { cmd: 'PING' } }, 'highest tag');
});

t.test('replies and errors', async (t) => {
  const cases: [Reply, string][] = [
    [{ what: 'ID', model: 'LC8-A', firmware: '2.1.0', ports: 8 }, '12 OK ID LC8-A 2.1.0 8'],
    [{ what: 'INV', kinds: ['FXS', 'FXS', 'FXO'] }, '12 OK INV FXS FXS FXO'],
    [{ what: 'STATE', state: { port: 1, kind: 'FXS', hook: 'off-hook', battery: true } }, '12 OK STATE 1 FXS OFFHOOK BAT'],
    [{ what: 'STATE', state: { port: 1, kind: 'FXS', hook: 'ringing', battery: true } }, '12 OK STATE 1 FXS RINGING BAT'],
    [{ what: 'STATE', state: { port: 1, kind: 'FXS', hook: 'on-hook', battery: false } }, '12 OK STATE 1 FXS ONHOOK NOBAT'],
    [{ what: 'STATE', state: { port: 2, kind: 'FXO', line: 'no-line', volts: 0.4 } }, '12 OK STATE 2 FXO NOLINE 0.4'],
    [{ what: 'STATE', state: { port: 2, kind: 'FXO', line: 'idle', volts: 48 } }, '12 OK STATE 2 FXO IDLE 48.0'],
    [{ what: 'STATE', state: { port: 2, kind: 'FXO', line: 'in-use', volts: -7.5 } }, '12 OK STATE 2 FXO INUSE -7.5'],
    [{ what: 'STATE', state: { port: 2, kind: 'FXO', line: 'ringing', volts: 88 } }, '12 OK STATE 2 FXO RINGING 88.0'],
    [{ what: 'RESET-PORT', port: 3 }, '12 OK RESET 3'],
    [{ what: 'RESET-CARD' }, '12 OK RESET'],
    [{ what: 'PONG', uptimeS: 86400 }, '12 OK PONG 86400'],
  ];
  for (const [reply, body] of cases) {
    t.equal(encodeReply(12, reply), frame('$', body), body);
    t.same(parseLine(frame('$', body).trimEnd()), { kind: 'reply', seq: 12, reply }, `${body} parsed`);
  }
  t.equal(encodeReply(12, cases[5]![0]), '$12 OK STATE 2 FXO NOLINE 0.4*16\r\n', 'checksum computed by hand (python reduce xor)');
  t.equal(encodeError(3, 'BADPORT', 'no port 9 (card has 8)'), frame('$', '3 ERR BADPORT no port 9 (card has 8)'));
  t.equal(encodeError(3, 'BUSY', ''), frame('$', '3 ERR BUSY'), 'no text');
  t.equal(encodeError(3, 'X', 'a*b$c!d\n'), frame('$', '3 ERR X a?b?c?d?'), 'framing characters never leak into a body');
  t.same(parseLine(frame('$', '3 ERR BADPORT no port 9').trimEnd()), { kind: 'error', seq: 3, code: 'BADPORT', text: 'no port 9' });
  t.same(parseLine(frame('$', '3 ERR BUSY').trimEnd()), { kind: 'error', seq: 3, code: 'BUSY', text: '' });
});

t.test('events', async (t) => {
  t.equal(encodeEvent({ what: 'PORT', state: { port: 3, kind: 'FXS', hook: 'off-hook', battery: true } }), '!PORT 3 FXS OFFHOOK BAT*7C\r\n');
  t.same(parseLine('!PORT 3 FXS OFFHOOK BAT*7c'), { kind: 'event', event: { what: 'PORT', state: { port: 3, kind: 'FXS', hook: 'off-hook', battery: true } } }, 'lower-case hex accepted');
  const boot = { what: 'BOOT', model: 'LC8-A', firmware: '2.1.0', ports: 8, cause: 'WDT' } as const;
  t.equal(encodeEvent(boot), frame('!', 'BOOT LC8-A 2.1.0 8 WDT'));
  t.same(parseLine(frame('!', 'BOOT LC8-A 2.1.0 8 WDT').trimEnd()), { kind: 'event', event: boot });
  t.same(parseLine(frame('!', 'PORT 2 FXO IDLE -0.0').trimEnd()), { kind: 'event', event: { what: 'PORT', state: { port: 2, kind: 'FXO', line: 'idle', volts: 0 } } }, '-0 is 0');
});

t.test('well-formed but unknown: a newer firmware, not garbage', async (t) => {
  t.same(parseLine(frame('!', 'TEMP 45').trimEnd()), { kind: 'unknown', start: '!', verb: 'TEMP', line: frame('!', 'TEMP 45').trimEnd() });
  const m = parseLine(frame('$', '4 OK FOO 1').trimEnd());
  t.match(m, { kind: 'unknown', start: '$', seq: 4, verb: 'OK FOO' });
  t.match(parseLine(frame('$', '4 DIAL 1').trimEnd()), { kind: 'unknown', seq: 4, verb: 'DIAL' }, 'unknown request (the sim answers BADCMD)');
});

t.test('malformed lines are values, never throws', async (t) => {
  const f = (s: '$' | '!', body: string) => frame(s, body).trimEnd();
  const cases: [string, Partial<Extract<Message, { kind: 'invalid' }>>][] = [
    ['', { error: 'framing', reason: 'empty line' }],
    ['hello', { error: 'framing', reason: 'no start character' }],
    ['$1 PING', { error: 'framing', start: '$', reason: 'no checksum (truncated line?)' }],
    ['$1 PING*0', { error: 'framing', reason: 'bad checksum field "0"' }],
    ['$1 PING*0G', { error: 'framing', reason: 'bad checksum field "0G"' }],
    ['$1 PING*011', { error: 'framing' }],
    ['$1 PING*02', { error: 'checksum', start: '$', reason: 'checksum mismatch: line says 02, computed 01' }],
    ['!PORT 3 FXS OFFHOOK BAT*7D', { error: 'checksum', start: '!' }],
    [`$1 P\x00NG*${hex('1 P\x00NG')}`, { error: 'framing', reason: 'bad character 0x00 at column 5' }],
    [`$1 P\xe9NG*${hex('1 P\xe9NG')}`, { error: 'framing', reason: 'bad character 0xE9 at column 5' }],
    ['x'.repeat(MAX_LINE), { error: 'framing', reason: `line too long (${MAX_LINE} characters)` }],
    [f('$', '1  PING'), { error: 'syntax', reason: 'empty field (double, leading or trailing space)' }],
    [f('$', 'x PING'), { error: 'syntax', reason: 'bad sequence tag "x"' }],
    [f('$', '1000 PING'), { error: 'syntax', reason: 'bad sequence tag "1000"' }],
    [f('$', '1'), { error: 'syntax', reason: 'no command', seq: 1 }],
    [f('$', '1 OK'), { error: 'syntax', reason: 'OK without a reply type', seq: 1 }],
    [f('$', '1 ERR bad'), { error: 'syntax', reason: 'ERR: bad error code "bad"', seq: 1 }],
    [f('$', '1 STATE? 0'), { error: 'syntax', reason: 'bad port number "0"', seq: 1 }],
    [f('$', '1 STATE? 33'), { error: 'syntax', reason: 'bad port number "33"', seq: 1 }],
    [f('$', '1 STATE?'), { error: 'syntax', reason: 'STATE?: 1 fields expected, got 0' }],
    [f('$', '1 ID? 3'), { error: 'syntax' }],
    [f('$', '1 OK ID LC8 2.1 0'), { error: 'syntax', reason: 'OK ID: bad port count "0"' }],
    [f('$', '1 OK ID LC8 2.1'), { error: 'syntax', reason: 'OK ID: 3 fields expected, got 2' }],
    [f('$', '1 OK INV FXS PRI'), { error: 'syntax', reason: 'OK INV: bad port kind "PRI"' }],
    [f('$', '1 OK STATE 1 FXS UP BAT'), { error: 'syntax', reason: 'OK STATE: bad FXS state "UP"' }],
    [f('$', '1 OK STATE 1 FXS ONHOOK 48.0'), { error: 'syntax', reason: 'OK STATE: bad battery field "48.0"' }],
    [f('$', '1 OK STATE 1 FXO IDLE BAT'), { error: 'syntax', reason: 'OK STATE: bad voltage "BAT"' }],
    [f('$', '1 OK STATE 1 FXO IDLE 1e3'), { error: 'syntax' }],
    [f('$', '1 OK STATE 1 PRI IDLE 4'), { error: 'syntax', reason: 'OK STATE: bad port kind "PRI"' }],
    [f('$', '1 OK PONG -1'), { error: 'syntax', reason: 'OK PONG: bad uptime "-1"' }],
    [f('!', 'PORT 1 FXS ONHOOK'), { error: 'syntax', reason: 'PORT: 4 fields expected, got 3', start: '!' }],
    [f('!', 'BOOT LC8 2.1 8'), { error: 'syntax', reason: 'BOOT: 4 fields expected, got 3' }],
  ];
  for (const [line, want] of cases) {
    let got: Message | undefined;
    t.doesNotThrow(() => (got = parseLine(line)), JSON.stringify(line));
    t.match(got, { kind: 'invalid', ...want }, JSON.stringify(line));
  }
  t.notOk('seq' in (parseLine('$1 PING*02') as object), 'no trusted seq from a line with a bad checksum');
});

t.test('splitter: every byte boundary gives the same lines', async (t) => {
  const wire = '$1 OK PONG 5*' + hex('1 OK PONG 5') + '\r\n!PORT 3 FXS OFFHOOK BAT*7C\r\n';
  for (let cut = 0; cut <= wire.length; cut++) {
    const s = new LineSplitter();
    const got = [...s.push(Buffer.from(wire.slice(0, cut), 'latin1')), ...s.push(Buffer.from(wire.slice(cut), 'latin1'))];
    t.same(got, [`$1 OK PONG 5*${hex('1 OK PONG 5')}`, '!PORT 3 FXS OFFHOOK BAT*7C'], `cut at ${cut}`);
  }
  const s = new LineSplitter();
  const bytes: string[] = [];
  for (const ch of wire) bytes.push(...s.push(ch));
  t.equal(bytes.length, 2, 'one byte at a time');
});

t.test('splitter: resynchronises on the start character after noise', async (t) => {
  const s = new LineSplitter();
  t.same(s.push('\x8f\x00@#~$1 OK PO!PORT 3 FXS OFFHOOK BAT*7C\r\n'), ['!PORT 3 FXS OFFHOOK BAT*7C'], 'a truncated reply and noise before an event');
  t.equal(s.noiseBytes, 13, '5 noise bytes and the 8 of the cut reply');
  t.same(s.push('\r\n\n'), [], 'empty lines are nothing');
  t.same(s.push('junk\r\n'), ['junk'], 'a line with no start character is still handed over (counted as invalid)');
  t.same(s.push('$1 PING*01\n'), ['$1 PING*01'], 'bare LF accepted');
});

t.test('splitter: an endless line is cut once and cannot grow the buffer', async (t) => {
  const s = new LineSplitter();
  const out = s.push('$'.padEnd(1000, 'A'));
  t.equal(out.length, 1);
  t.equal(out[0]?.length, MAX_LINE + 1);
  t.match(parseLine(out[0]!), { kind: 'invalid', reason: /line too long/ });
  t.same(s.push('B'.repeat(5000)), [], 'the rest is discarded');
  t.same(s.push('tail\r\n$1 PING*01\r\n'), ['$1 PING*01'], 'back in step after the next line end');
  t.equal(s.overlong, 1);
});

function hex(body: string): string {
  return checksum(body).toString(16).toUpperCase().padStart(2, '0');
}
