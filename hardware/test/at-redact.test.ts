// The SIM PIN never reaches the log, not even at trace level, not when the
// modem echoes the command back, not when the PIN is refused.
import { Writable } from 'node:stream';
import pino from 'pino';
import t from 'tap';
import { redact } from '../src/serial/at/engine.js';
import { engineOverPair } from './at-helpers.js';

t.test('redact masks the arguments of the PIN commands only', async (t) => {
  t.equal(redact('AT+CPIN="4711"'), 'AT+CPIN=<redacted>');
  t.equal(redact('at+clck="SC",0,"4711"'), 'at+clck=<redacted>');
  t.equal(redact('AT+CPWD="SC","1111","2222"'), 'AT+CPWD=<redacted>');
  t.equal(redact('AT+CPIN?'), 'AT+CPIN?', 'the query has no secret');
  t.equal(redact('AT+CSQ'), 'AT+CSQ');
});

t.test('a refused PIN with echo on and trace logging leaves no trace of the PIN', async (t) => {
  let out = '';
  const sink = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
  const { engine, modem } = engineOverPair({ log: pino({ level: 'trace' }, sink) });
  modem.echo = true;
  modem.answer = (cmd) => (cmd.startsWith('AT+CPIN=') ? '\r\n+CME ERROR: incorrect password\r\n' : '\r\nOK\r\n');
  const r = await engine.send('AT+CPIN="4711"');
  t.match(r, { kind: 'error', code: 'CME', message: 'incorrect password' });
  engine.stop();
  t.match(out, /AT\+CPIN=<redacted>/, 'the command is logged, masked');
  t.notMatch(out, /4711/, 'the PIN is nowhere in the log');
});
