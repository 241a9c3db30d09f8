// Round trips through the SMS PDU codec with random texts (seeded; the seed
// is printed, SMS_FUZZ_SEED=<n> replays it): encodeSubmit -> decodeSubmit and
// encodeDeliver -> decodePdu -> Reassembler must give back the text exactly,
// with every part inside the limits of 3GPP TS 23.040 §9.2.3.16 and no ESC
// pair or surrogate pair cut at a part boundary.
import t, { type Test } from 'tap';
import { Reassembler, decodePdu, decodeSubmit, encodeDeliver, encodeSubmit, gsm7SeptetCount, type DeliverPdu } from '../src/serial/sms/index.js';
import { fuzzSeed, prng, wellFormed } from './sms-helpers.js';

const seed = fuzzSeed();
t.comment(`SMS round-trip seed ${seed} (replay: SMS_FUZZ_SEED=${seed})`);
const rnd = prng(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

const ASCII = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?@:;()"\'-+*/=<>#%&\n\r'];
const GSM_EXTRA = [...'£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà'];
const GSM_EXT = [...'^{}\\[~]|€\f'];
const NON_GSM = [...'你好世界消防警报çáíóúâêîôûœ№→✓'];
const EMOJI = ['🚒', '🔥', '🚑', '👍🏽', '🇸🇪', '😀'];
const GSM_ALL = new Set([...ASCII, ...GSM_EXTRA, ...GSM_EXT]);

function randomText(kind: 'gsm7' | 'mixed'): string {
  const len = 1 + Math.floor(rnd() * (rnd() < 0.3 ? 40 : 700));
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = rnd();
    if (kind === 'gsm7') s += r < 0.7 ? pick(ASCII) : r < 0.85 ? pick(GSM_EXTRA) : pick(GSM_EXT);
    else s += r < 0.5 ? pick(ASCII) : r < 0.6 ? pick(GSM_EXT) : r < 0.8 ? pick(NON_GSM) : pick(EMOJI);
  }
  return s;
}

/** Texts that put an ESC pair or a surrogate pair right on a part boundary. */
function boundaryTexts(): string[] {
  const out: string[] = [];
  for (const pad of [150, 151, 152, 153, 154]) for (const ext of ['€', '[', '~']) out.push('a'.repeat(pad) + ext + 'b'.repeat(200) + ext);
  for (const pad of [65, 66, 67, 68]) for (const e of ['🚒', '👍🏽']) out.push('你'.repeat(pad) + e + '好'.repeat(80) + e);
  out.push('€'.repeat(161), '🚒'.repeat(36), '🚒'.repeat(35), 'a'.repeat(160), 'a'.repeat(161), '你'.repeat(70), '你'.repeat(71));
  return out;
}

function checkParts(t: Test, text: string, texts: string[], encoding: string): void {
  t.equal(texts.join(''), text);
  for (const p of texts) {
    t.ok(wellFormed(p), 'no surrogate pair cut');
    if (texts.length === 1) t.ok(encoding === 'gsm7' ? gsm7SeptetCount(p) <= 160 : p.length <= 70, 'single-part limit');
    else t.ok(encoding === 'gsm7' ? gsm7SeptetCount(p) <= 153 : p.length <= 67, 'per-part limit with the 6-octet UDH');
  }
}

t.test('encodeSubmit -> decodeSubmit', async (t) => {
  const texts = [...boundaryTexts(), ...Array.from({ length: 150 }, (_, i) => randomText(i % 2 === 0 ? 'gsm7' : 'mixed'))];
  for (const text of texts) {
    const ref = Math.floor(rnd() * 256);
    const pdus = encodeSubmit('+46708251358', text, { ref, statusReport: rnd() < 0.5, validityMinutes: rnd() < 0.5 ? 1440 : undefined });
    const decoded = pdus.map((p) => decodeSubmit(p.hex));
    const encoding = decoded[0]?.encoding ?? '';
    t.ok(decoded.every((d) => d.encoding === encoding && d.to === '+46708251358'));
    t.equal(encoding, [...text].every((c) => GSM_ALL.has(c)) ? 'gsm7' : 'ucs2', 'GSM 7-bit exactly when every character fits');
    for (const [i, p] of pdus.entries()) {
      t.equal(p.tpduLength * 2 + 2, p.hex.length, 'tpduLength counts octets after the 00 SMSC field');
      t.ok(p.tpduLength <= 164);
      if (pdus.length > 1) t.strictSame(decoded[i]?.concat, { ref, parts: pdus.length, part: i + 1 });
      else t.notOk(decoded[i]?.concat);
    }
    checkParts(t, text, decoded.map((d) => d.text), encoding);
  }
});

t.test('encodeDeliver -> decodePdu -> Reassembler, parts shuffled', async (t) => {
  const texts = [...boundaryTexts(), ...Array.from({ length: 150 }, (_, i) => randomText(i % 2 === 0 ? 'gsm7' : 'mixed'))];
  let now = 0;
  for (const text of texts) {
    // One per message: a random reference may repeat, and the same sender
    // reusing a reference while a group is open is a different test.
    const r = new Reassembler();
    const concatRef = rnd() < 0.3 ? 256 + Math.floor(rnd() * 65280) : Math.floor(rnd() * 256);
    const sentAt = new Date(Date.UTC(1990, 0, 2) + Math.floor(rnd() * 3.1e9) * 1000) // 1990…2088;
    const tz = Math.floor(rnd() * 159) - 79;
    const pdus = encodeDeliver('+46708251358', text, { sentAt, tzQuarterHours: tz, concatRef, smsc: '+46707000000' }).map((h) => decodePdu(h) as DeliverPdu);
    checkParts(t, text, pdus.map((p) => p.text), pdus[0]?.encoding ?? '');
    t.equal(new Date(pdus[0]?.sentAt ?? '').getTime(), Math.floor(sentAt.getTime() / 1000) * 1000, 'TP-SCTS keeps the instant');
    const shuffled = [...pdus].sort(() => rnd() - 0.5);
    let whole;
    for (const [i, p] of shuffled.entries()) {
      whole = r.add(p, now++);
      if (i < shuffled.length - 1) t.equal(whole, undefined, 'not whole before the last part');
    }
    t.strictSame(whole, { from: '+46708251358', sentAt: pdus[0]?.sentAt, text, parts: pdus.length });
    t.equal(r.pending, 0);
  }
});
