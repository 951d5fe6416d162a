import { kvBucketName, PortalBuckets } from '@gatehouse/contracts';
import { failureCountKey, failureCountsBucketOptions, FailureCount, NatsService, SharedFailureCounts, SharedKvBucket } from '@gatehouse/platform';
import type { Logger } from 'pino';

/**
 * The login brake: failed sign-ins counted per (email, client address) and per
 * client address within a fixed window; over either budget, sign-in is refused
 * (429 with Retry-After) before auth is asked, so a guessed password is never
 * even checked. A success clears the account's count from that address, but not
 * the address's count (a guesser with one valid account keeps paying for the others).
 *
 * One budget across every portal instance: each failure is counted in the shared
 * JetStream KV bucket PORTAL_BRAKE (SharedFailureCounts, the piece the gateway's
 * token-endpoint brake uses) *and* here, in this instance. The verdict is the
 * stricter of the two, so when JetStream is away the brake falls back to this
 * instance's own count — never to no limit. Unlike the gateway, the portal does
 * not watch the bucket: a sign-in costs an argon2id hash at auth anyway, so it
 * reads the two counters every time (two direct gets), and its NATS user needs no
 * consumer on the bucket.
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

/** The portal's brake bucket under the process's subject prefix, created by the first instance that needs it. */
export function portalBrakeBucket(nats: NatsService, windowMs: number): SharedKvBucket {
  return new SharedKvBucket(nats, kvBucketName(nats.prefix, PortalBuckets.brake), failureCountsBucketOptions(windowMs, 16 * 1024 * 1024));
}

/** The shared counters of the portal's brake (null: this instance counts alone, e.g. in unit tests). */
export function portalSharedCounts(nats: NatsService, logger: Logger, windowMs: number): SharedFailureCounts {
  return new SharedFailureCounts(portalBrakeBucket(nats, windowMs), logger, 'login brake');
}

export class LoginBrake {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: BrakeLimits,
    private readonly shared: SharedFailureCounts | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait when braked, else 0: the stricter of this instance's count and the shared one. */
  async retryAfter(email: string, address: string): Promise<number> {
    const t = this.now();
    const account = accountKey(email, address);
    const addr = addressKey(address);
    const local = Math.max(this.blockedFor(account, this.limits.perAccount, t), this.blockedFor(addr, this.limits.perAddress, t));
    const shared = await this.sharedWait(account, addr);
    const worst = Math.max(local, shared);
    return worst > 0 ? Math.max(1, Math.ceil(worst / 1000)) : 0;
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const t = this.now();
    const account = accountKey(email, address);
    const addr = addressKey(address);
    this.bump(account, t);
    this.bump(addr, t);
    if (!this.shared) return;
    // JetStream away: this instance's count stands alone (expected, not an error).
    await Promise.allSettled([this.shared.increment(sharedKey(account), this.limits.windowMs), this.shared.increment(sharedKey(addr), this.limits.windowMs)]);
  }

  /** A success clears the account's count from that address, at every instance (the owner typed it right at last). */
  async recordSuccess(email: string, address: string): Promise<void> {
    const account = accountKey(email, address);
    this.windows.delete(account);
    await this.shared?.clear(sharedKey(account)).catch(() => undefined);
  }

  /** The shared counts' verdict in ms; 0 when JetStream cannot be asked (the local count decides then). */
  private async sharedWait(account: string, addr: string): Promise<number> {
    if (!this.shared) return 0;
    try {
      const [byAccount, byAddress] = await Promise.all([this.shared.read(sharedKey(account)), this.shared.read(sharedKey(addr))]);
      const t = Date.now();
      return Math.max(wait(byAccount, this.limits.perAccount, t), wait(byAddress, this.limits.perAddress, t));
    } catch {
      return 0;
    }
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

function wait(count: FailureCount | null, limit: number, t: number): number {
  return count && count.count >= limit ? Math.max(0, count.resetAt - t) : 0;
}

function accountKey(email: string, address: string): string {
  return `a\u0000${email.trim().toLowerCase()}\u0000${address}`;
}
function addressKey(address: string): string {
  return `i\u0000${address}`;
}
/** `a.<hash>` for an account from an address, `i.<hash>` for an address: no email or address reaches a subject. */
function sharedKey(local: string): string {
  return failureCountKey(local[0], local);
}
