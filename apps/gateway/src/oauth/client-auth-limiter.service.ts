import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * Brute-force brake on client authentication: failures are counted per client id
 * and per address over a window; past the limit the caller gets 429 with
 * Retry-After *before* its secret is even checked.
 * Counters live in this gateway instance (see docs/ARCHITECTURE.md).
 */
@Injectable()
export class ClientAuthLimiterService {
  private readonly perClient: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;
  /** Keys with a failure in the current window: a clean caller costs one map lookup. */
  private readonly lastFailure = new Map<string, number>();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    const duration = config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS;
    this.perClient = new RateLimiterMemory({ keyPrefix: 'client', points: config.GATEWAY_AUTH_FAILURES_PER_CLIENT, duration });
    this.perAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: config.GATEWAY_AUTH_FAILURES_PER_ADDRESS, duration });
  }

  /** Seconds to wait when either counter is exhausted; 0 when the attempt may go on. */
  async retryAfter(clientId: string | undefined, address: string): Promise<number> {
    if (!this.failedRecently(`a:${address}`) && !(clientId && this.failedRecently(`c:${clientId}`))) return 0;
    const [client, addr] = await Promise.all([
      clientId ? this.perClient.get(clientId) : null,
      this.perAddress.get(address),
    ]);
    let waitMs = 0;
    if (client && client.consumedPoints >= this.config.GATEWAY_AUTH_FAILURES_PER_CLIENT) waitMs = client.msBeforeNext;
    if (addr && addr.consumedPoints >= this.config.GATEWAY_AUTH_FAILURES_PER_ADDRESS) waitMs = Math.max(waitMs, addr.msBeforeNext);
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  async recordFailure(clientId: string | undefined, address: string): Promise<void> {
    const now = Date.now();
    if (this.lastFailure.size > 100_000) this.lastFailure.clear();
    this.lastFailure.set(`a:${address}`, now);
    if (clientId) this.lastFailure.set(`c:${clientId}`, now);
    // consume() rejects once a counter is over its limit: that is expected here.
    await Promise.allSettled([clientId ? this.perClient.consume(clientId) : null, this.perAddress.consume(address)]);
  }

  private failedRecently(key: string): boolean {
    const at = this.lastFailure.get(key);
    if (at === undefined) return false;
    if (Date.now() - at < this.config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS * 2000) return true;
    this.lastFailure.delete(key);
    return false;
  }
}
