import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { addressKey } from './address-key';
import { FailureCount, SharedFailureCountsService, sharedKey } from './shared-failure-counts.service';

/** Keys with a recent failure kept for the fast path; past this many the map starts over. */
const RECENT_FAILURES_MAX = 100_000;

/**
 * Brute-force brake on client authentication. Failed authentications are
 * counted per client id *from one address* and per address across client ids,
 * over a window; past a limit that address gets 429 with Retry-After *before*
 * its secret is even checked. Never per client id alone: anyone who knows a
 * client id (it is the `sub` of every partner token) could then lock its owner
 * out, and wrong guesses from one place must never refuse the right secret from
 * another. Client ids arrive in their canonical form (lower case), addresses are
 * keyed by `addressKey` (IPv6 by /64).
 *
 * One budget across every gateway instance: each failure is counted in the
 * shared JetStream KV bucket (SharedFailureCountsService) *and* here, in this
 * instance. The verdict is the stricter of the two, so when JetStream is away
 * the brake falls back to this instance's own count — never to no limit
 * (docs/TOKENS.md).
 */
@Injectable()
export class ClientAuthLimiterService {
  private readonly perClientAddress: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;
  /** Keys with a failure in the current window: a clean caller costs one map lookup. */
  private readonly lastFailure = new Map<string, number>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly shared: SharedFailureCountsService,
  ) {
    const duration = config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS;
    this.perClientAddress = new RateLimiterMemory({ keyPrefix: 'client', points: config.GATEWAY_AUTH_FAILURES_PER_CLIENT, duration });
    this.perAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: config.GATEWAY_AUTH_FAILURES_PER_ADDRESS, duration });
  }

  /** Seconds this address must wait before trying this client id again; 0 when the attempt may go on. */
  async retryAfter(clientId: string | undefined, address: string): Promise<number> {
    const addr = addressKey(address);
    const pair = clientId ? `${clientId}|${addr}` : undefined;
    const local = this.failedRecently(`a:${addr}`) || (pair !== undefined && this.failedRecently(`c:${pair}`));
    // The common case: no failure counted here or, as far as the watch tells, by any instance.
    if (!local && !this.shared.anyCounted) return 0;
    const addrShared = sharedKey('a', addr);
    const pairShared = pair ? sharedKey('c', pair) : undefined;
    const now = Date.now();
    const sharedAddr = this.shared.mayBeCounted(addrShared, now);
    const sharedPair = pairShared !== undefined && this.shared.mayBeCounted(pairShared, now);
    if (!local && !sharedAddr && !sharedPair) return 0;
    const [localWait, sharedWait] = await Promise.all([
      local ? this.localWait(pair, addr) : 0,
      this.sharedWait(sharedAddr ? addrShared : undefined, sharedPair ? pairShared : undefined),
    ]);
    const waitMs = Math.max(localWait, sharedWait);
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  async recordFailure(clientId: string | undefined, address: string): Promise<void> {
    const addr = addressKey(address);
    const pair = clientId ? `${clientId}|${addr}` : undefined;
    const now = Date.now();
    if (this.lastFailure.size > RECENT_FAILURES_MAX) this.lastFailure.clear();
    this.lastFailure.set(`a:${addr}`, now);
    if (pair) this.lastFailure.set(`c:${pair}`, now);
    const windowMs = this.config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS * 1000;
    // consume() rejects once a counter is over its limit, and the shared count rejects when
    // JetStream is away (this instance's count then stands alone): both are expected here.
    await Promise.allSettled([
      pair ? this.perClientAddress.consume(pair) : null,
      this.perAddress.consume(addr),
      pair ? this.shared.increment(sharedKey('c', pair), windowMs) : null,
      this.shared.increment(sharedKey('a', addr), windowMs),
    ]);
  }

  private async localWait(pair: string | undefined, addr: string): Promise<number> {
    const [byPair, byAddress] = await Promise.all([pair ? this.perClientAddress.get(pair) : null, this.perAddress.get(addr)]);
    let waitMs = 0;
    if (byPair && byPair.consumedPoints >= this.config.GATEWAY_AUTH_FAILURES_PER_CLIENT) waitMs = byPair.msBeforeNext;
    if (byAddress && byAddress.consumedPoints >= this.config.GATEWAY_AUTH_FAILURES_PER_ADDRESS) waitMs = Math.max(waitMs, byAddress.msBeforeNext);
    return waitMs;
  }

  /** The shared counts' verdict; 0 when JetStream cannot be asked (the local count decides then). */
  private async sharedWait(addrKey: string | undefined, pairKey: string | undefined): Promise<number> {
    const read = (key: string | undefined): Promise<FailureCount | null> => (key ? this.shared.read(key) : Promise.resolve(null));
    try {
      const [byAddress, byPair] = await Promise.all([read(addrKey), read(pairKey)]);
      const now = Date.now();
      let waitMs = 0;
      if (byPair && byPair.count >= this.config.GATEWAY_AUTH_FAILURES_PER_CLIENT) waitMs = byPair.resetAt - now;
      if (byAddress && byAddress.count >= this.config.GATEWAY_AUTH_FAILURES_PER_ADDRESS) waitMs = Math.max(waitMs, byAddress.resetAt - now);
      return waitMs;
    } catch {
      return 0;
    }
  }

  private failedRecently(key: string): boolean {
    const at = this.lastFailure.get(key);
    if (at === undefined) return false;
    if (Date.now() - at < this.config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS * 2000) return true;
    this.lastFailure.delete(key);
    return false;
  }
}
