/**
 * The login brake: failed sign-ins counted per (email, client address) and per
 * client address within a fixed window; over either budget, sign-in is refused
 * (429 with Retry-After) before auth is asked, so a guessed password is never
 * even checked. A success does not reset the address's count (a guesser with
 * one valid account keeps paying for the others).
 *
 * In memory, per portal instance: a first version (the gateway's brake shares a
 * JetStream KV bucket across instances; with N portal instances the budget is N
 * times this one). auth's argon2id hashing keeps each guess expensive regardless.
 */
export interface BrakeLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

interface Window {
  count: number;
  resetAt: number;
}

const MAX_TRACKED = 100_000;

export class LoginBrake {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: BrakeLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait when braked, else 0. */
  retryAfter(email: string, address: string): number {
    const t = this.now();
    const worst = Math.max(this.blockedFor(accountKey(email, address), this.limits.perAccount, t), this.blockedFor(addressKey(address), this.limits.perAddress, t));
    return worst > 0 ? Math.ceil(worst / 1000) : 0;
  }

  recordFailure(email: string, address: string): void {
    const t = this.now();
    this.bump(accountKey(email, address), t);
    this.bump(addressKey(address), t);
  }

  /** A success clears the account's count from that address (the owner typed it right at last). */
  recordSuccess(email: string, address: string): void {
    this.windows.delete(accountKey(email, address));
  }

  private blockedFor(key: string, limit: number, t: number): number {
    const w = this.windows.get(key);
    if (!w || w.resetAt <= t) return 0;
    return w.count >= limit ? w.resetAt - t : 0;
  }

  private bump(key: string, t: number): void {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      if (this.windows.size >= MAX_TRACKED) this.prune(t);
      w = { count: 0, resetAt: t + this.limits.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
    // Still full: forget the oldest entries (insertion order) rather than grow without bound.
    for (const k of this.windows.keys()) {
      if (this.windows.size < MAX_TRACKED) break;
      this.windows.delete(k);
    }
  }
}

function accountKey(email: string, address: string): string {
  return `a\u0000${email.trim().toLowerCase()}\u0000${address}`;
}
function addressKey(address: string): string {
  return `i\u0000${address}`;
}
