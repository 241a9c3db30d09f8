// Fuzzing the SMS PDU decoders: random hex, every truncation of valid PDUs,
// random single-octet mutations and random garbage strings. The property:
// each call returns a value or throws PduError — never another exception, an
// out-of-range read (which would surface as a TypeError or a NaN in a field),
// or a hang. Seeded; the seed is printed and SMS_FUZZ_SEED=<n> replays it.
import t, { type Test } from 'tap';
import { PduError, decodePdu, decodeSubmit, encodeDeliver, encodeStatusReport, encodeSubmit } from '../src/serial/sms/index.js';
import { fuzzSeed, prng } from './sms-helpers.js';

const seed = fuzzSeed();
t.comment(`SMS fuzz seed ${seed} (replay: SMS_FUZZ_SEED=${seed})`);
const rnd = prng(seed);
const int = (n: number): number => Math.floor(rnd() * n);
const hexOf = (bytes: number[]): string => Buffer.from(bytes).toString('hex').toUpperCase();

/** Valid PDUs: published ones (see sms-pdu.test.ts for sources) and encoder output. */
const VALID_RX = [
  '07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37',
  '0891683108200505F0040D91683105155694F5000850208151754500044F60597D',
  '07910221020020F040048167383D1170113232848040140500033A0202EC6176BD0C4ACF4134170E06',
  '0006D60B911326880736F4111011719551401110117195714000',
  '0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20',
  '00440B917228214365F70000313080512061800A06080401800402C834',
  ...encodeDeliver('Operator', 'Hei € [x] '.repeat(40), { sentAt: new Date('2024-05-01T10:00:00Z'), concatRef: 300, smsc: '+46707000000' }),
  ...encodeDeliver('+46708251358', '消防警报 🚒'.repeat(30), { sentAt: new Date('2024-05-01T10:00:00Z'), concatRef: 5 }),
  encodeStatusReport('+46708251358', { messageRef: 9, status: 0x41, sentAt: new Date('2024-05-01T10:00:00Z'), dischargedAt: new Date('2024-05-01T10:00:09Z'), tzQuarterHours: -20 }),
];
const VALID_TX = [
  '0011000B916407281553F80000AA0AE8329BFD4697D9EC37',
  '07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701',
  '0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301',
  '0081000B813109010054F3001804534E4E3A',
  ...encodeSubmit('+46708251358', 'Brand i hus 3, våning 2 {A}'.repeat(12), { ref: 77, statusReport: true, validityMinutes: 600 }).map((p) => p.hex),
  ...encodeSubmit('112', '你好🚒'.repeat(50), { ref: 1 }).map((p) => p.hex),
];
const DECODERS = [
  ['decodePdu', decodePdu],
  ['decodeSubmit', decodeSubmit],
] as const;

let calls = 0;
let slowest = 0;
/** Runs one decode; returns 'ok' | 'pdu-error', or a description of the violation. */
function probe(decode: (hex: string) => unknown, hex: string): string {
  calls++;
  const t0 = performance.now();
  try {
    const v = decode(hex);
    if (JSON.stringify(v).includes('null')) return `value with a NaN/undefined-derived field: ${JSON.stringify(v)}`;
    return 'ok';
  } catch (e) {
    return e instanceof PduError ? 'pdu-error' : `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  } finally {
    slowest = Math.max(slowest, performance.now() - t0);
  }
}

function runAll(t: Test, label: string, inputs: Iterable<string>, expectError = false): void {
  const bad: string[] = [];
  let n = 0;
  for (const hex of inputs) {
    for (const [name, decode] of DECODERS) {
      const r = probe(decode, hex);
      n++;
      if ((r !== 'ok' && r !== 'pdu-error') || (expectError && r === 'ok')) bad.push(`${name}(${JSON.stringify(hex)}): ${r}`);
    }
  }
  t.strictSame(bad.slice(0, 10), [], `${label}: ${n} calls, only values or PduError${expectError ? ' (PduError every time)' : ''}`);
}

t.test('valid PDUs decode', async (t) => {
  for (const hex of VALID_RX) t.equal(probe(decodePdu, hex), 'ok', hex.slice(0, 40));
  for (const hex of VALID_TX) t.equal(probe(decodeSubmit, hex), 'ok', hex.slice(0, 40));
});

t.test('every truncation of every valid PDU throws PduError', async (t) => {
  // The status report has no optional tail here and DELIVER/SUBMIT end with
  // TP-UD, so any cut (at an octet or mid-octet) leaves a field short.
  const cuts = function* (): Generator<string> {
    for (const hex of [...VALID_RX, ...VALID_TX]) for (let len = 0; len < hex.length; len++) yield hex.slice(0, len);
  };
  runAll(t, 'truncations', cuts(), true);
});

t.test('random single-octet mutations of valid PDUs', async (t) => {
  const all = [...VALID_RX, ...VALID_TX];
  const mutants = function* (): Generator<string> {
    for (let i = 0; i < 6000; i++) {
      const bytes = [...Buffer.from(all[int(all.length)] ?? '', 'hex')];
      const at = int(bytes.length);
      bytes[at] = rnd() < 0.5 ? int(256) : (bytes[at] ?? 0) ^ (1 << int(8));
      yield hexOf(bytes);
    }
  };
  runAll(t, 'mutations', mutants());
});

t.test('random octet strings, plain and with a plausible header', async (t) => {
  const randoms = function* (): Generator<string> {
    for (let i = 0; i < 4000; i++) yield hexOf(Array.from({ length: int(180) }, () => int(256)));
    // SMSC 00 and a first octet of each type, so the decoders get past the first fields.
    for (let i = 0; i < 4000; i++) yield hexOf([0x00, [0x00, 0x01, 0x02, 0x40, 0x41, 0x11, 0x19, 0x0d][int(8)] ?? 0, ...Array.from({ length: int(170) }, () => int(256))]);
  };
  runAll(t, 'random octets', randoms());
});

t.test('garbage strings: odd lengths, non-hex, whitespace, oversize', async (t) => {
  const alphabet = '0123456789ABCDEFabcdef G\n\r\t-x:';
  const garbage = function* (): Generator<string> {
    for (let i = 0; i < 3000; i++) yield Array.from({ length: int(60) }, () => alphabet[int(alphabet.length)]).join('');
    yield '';
    yield ' ';
    yield 'F'.repeat(353);
    yield '00'.repeat(100_000);
  };
  runAll(t, 'garbage', garbage());
});

t.test('fast', async (t) => {
  t.comment(`${calls} decode calls, slowest ${slowest.toFixed(2)} ms`);
  t.ok(slowest < 500, 'no call takes long (the 200 kB input included; generous for a shared CI core)');
});
