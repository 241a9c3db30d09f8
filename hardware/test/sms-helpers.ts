// Helpers for the SMS PDU tests: an independent reference for septet packing,
// a PduError assertion, and a seeded PRNG whose seed the test prints.
import type { Test } from 'tap';
import { PduError } from '../src/serial/sms/index.js';

/**
 * 3GPP TS 23.038 §6.1.2.1.1 packing written the slow, literal way: a bit
 * stream of `fill` zero bits then each septet least significant bit first,
 * padded with zeros, cut into octets bit 0 first. Independent of packSeptets.
 */
export function refPack(septets: readonly number[], fill: number): number[] {
  const bits: number[] = new Array<number>(fill).fill(0);
  for (const s of septets) for (let b = 0; b < 7; b++) bits.push((s >> b) & 1);
  while (bits.length % 8 !== 0) bits.push(0);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let o = 0;
    for (let b = 0; b < 8; b++) o |= (bits[i + b] ?? 0) << b;
    out.push(o);
  }
  return out;
}

/** Assert that `fn` throws a PduError whose message matches `re`. */
export function throwsPdu(t: Test, fn: () => unknown, re: RegExp): void {
  try {
    fn();
    t.fail(`expected a PduError matching ${re}`);
  } catch (e) {
    t.ok(e instanceof PduError, `a PduError (got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message})`);
    t.match((e as Error).message, re);
  }
}

/** mulberry32: small, fast, good enough to drive fuzzing reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from SMS_FUZZ_SEED, else a fresh one; the caller prints it. */
export function fuzzSeed(): number {
  const env = process.env.SMS_FUZZ_SEED;
  return env !== undefined && env !== '' ? Number(env) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** False when `s` has a lone UTF-16 surrogate (ES2024 String#isWellFormed, which lib es2023 lacks). */
export function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) return false;
      i++;
    } else if (u >= 0xdc00 && u <= 0xdfff) return false;
  }
  return true;
}
