// Slowing down password guessing without locking the owner out (OWASP ASVS
// 4.0 V2.2.1: anti-automation that is a soft lockout, never a denial of
// service on the account).
//
//   per (name, address)  — in the database (store/login-failures-repo.ts):
//       5 failures free, then that address may not try that name for 30 s,
//       doubling with each further failure up to 15 min. Only the guessing
//       address is held; the owner elsewhere is not. Names nobody has are
//       counted the same way, so a locked account and an unknown one answer
//       alike.
//   per name, from every address (the global slow-down) — when a name has
//       had ATTACK_FAILURES failures in ATTACK_WINDOW_MS, every address gets
//       one free failure for it instead of five. A new address always gets its
//       attempt checked, so the right password from a new address gets in
//       during an attack.
//   per address, whatever the name — in memory (this file): 5 failures free,
//       then each attempt waits 2^(n-5) s after the last failure, capped at
//       5 min: one address spraying many names is slowed.
//
// A correct password clears the count of its own (name, address) and of its
// address. An administrator clears a name's locks (POST
// /api/users/:name/unlock, or `callpoint user unlock` offline).
export const FREE_FAILURES = 5;
/** Free failures per address for a name under attack. */
export const UNDER_ATTACK_FREE = 1;
export const ATTACK_FAILURES = 20;
export const ATTACK_WINDOW_MS = 15 * 60_000;
const ADDRESS_CAP_MS = 5 * 60_000;
const PAIR_CAP_MS = 15 * 60_000;
const FORGET_MS = 30 * 60_000;
/** Addresses remembered by the per-address throttle (a flood of spoofed ones cannot grow memory). */
const MAX_ADDRESSES = 10_000;

/** How long a (name, address) is locked after its `failures`-th failure; 0 when not. */
export function pairLockMs(failures: number, free = FREE_FAILURES): number {
  if (failures < free) return 0;
  return Math.min(PAIR_CAP_MS, 30_000 * 2 ** Math.min(failures - free, 10));
}

/** The name as the throttle counts it: case-insensitive (as user names are), bounded. */
export const throttleKey = (username: string) => username.toLowerCase().slice(0, 64);

interface AddressState {
  failures: number;
  lastMs: number;
}

export class AddressThrottle {
  private readonly byAddress = new Map<string, AddressState>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds this address must still wait before another attempt, 0 when it may try. */
  waitMs(address: string): number {
    const s = this.byAddress.get(address);
    if (!s) return 0;
    if (this.now() - s.lastMs > FORGET_MS) {
      this.byAddress.delete(address);
      return 0;
    }
    if (s.failures < FREE_FAILURES) return 0;
    const delay = Math.min(ADDRESS_CAP_MS, 1000 * 2 ** Math.min(s.failures - FREE_FAILURES, 20));
    return Math.max(0, s.lastMs + delay - this.now());
  }

  failed(address: string): void {
    const s = this.byAddress.get(address) ?? { failures: 0, lastMs: 0 };
    s.failures++;
    s.lastMs = this.now();
    // Re-inserted: the map's order is least recently failed first.
    this.byAddress.delete(address);
    this.byAddress.set(address, s);
    if (this.byAddress.size > MAX_ADDRESSES) {
      for (const [k, v] of this.byAddress) if (this.now() - v.lastMs > FORGET_MS) this.byAddress.delete(k);
      while (this.byAddress.size > MAX_ADDRESSES) this.byAddress.delete(this.byAddress.keys().next().value!);
    }
  }

  succeeded(address: string): void {
    this.byAddress.delete(address);
  }
}
