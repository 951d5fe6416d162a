import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kvBucketName, PortalBuckets } from '@gatehouse/contracts';
import { createLogger, NatsService } from '@gatehouse/platform';
import { NatsServer, TcpProxy } from '@gatehouse/testing';
import { BrakeLimits, LoginBrake, portalSharedCounts } from './login-brake';

/**
 * The login brake with the real NATS: two brakes on two connections (two portal
 * instances) keep one budget in the KV bucket PORTAL_BRAKE; without JetStream (a
 * broker that has none, or a connection that is cut) each falls back to its own count.
 */
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const LIMITS: BrakeLimits = { perAccount: 4, perAddress: 8, windowMs: 30_000 };
const logger = createLogger('portal-brake-int', 'silent');

describe('the login brake across portal instances (real NATS)', () => {
  const runId = randomUUID().slice(0, 8);
  const prefix = `pbrk${runId}.`;
  const connections: NatsService[] = [];
  const connect = async (url: string, p = prefix) => {
    const nc = await NatsService.connect({ url, name: `portal-brake-int-${runId}`, prefix: p, requestTimeoutMs: 2_000, logger });
    connections.push(nc);
    return nc;
  };
  /** A portal instance's brake: its own connection, the shared bucket of the prefix. */
  const instance = async (url = NATS_URL, p = prefix) => new LoginBrake(LIMITS, portalSharedCounts(await connect(url, p), logger, LIMITS.windowMs));

  afterAll(async () => {
    const cleanup = await connect(NATS_URL);
    const jsm = await cleanup.connection.jetstreamManager();
    await jsm.streams.delete(`KV_${kvBucketName(prefix, PortalBuckets.brake)}`).catch(() => undefined);
    for (const nc of connections) await nc.close().catch(() => undefined);
  });

  it('counts failures at either instance against one per-account budget: past it, both refuse', async () => {
    const [a, b] = [await instance(), await instance()];
    const alone = new LoginBrake(LIMITS); // what one instance would have counted by itself
    for (let i = 0; i < LIMITS.perAccount; i++) {
      await (i % 2 ? b : a).recordFailure('owner@acme.test', '203.0.113.1');
      if (i % 2 === 0) await alone.recordFailure('owner@acme.test', '203.0.113.1');
    }
    // Each instance saw half the failures, under the budget on its own…
    expect(await alone.retryAfter('owner@acme.test', '203.0.113.1')).toBe(0);
    // …but the budget is one: both refuse, for at most the window.
    for (const brake of [a, b]) {
      const wait = await brake.retryAfter('Owner@Acme.test ', '203.0.113.1');
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(30);
    }
    // A new instance (no local count at all) refuses too.
    expect(await (await instance()).retryAfter('owner@acme.test', '203.0.113.1')).toBeGreaterThan(0);
    // Not another address, not another account.
    expect(await a.retryAfter('owner@acme.test', '203.0.113.2')).toBe(0);
    expect(await b.retryAfter('dev@acme.test', '203.0.113.1')).toBe(0);
  });

  it('counts an address across instances and accounts; a success at one instance clears the account at all, not the address', async () => {
    const [a, b] = [await instance(), await instance()];
    await a.recordFailure('x@acme.test', '198.51.100.7');
    await b.recordFailure('x@acme.test', '198.51.100.7');
    await a.recordFailure('x@acme.test', '198.51.100.7');
    // One short of x's account budget; the owner signs in at b: the account count goes everywhere.
    await b.recordSuccess('x@acme.test', '198.51.100.7');
    await a.recordFailure('x@acme.test', '198.51.100.7');
    expect(await a.retryAfter('x@acme.test', '198.51.100.7')).toBe(0);
    expect(await b.retryAfter('x@acme.test', '198.51.100.7')).toBe(0);
    // The address's count stayed (4 so far): four more accounts spread over both reach its budget of 8.
    for (let i = 0; i < 4; i++) await (i % 2 ? a : b).recordFailure(`u${i}@acme.test`, '198.51.100.7');
    expect(await a.retryAfter('new@acme.test', '198.51.100.7')).toBeGreaterThan(0);
    expect(await b.retryAfter('new@acme.test', '198.51.100.7')).toBeGreaterThan(0);
    expect(await b.retryAfter('new@acme.test', '198.51.100.8')).toBe(0);
  });

  it('keeps no email or address in the bucket: its keys are hashes', async () => {
    const nc = await connect(NATS_URL);
    const kv = await nc.connection.jetstream().views.kv(kvBucketName(prefix, PortalBuckets.brake));
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).toMatch(/^[ai]\.[A-Za-z0-9_-]{43}$/);
  });

  describe('JetStream unreachable: each instance falls back to its own count, never to no limit', () => {
    let dir: string;
    let broker: NatsServer;
    let proxy: TcpProxy;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'portal-brake-'));
      const config = join(dir, 'no-jetstream.conf');
      writeFileSync(config, '# a broker without JetStream\n');
      broker = await NatsServer.start({ config, env: {} });
      const port = Number(new URL(NATS_URL).port || 4222);
      proxy = new TcpProxy(new URL(NATS_URL).hostname, port);
      await proxy.start();
    });
    afterAll(async () => {
      // Closed while their brokers are still there (a drain waits for a connection that is reconnecting).
      for (const nc of connections.splice(0)) await nc.close().catch(() => undefined);
      await proxy?.stop();
      await broker?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('on a broker without JetStream', async () => {
      const brake = await instance(broker.url, `pbrknojs${runId}.`);
      const started = Date.now();
      for (let i = 0; i < LIMITS.perAccount; i++) {
        expect(await brake.retryAfter('owner@acme.test', '192.0.2.1')).toBe(0);
        await brake.recordFailure('owner@acme.test', '192.0.2.1');
      }
      const wait = await brake.retryAfter('owner@acme.test', '192.0.2.1');
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(30);
      expect(await brake.retryAfter('owner@acme.test', '192.0.2.2')).toBe(0);
      // Every shared call failed within JetStream's short timeout, not the request timeout.
      expect(Date.now() - started).toBeLessThan(10 * 600);
    });

    it('with its connection cut: its own count decides, at once (no wait on a timeout)', async () => {
      const nc = await connect(`nats://127.0.0.1:${proxy.port}`);
      const brake = new LoginBrake(LIMITS, portalSharedCounts(nc, logger, LIMITS.windowMs));
      await brake.recordFailure('cut@acme.test', '192.0.2.9');
      await brake.recordFailure('cut@acme.test', '192.0.2.9');
      await proxy.stop();
      for (let i = 0; i < 100 && nc.isConnected(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(nc.isConnected()).toBe(false);
      const started = Date.now();
      await brake.recordFailure('cut@acme.test', '192.0.2.9');
      expect(await brake.retryAfter('cut@acme.test', '192.0.2.9')).toBe(0);
      await brake.recordFailure('cut@acme.test', '192.0.2.9');
      expect(await brake.retryAfter('cut@acme.test', '192.0.2.9')).toBeGreaterThan(0);
      // A cut connection fails at once: no wait on a timeout.
      expect(Date.now() - started).toBeLessThan(1_000);
      await proxy.restore();
    });
  });
});
