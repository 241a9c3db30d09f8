// Reassembly of concatenated SMS (3GPP TS 23.040 §9.2.3.24.1): any order,
// duplicates, expiry with the partial text, and the bound on pending groups —
// no part is ever dropped without being handed back.
import t from 'tap';
import { MISSING_PART_MARK, Reassembler, type DeliverPdu } from '../src/serial/sms/index.js';

const FROM = '+46708251358';
function part(n: number, opts: { ref?: number; parts?: number; from?: string; text?: string } = {}): DeliverPdu {
  return {
    type: 'deliver',
    smsc: '+46707000000',
    from: opts.from ?? FROM,
    sentAt: `2024-05-01T12:00:0${n}+02:00`,
    encoding: 'gsm7',
    text: opts.text ?? `<${n}>`,
    concat: { ref: opts.ref ?? 7, parts: opts.parts ?? 3, part: n },
  };
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

t.test('three parts in every order', async (t) => {
  const orders = permutations([1, 2, 3]);
  t.equal(orders.length, 6);
  for (const order of orders) {
    const r = new Reassembler();
    const results = order.map((n, i) => r.add(part(n), i));
    t.strictSame(results.slice(0, 2), [undefined, undefined], `${order.join('')}: waits`);
    t.strictSame(results[2], { from: FROM, sentAt: '2024-05-01T12:00:01+02:00', text: '<1><2><3>', parts: 3 }, `${order.join('')}: whole, sentAt of part 1`);
    t.equal(r.pending, 0);
  }
});

t.test('a single SMS, or a 1-part concatenated one, passes straight through', async (t) => {
  const r = new Reassembler();
  const single: DeliverPdu = { type: 'deliver', smsc: '', from: FROM, sentAt: 's', encoding: 'ucs2', text: '你好' };
  t.strictSame(r.add(single, 0), { from: FROM, sentAt: 's', text: '你好', parts: 1 });
  t.strictSame(r.add(part(1, { parts: 1 }), 0), { from: FROM, sentAt: '2024-05-01T12:00:01+02:00', text: '<1>', parts: 1 });
  t.equal(r.pending, 0);
});

t.test('duplicates of a pending part are ignored', async (t) => {
  const r = new Reassembler();
  t.equal(r.add(part(2), 0), undefined);
  t.equal(r.add(part(2), 1), undefined, 'duplicate of a pending part');
  t.equal(r.add(part(1), 2), undefined);
  t.equal(r.add(part(1, { text: 'other' }), 3), undefined, 'a second copy of part 1 (first one wins)');
  t.match(r.add(part(3), 4), { text: '<1><2><3>' });
  t.equal(r.pending, 0);
});

t.test('a part seen again after completion is not swallowed', async (t) => {
  // A gateway that always uses ref 7 sends the same 2-part alarm twice: both must come out.
  const r = new Reassembler();
  const alarm = (n: number): DeliverPdu => part(n, { parts: 2, text: n === 1 ? 'FIRE zone 3 ' : 'floor 2' });
  t.equal(r.add(alarm(1), 0), undefined);
  t.match(r.add(alarm(2), 1), { text: 'FIRE zone 3 floor 2' });
  t.equal(r.add(alarm(1), 2), undefined);
  t.match(r.add(alarm(2), 3), { text: 'FIRE zone 3 floor 2' }, 'the repeat is delivered too');
  // A lone re-reported part opens a group that expire() reports, visibly.
  t.equal(r.add(part(2), 4), undefined);
  t.match(r.expire(100, 50), [{ ref: 7, have: 1, missing: [1, 3], text: '…<2>…', reason: 'expired' }]);
});

t.test('keyed by originator, reference and part count', async (t) => {
  const r = new Reassembler();
  r.add(part(1), 0);
  r.add(part(1, { from: '+4600000' }), 0);
  r.add(part(1, { ref: 8 }), 0);
  r.add(part(1, { parts: 2 }), 0);
  t.equal(r.pending, 4);
  t.match(r.add(part(2, { parts: 2 }), 1), { text: '<1><2>', parts: 2 });
  t.equal(r.pending, 3);
});

t.test('expire hands back incomplete messages with "…" for each missing part', async (t) => {
  const r = new Reassembler();
  r.add(part(2), 1000);
  r.add(part(2, { ref: 9, parts: 4 }), 5000);
  r.add(part(4, { ref: 9, parts: 4 }), 5000);
  t.strictSame(r.expire(60_999, 60_000), [], 'not yet');
  t.strictSame(r.expire(61_000, 60_000), [
    { from: FROM, ref: 7, parts: 3, have: 1, missing: [1, 3], sentAt: '2024-05-01T12:00:02+02:00', text: `${MISSING_PART_MARK}<2>${MISSING_PART_MARK}`, reason: 'expired' },
  ]);
  t.equal(r.pending, 1);
  t.match(r.expire(65_000, 60_000), [{ ref: 9, have: 2, missing: [1, 3], text: '…<2>…<4>' }]);
  t.equal(r.pending, 0);
  t.equal(r.add(part(3), 70_000), undefined, 'a straggler after expiry starts over');
});

t.test('at most maxPending groups; the oldest is evicted and reported by the next expire()', async (t) => {
  const r = new Reassembler({ maxPending: 3 });
  for (let ref = 0; ref < 5; ref++) r.add(part(1, { ref }), ref);
  t.equal(r.pending, 3);
  const out = r.expire(10, 60_000);
  t.strictSame(out.map((p) => [p.ref, p.reason, p.text]), [
    [0, 'evicted', '<1>……'],
    [1, 'evicted', '<1>……'],
  ]);
  t.strictSame(r.expire(11, 60_000), [], 'reported once');
  t.match(r.add(part(2, { ref: 4 }), 12), undefined);
  r.add(part(3, { ref: 4 }), 13);
  t.equal(r.pending, 2, 'ref 4 completed');
  t.equal(new Reassembler().pending, 0);
});
