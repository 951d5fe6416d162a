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

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    const duration = config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS;
    this.perClient = new RateLimiterMemory({ keyPrefix: 'client', points: config.GATEWAY_AUTH_FAILURES_PER_CLIENT, duration });
    this.perAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: config.GATEWAY_AUTH_FAILURES_PER_ADDRESS, duration });
  }

  /** Seconds to wait when either counter is exhausted; 0 when the attempt may go on. */
  async retryAfter(clientId: string | undefined, address: string): Promise<number> {
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
    // consume() rejects once a counter is over its limit: that is expected here.
    await Promise.allSettled([clientId ? this.perClient.consume(clientId) : null, this.perAddress.consume(address)]);
  }
}
