// Fuzzing the AT layer with a seeded PRNG (set AT_FUZZ_SEED to replay a run;
// the seed is printed). The splitter and the engine get thousands of random
// and truncated chunks, noise, URCs interleaved with responses, answers that
// never come or come late: nothing throws, every command ends (ok / error /
// timeout) in bounded time, state stays bounded, and where the far end's
// answer was well formed the result is exactly what it sent.
import t from 'tap';
import { AtEngine } from '../src/serial/at/engine.js';
import { LineSplitter, type AtToken } from '../src/serial/at/line-splitter.js';
import type { AtResult, Urc } from '../src/serial/at/types.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { MemLink, prng } from './at-helpers.js';
import { quietLog } from './helpers.js';

const SEED = Number(process.env.AT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
t.comment(`AT fuzz seed ${SEED} (replay: AT_FUZZ_SEED=${SEED} npx tap hardware/test/at-fuzz.test.ts)`);

const FRAGMENTS = ['\r\n', '\r', '\n', 'OK', 'ERROR', '> ', '>', '+CME ERROR: ', '+CMS ERROR: 3', '+CMT: ,2', '+CDS: 2', 'RING', '+CREG: 1', 'NO CARRIER', '+CSQ: 1', '0011AB', '\x1a', '\x1b', '\x00', '\xff', '"', ','];

function randomBytes(rnd: () => number, n: number): Buffer {
  const parts: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const b = rnd() < 0.5 ? Buffer.from(FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)]!, 'latin1') : Buffer.from([Math.floor(rnd() * 256)]);
    parts.push(b);
    len += b.length;
  }
  return Buffer.concat(parts);
}

/** Cut `data` into 1..n random chunks. */
function chunks(rnd: () => number, data: Buffer, maxChunk = 40): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; ) {
    const n = 1 + Math.floor(rnd() * maxChunk);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

t.test('splitter: random bytes, random chunking', async (t) => {
  const rnd = prng(SEED);
  let maxBuffered = 0;
  let diffs = 0;
  for (let run = 0; run < 300; run++) {
    const data = randomBytes(rnd, 200 + Math.floor(rnd() * 2000));
    const whole = new LineSplitter({ maxLineBytes: 256 }).push(data);
    const s = new LineSplitter({ maxLineBytes: 256 });
    const pieces: AtToken[] = [];
    for (const c of chunks(rnd, data)) {
      pieces.push(...s.push(c));
      maxBuffered = Math.max(maxBuffered, s.buffered);
    }
    if (JSON.stringify(pieces) !== JSON.stringify(whole)) diffs++;
  }
  t.equal(diffs, 0, '300 random streams: chunking never changes the tokens');
  t.ok(maxBuffered <= 256, `never more than maxLineBytes held (max ${maxBuffered})`);
});

function setup() {
  const clock = new ManualClock();
  const link = new MemLink();
  const engine = new AtEngine(link, { log: quietLog, clock, defaultTimeoutMs: 200, resyncQuietMs: 100, resyncMaxMs: 1000, urcBodyTimeoutMs: 50 });
  const urcs: Urc[] = [];
  engine.on('urc', (u) => urcs.push(u));
  engine.start();
  link.start();
  return { clock, link, engine, urcs };
}

/** Wait (in simulated time) for a result; fail rather than hang. */
async function settleResult(clock: ManualClock, p: Promise<AtResult>, limitMs: number): Promise<AtResult | 'hang'> {
  let result: AtResult | undefined;
  void p.then((r) => (result = r));
  for (let waited = 0; waited <= limitMs && !result; waited += 10) await clock.advance(10);
  return result ?? 'hang';
}

t.test('engine: a storm of random bytes while commands are in flight', async (t) => {
  const rnd = prng(SEED + 1);
  const { clock, link, engine } = setup();
  link.onWrite = () => {
    // The far end answers every write with 0–3 bursts of AT-flavoured garbage at random times.
    for (let k = Math.floor(rnd() * 4); k > 0; k--) {
      const data = randomBytes(rnd, Math.floor(rnd() * 120));
      clock.setTimeout(() => chunks(rnd, data, 16).forEach((c) => link.feed(c)), Math.floor(rnd() * 250));
    }
  };
  const kinds: Record<string, number> = {};
  let hangs = 0;
  for (let i = 0; i < 800; i++) {
    const batch = 1 + Math.floor(rnd() * 3);
    const ps = Array.from({ length: batch }, (_, j) => engine.send(`AT+FZ=${i},${j}`, rnd() < 0.2 ? { body: 'ABCD' } : {}));
    for (const p of ps) {
      const r = await settleResult(clock, p, 3 * 1200);
      if (r === 'hang') hangs++;
      else kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
    }
  }
  t.equal(hangs, 0, 'every command ended');
  t.notOk(kinds.disconnected, 'none ended as disconnected');
  t.comment(`results: ${JSON.stringify(kinds)}`);
  await clock.advance(2000);
  t.equal(engine.pending, 0, 'queue empty');
  t.ok(clock.pending() <= 2, `no timers piling up (${clock.pending()})`);
});

// ---- a well-behaved but noisy modem: exact results -----------------------------------------------

const URCS: { text: string; name: string; pdu?: string }[] = [
  { text: 'RING', name: 'RING' },
  { text: '+CMTI: "SM",7', name: '+CMTI' },
  { text: '+CREG: 5,"1A2B","00C3D4E5",7', name: '+CREG' },
  { text: 'UNDER-VOLTAGE WARNNING', name: 'UNDER-VOLTAGE WARNNING' },
  { text: 'NO CARRIER', name: 'NO CARRIER' },
  { text: '^RSSI: 12', name: '^RSSI' },
  { text: '+CMT: ,23\r\n07914140279505F7040B911467397254F200001250401091358004D4F29C0E', name: '+CMT', pdu: '07914140279505F7040B911467397254F200001250401091358004D4F29C0E' },
];
/** Bytes the splitter removes: control characters and bytes that are never valid UTF-8. */
const NOISE = [0x00, 0x07, 0x08, 0x0b, 0x11, 0x1a, 0x1b, 0x7f, 0xc0, 0xc1, 0xf8, 0xfe, 0xff];

type Mode = 'clean' | 'noisy' | 'silent' | 'truncated' | 'late';

t.test('engine: interleaved responses and URCs, noise, silence, truncation, late answers', async (t) => {
  const rnd = prng(SEED + 2);
  const { clock, link, engine, urcs } = setup();
  const expectedUrcs: { name: string; pdu?: string }[] = [];
  const expected = new Map<string, AtResult>();
  const modes = new Map<string, Mode>();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const noisy = (s: string, on: boolean) =>
    on ? Buffer.concat([...Buffer.from(s, 'latin1')].map((b) => Buffer.from(rnd() < 0.08 ? [pick(NOISE), b] : [b]))) : Buffer.from(s, 'latin1');
  let partial = '';
  let echo = false;
  let busyUntil = 0;
  /** The far end's reaction to the body of the SMS in progress (set when it sends the prompt). */
  let pendingBody: (() => void) | undefined;

  const respond = (cmd: string) => {
    const mode = modes.get(cmd) ?? 'clean';
    const sms = cmd.startsWith('AT+CMGS');
    const lines = Array.from({ length: Math.floor(rnd() * 4) }, (_, k) => `+FZ: ${cmd.slice(6)},${k}`);
    const final = pick(['OK', 'OK', 'OK', 'ERROR', '+CME ERROR: 10', '+CMS ERROR: 500']);
    const result: AtResult =
      final === 'OK'
        ? { kind: 'ok', lines }
        : final === 'ERROR'
          ? { kind: 'error', code: 'ERROR', message: 'ERROR (no details: enable AT+CMEE=1)', lines }
          : final.startsWith('+CME')
            ? { kind: 'error', code: 'CME', n: 10, message: 'SIM not inserted', lines }
            : { kind: 'error', code: 'CMS', n: 500, message: 'unknown error', lines };
    // Interleave URCs between the response lines (not in answers that are never sent or cut off:
    // those URCs could not be accounted for).
    const withUrcs = mode !== 'silent' && mode !== 'truncated';
    const parts: string[] = echo && !sms ? [`${cmd}\r`] : [];
    const urcsHere: { name: string; pdu?: string }[] = [];
    for (const l of [...lines, final]) {
      while (withUrcs && rnd() < 0.25) {
        const u = pick(URCS);
        parts.push(`\r\n${u.text}\r\n`);
        urcsHere.push(u.pdu ? { name: u.name, pdu: u.pdu } : { name: u.name });
      }
      parts.push(`\r\n${l}\r\n`);
    }
    let bytes = Buffer.concat(parts.map((p) => noisy(p, mode === 'noisy')));
    pendingBody = undefined;
    if (mode === 'silent') return;
    if (mode === 'truncated') bytes = bytes.subarray(0, Math.floor(rnd() * (bytes.length - 3)));
    else expected.set(cmd, result);
    const start = mode === 'late' ? 210 + Math.floor(rnd() * 60) : Math.floor(rnd() * 20);
    // A modem sends one thing after another: a delivery starts after the previous one's last byte.
    const deliver = (buf: Buffer, delay: number, urcs: typeof urcsHere = []) => {
      expectedUrcs.push(...urcs); // in delivery order; an SMS answer that is never sent brings none
      let at = Math.max(clock.now() + delay, busyUntil);
      for (const c of chunks(rnd, buf, 12)) {
        at += Math.floor(rnd() * 3);
        clock.setTimeout(() => {
          log(`rx ${JSON.stringify(c.toString('latin1'))}`);
          link.feed(c);
        }, at - clock.now());
      }
      busyUntil = at;
    };
    if (sms) {
      deliver(Buffer.from(echo ? `${cmd}\r\r\n> ` : '\r\n> ', 'latin1'), start);
      pendingBody = () => deliver(bytes, 1 + Math.floor(rnd() * 5), urcsHere);
    } else deliver(bytes, start, urcsHere);
  };
  /** The last exchanges, printed when a result is wrong. */
  const recent: string[] = [];
  const log = (s: string) => {
    recent.push(`${clock.now() % 100000} ${s}`);
    if (recent.length > 80) recent.shift();
  };
  link.onWrite = (data) => {
    log(`tx ${JSON.stringify(data)}`);
    partial += data;
    // eslint-disable-next-line no-control-regex -- CR ends a command, Ctrl-Z a body, ESC aborts one
    for (let m; (m = /[\r\x1a\x1b]/.exec(partial)); ) {
      const text = partial.slice(0, m.index);
      partial = partial.slice(m.index + 1);
      if (m[0] === '\r') respond(text);
      else if (m[0] === '\x1a') {
        pendingBody?.();
        pendingBody = undefined;
      }
    }
  };

  const counts: Record<string, number> = {};
  let wrong = 0;
  let hangs = 0;
  for (let i = 0; i < 1500; i++) {
    echo = rnd() < 0.5;
    const batch = 1 + Math.floor(rnd() * 3);
    const sent = Array.from({ length: batch }, (_, j) => {
      const sms = rnd() < 0.15;
      const cmd = sms ? `AT+CMGS=${i}${j}` : `AT+FZ=${i}${j}`;
      const mode: Mode = pick(['clean', 'clean', 'clean', 'noisy', 'noisy', 'silent', 'truncated', 'late']);
      modes.set(cmd, mode);
      return { cmd, mode, p: engine.send(cmd, sms ? { body: '0011000B91', timeoutMs: 200 } : {}) };
    });
    for (const s of sent) {
      const r = await settleResult(clock, s.p, 5000);
      counts[`${s.mode}:${r === 'hang' ? 'hang' : r.kind}`] = (counts[`${s.mode}:${r === 'hang' ? 'hang' : r.kind}`] ?? 0) + 1;
      if (r === 'hang') hangs++;
      else if (s.mode === 'clean' || s.mode === 'noisy') {
        if (JSON.stringify(r) !== JSON.stringify(expected.get(s.cmd))) {
          if (wrong++ < 3) t.same(r, expected.get(s.cmd), `${s.cmd} (${s.mode}, seed ${SEED})\n${recent.join('\n')}`);
        }
      } else if (r.kind !== 'timeout') {
        if (wrong++ < 3) t.fail(`${s.cmd} (${s.mode}) should time out, got ${JSON.stringify(r)}`);
      }
    }
  }
  await clock.advance(2000);
  t.comment(JSON.stringify(counts));
  t.equal(hangs, 0, 'no command hung');
  t.equal(wrong, 0, 'well-formed answers (with noise) give exactly what was sent; silent/truncated/late ones time out');
  t.same(
    urcs.map((u) => (u.pdu ? { name: u.name, pdu: u.pdu } : { name: u.name })),
    expectedUrcs,
    `all ${expectedUrcs.length} URCs, in order, even inside late answers`,
  );
  t.equal(engine.pending, 0);
  t.ok(clock.pending() <= 2, 'no timers piling up');
});
