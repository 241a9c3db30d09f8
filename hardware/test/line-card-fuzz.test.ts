// Fuzzing the line-card codec and driver with a seeded PRNG. The seed is
// printed; replay a failure with FUZZ_SEED=<seed> npx tap hardware/test/line-card-fuzz.test.ts.
// Properties: the parser never throws and a cut line is never a message; the
// splitter gives the same lines however the bytes are chunked; the driver,
// fed noise, forged lines and every card quirk, never throws or hangs, and
// once the noise stops it converges on the card's real state.
import t from 'tap';
import { LineSplitter } from '../src/serial/linecard/line-splitter.js';
import {
  encodeEvent,
  encodeReply,
  encodeRequest,
  frame,
  parseLine,
  type PortReport,
  type Reply,
  type Request,
} from '../src/serial/linecard/protocol.js';
import { prng } from '../src/sim/serial/line-card-sim.js';
import { drain, rig } from './line-card-helpers.js';

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
t.comment(`seed ${seed} (replay: FUZZ_SEED=${seed})`);
const rnd = prng(seed);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const WORDS = ['OK', 'ERR', 'ID', 'ID?', 'INV', 'INV?', 'STATE', 'STATE?', 'RESET', 'PING', 'PONG', 'PORT', 'BOOT', 'FXS', 'FXO',
  'ONHOOK', 'OFFHOOK', 'RINGING', 'IDLE', 'INUSE', 'NOLINE', 'BAT', 'NOBAT', '48.0', '-7.5', '0.4', '1', '2', '3', '4', '99', '0', 'x', ''];

function randomReport(): PortReport {
  const port = 1 + int(32);
  return rnd() < 0.5
    ? { port, kind: 'FXS', hook: pick(['on-hook', 'off-hook', 'ringing'] as const), battery: rnd() < 0.5 }
    : { port, kind: 'FXO', line: pick(['idle', 'ringing', 'in-use', 'no-line'] as const), volts: Math.round((rnd() * 200 - 100) * 10) / 10 };
}

/** A valid line of any kind, as the card or the host would send it. */
function validLine(): string {
  const seq = int(1000);
  switch (int(4)) {
    case 0: {
      const reqs: Request[] = [{ cmd: 'ID' }, { cmd: 'INV' }, { cmd: 'STATE', port: 1 + int(32) }, { cmd: 'RESET-PORT', port: 1 + int(32) }, { cmd: 'RESET-CARD' }, { cmd: 'PING' }];
      return encodeRequest(seq, pick(reqs));
    }
    case 1: {
      const replies: Reply[] = [
        { what: 'ID', model: 'LC8-A', firmware: '2.1.0', ports: 1 + int(32) },
        { what: 'INV', kinds: Array.from({ length: 1 + int(32) }, () => pick(['FXS', 'FXO'] as const)) },
        { what: 'STATE', state: randomReport() },
        { what: 'RESET-PORT', port: 1 + int(32) },
        { what: 'RESET-CARD' },
        { what: 'PONG', uptimeS: int(1e9) },
      ];
      return encodeReply(seq, pick(replies));
    }
    case 2:
      return encodeEvent({ what: 'PORT', state: randomReport() });
    default:
      return encodeEvent({ what: 'BOOT', model: 'LC4', firmware: '1.0', ports: 1 + int(32), cause: pick(['POWER', 'WDT', 'CMD']) });
  }
}

/** Random words under a correct checksum: reaches the syntax layer. */
function wordSalad(): string {
  const body = Array.from({ length: int(8) }, () => pick(WORDS)).join(' ');
  return frame(pick(['$', '!'] as const), rnd() < 0.7 ? `${int(1000)} ${body}` : body).trimEnd();
}

function randomBytes(n: number): string {
  return Array.from({ length: n }, () => String.fromCharCode(int(256))).join('');
}

function mutate(line: string): string {
  const i = int(line.length + 1);
  switch (int(4)) {
    case 0:
      return line.slice(0, i) + String.fromCharCode(int(256)) + line.slice(i + 1);
    case 1:
      return line.slice(0, i);
    case 2:
      return line.slice(0, i) + randomBytes(1 + int(4)) + line.slice(i);
    default:
      return line.slice(0, i) + line.slice(i + 1 + int(3));
  }
}

t.test('parser: random, mutated and salad lines never throw; valid lines round-trip', async (t) => {
  const kinds = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    const src = int(4);
    const line = src === 0 ? randomBytes(int(200)) : src === 1 ? mutate(validLine().trimEnd()) : src === 2 ? wordSalad() : validLine().trimEnd();
    let kind = 'threw';
    try {
      const m = parseLine(line);
      kind = m.kind;
      if (m.kind === 'invalid' && (typeof m.reason !== 'string' || m.reason === '')) kind = 'invalid without a reason';
    } catch {
      // counted below
    }
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (src === 3 && kind === 'invalid') t.fail(`a valid line did not parse: ${JSON.stringify(line)}`);
  }
  t.notOk(kinds.has('threw'), 'no throw');
  t.notOk(kinds.has('invalid without a reason'));
  t.comment(JSON.stringify(Object.fromEntries(kinds)));
});

t.test('a truncated line is never a message', async (t) => {
  let bad = 0;
  for (let i = 0; i < 500; i++) {
    const line = validLine().trimEnd();
    for (let cut = 0; cut < line.length; cut++) if (parseLine(line.slice(0, cut)).kind !== 'invalid') bad++;
  }
  t.equal(bad, 0);
});

t.test('splitter: random chunking and noise lines give back every valid line', async (t) => {
  for (let round = 0; round < 200; round++) {
    const valid = Array.from({ length: 1 + int(20) }, () => validLine());
    // Noise between lines, ended by a line break (noise without one may swallow the next line's head: see below).
    const noisy = valid.map((l) => (rnd() < 0.3 ? `${randomBytes(int(30)).replace(/[$!\n]/g, '.')}\r\n${l}` : l)).join('');
    const s = new LineSplitter();
    const got: string[] = [];
    for (let i = 0; i < noisy.length; ) {
      const n = 1 + int(24);
      got.push(...s.push(Buffer.from(noisy.slice(i, i + n), 'latin1')));
      i += n;
    }
    const want = valid.map((l) => l.trimEnd());
    const found = got.filter((l) => want.includes(l));
    if (found.length !== want.length) t.fail(`round ${round}: ${found.length}/${want.length} lines recovered`);
  }
  t.pass('200 rounds');
});

t.test('driver: noise, forged lines and quirks; no throw, no hang, converges', async (t) => {
  for (let round = 0; round < 6; round++) {
    const r = await rig({ card: { requestTimeoutMs: 500, heartbeatMs: 2000, refreshMs: 20_000 }, sim: { seed: seed + round } });
    for (let step = 0; step < 250; step++) {
      const port = 1 + int(4);
      const fxs = port <= 2;
      switch (int(14)) {
        case 0:
          await r.cardEnd.write(Buffer.from(randomBytes(int(60)), 'latin1'));
          break;
        case 1:
          await r.cardEnd.write(`${mutate(validLine().trimEnd())}\r\n`);
          break;
        case 2:
          await r.cardEnd.write(`${wordSalad()}\r\n`);
          break;
        case 3:
          await r.cardEnd.write(validLine()); // forged: a stray reply, a wrong event, a BOOT
          break;
        case 4:
          r.sim.garbage(1 + int(40));
          break;
        case 5:
          r.sim.truncateNext();
          break;
        case 6:
          r.sim.corruptChecksumNext();
          break;
        case 7:
          r.sim.slow(rnd() < 0.5 ? 0 : int(1500));
          break;
        case 8:
          r.sim.silent(rnd() < 0.3);
          break;
        case 9:
          if (rnd() < 0.1) r.sim.reboot(pick(['WDT', 'POWER']));
          break;
        case 10:
          r.sim.setHook(port, pick(['on', 'off'] as const));
          break;
        case 11:
          if (fxs) r.sim.setBattery(port, rnd() < 0.8);
          else r.sim.setLineVoltage(port, pick([48, 47.2, 8, 0.4, 0, -48]));
          break;
        case 12:
          r.sim.ring(port, rnd() < 0.5);
          break;
        default:
          if (rnd() < 0.2) void r.card.resetPort(port);
      }
      await r.clock.advance(int(3000));
    }
    // The noise stops; after a refresh period the driver must agree with the card.
    r.sim.silent(false);
    r.sim.slow(0);
    await r.clock.advance(60_000);
    const want = [1, 2, 3, 4].map((p) => r.sim.report(p));
    t.same(r.card.ports().map(({ since: _since, ...p }) => p), want, `round ${round}: ports match the card`);
    t.equal(r.card.status().status, 'ok', `round ${round}: card ok`);
    const cardFaults = r.card.faults().filter((f) => f.code === 'card-silent' || f.code === 'card-error');
    t.same(cardFaults, [], `round ${round}: no card fault left`);
    const expectPortFaults = want
      .flatMap((p) => (p.kind === 'FXS' ? (p.battery ? [] : [`no-battery ${p.port}`]) : Math.abs(p.volts) < 3 ? [`line-cut ${p.port}`] : []))
      .sort();
    const gotPortFaults = r.card.faults().filter((f) => f.code === 'no-battery' || f.code === 'line-cut').map((f) => `${f.code} ${f.port}`).sort();
    t.same(gotPortFaults, expectPortFaults, `round ${round}: port faults match the card`);
    const res = r.card.request({ cmd: 'PING' });
    await r.clock.advance(500);
    t.equal((await res).kind, 'ok', `round ${round}: the request queue is not stuck`);
    t.ok(r.clock.pending() < 20, `round ${round}: timers do not pile up (${r.clock.pending()})`);
    t.comment(`round ${round}: ${JSON.stringify(r.card.counters())}`);
    drain(r.events);
    await r.card.stop();
  }
});
