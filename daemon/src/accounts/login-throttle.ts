// Slowing down password guessing, per client address (in memory) — the
// per-account side lives in the users table (failed_logins, locked_until) so
// it survives a restart.
//
// Policy: the first 5 failures from an address cost nothing; after that each
// attempt must wait 2^(n-5) s (1, 2, 4 … capped at 5 min) after the last
// failure. An account is locked after 5 consecutive failures for 30 s,
// doubling with each further failure up to 15 min. Success resets both.
export const FREE_FAILURES = 5;
const ADDRESS_CAP_MS = 5 * 60_000;
const ACCOUNT_CAP_MS = 15 * 60_000;
const FORGET_MS = 30 * 60_000;

export function accountLockMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(ACCOUNT_CAP_MS, 30_000 * 2 ** (failures - FREE_FAILURES));
}

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
    const delay = Math.min(ADDRESS_CAP_MS, 1000 * 2 ** (s.failures - FREE_FAILURES));
    return Math.max(0, s.lastMs + delay - this.now());
  }

  failed(address: string): void {
    const s = this.byAddress.get(address) ?? { failures: 0, lastMs: 0 };
    s.failures++;
    s.lastMs = this.now();
    this.byAddress.set(address, s);
    if (this.byAddress.size > 10_000) {
      for (const [k, v] of this.byAddress) if (this.now() - v.lastMs > FORGET_MS) this.byAddress.delete(k);
    }
  }

  succeeded(address: string): void {
    this.byAddress.delete(address);
  }
}
