import type { GatewayConfig } from '../config';
import { ClientAuthLimiterService } from './client-auth-limiter.service';
import type { FailureCount, SharedFailureCountsService } from './shared-failure-counts.service';

const config = { GATEWAY_AUTH_FAILURES_PER_CLIENT: 3, GATEWAY_AUTH_FAILURES_PER_ADDRESS: 10, GATEWAY_AUTH_FAILURE_WINDOW_SECONDS: 60 } as GatewayConfig;
const CLIENT = '5b0c1a52-0d1e-4a51-9a55-2f6f1f0e8c11';

/** The shared counters as another instance would leave them, or JetStream away (every call throws). */
class FakeShared {
  readonly counts = new Map<string, FailureCount>();
  away = false;
  mayBeCounted(key: string) {
    return this.counts.has(key);
  }
  get anyCounted() {
    return this.counts.size > 0;
  }
  async read(key: string) {
    if (this.away) throw new Error('JetStream away');
    return this.counts.get(key) ?? null;
  }
  async increment(key: string, windowMs: number) {
    if (this.away) throw new Error('JetStream away');
    const c = this.counts.get(key) ?? { count: 0, resetAt: Date.now() + windowMs };
    c.count++;
    this.counts.set(key, c);
    return c;
  }
}

describe('ClientAuthLimiterService', () => {
  it("refuses on the shared count alone: failures another instance counted", async () => {
    const shared = new FakeShared();
    const other = new ClientAuthLimiterService(config, shared as unknown as SharedFailureCountsService);
    const here = new ClientAuthLimiterService(config, shared as unknown as SharedFailureCountsService);
    for (let i = 0; i < 3; i++) await other.recordFailure(CLIENT, '192.0.2.1');
    expect(await here.retryAfter(CLIENT, '192.0.2.1')).toBeGreaterThan(0);
    expect(await here.retryAfter(CLIENT, '192.0.2.2')).toBe(0);
  });

  it('falls back to its own count when JetStream is away: the brake never becomes unlimited', async () => {
    const shared = new FakeShared();
    shared.away = true;
    const limiter = new ClientAuthLimiterService(config, shared as unknown as SharedFailureCountsService);
    for (let i = 0; i < 3; i++) await limiter.recordFailure(CLIENT, '192.0.2.1');
    const wait = await limiter.retryAfter(CLIENT, '192.0.2.1');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await limiter.retryAfter(CLIENT, '192.0.2.9')).toBe(0);
  });

  it('costs a clean caller no shared read', async () => {
    const shared = new FakeShared();
    const read = jest.spyOn(shared, 'read');
    const limiter = new ClientAuthLimiterService(config, shared as unknown as SharedFailureCountsService);
    expect(await limiter.retryAfter(CLIENT, '192.0.2.1')).toBe(0);
    expect(read).not.toHaveBeenCalled();
  });
});
