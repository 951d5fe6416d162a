import { randomUUID } from 'node:crypto';
import { createLogger } from '../logging/logger';
import { NatsService } from '../nats/nats.service';
import { failureCountKey, SharedFailureCounts } from './shared-failure-counts';
import { failureCountsBucketOptions, SharedKvBucket } from './shared-kv-bucket';

/**
 * The shared failure counters on the real NATS (a bucket of the test's own): two
 * instances on two connections count into one entry without losing an update, the
 * watch tells an instance of another's count, and `clear` forgets a key everywhere.
 */
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const logger = createLogger('shared-failure-counts-spec', 'silent');
const WINDOW_MS = 30_000;

describe('SharedFailureCounts (real NATS)', () => {
  const bucketName = `test_${randomUUID().slice(0, 8)}_BRAKE`;
  const connections: NatsService[] = [];
  const counters: SharedFailureCounts[] = [];
  const instance = async (): Promise<SharedFailureCounts> => {
    const nats = await NatsService.connect({ url: NATS_URL, name: 'shared-failure-counts-spec', prefix: '', requestTimeoutMs: 2_000, logger });
    connections.push(nats);
    const counts = new SharedFailureCounts(new SharedKvBucket(nats, bucketName, failureCountsBucketOptions(WINDOW_MS, 1024 * 1024)), logger, 'test brake');
    counters.push(counts);
    return counts;
  };
  const until = async (check: () => boolean, timeoutMs = 3_000): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return check();
  };

  afterAll(async () => {
    for (const c of counters) c.stop();
    const jsm = await connections[0]?.connection.jetstreamManager();
    await jsm?.streams.delete(`KV_${bucketName}`).catch(() => undefined);
    for (const nc of connections) await nc.close().catch(() => undefined);
  });

  it('counts concurrent increments from two instances into one count: no update is lost', async () => {
    const [a, b] = [await instance(), await instance()];
    const key = failureCountKey('c', 'client|192.0.2.1');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).increment(key, WINDOW_MS)));
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const read = await a.read(key);
    expect(read?.count).toBe(8);
    expect((read?.resetAt ?? 0) - Date.now()).toBeGreaterThan(WINDOW_MS - 5_000);
    expect((read?.resetAt ?? 0) - Date.now()).toBeLessThanOrEqual(WINDOW_MS);
  });

  it("tells a watching instance of another's count, and clear() forgets the key at every instance", async () => {
    const [watcher, counter] = [await instance(), await instance()];
    watcher.watch();
    const key = failureCountKey('a', '198.51.100.4');
    expect(watcher.mayBeCounted(key)).toBe(false);
    await counter.increment(key, WINDOW_MS);
    expect(await until(() => watcher.mayBeCounted(key))).toBe(true);
    await counter.clear(key);
    expect(await until(() => !watcher.mayBeCounted(key))).toBe(true);
    expect(await watcher.read(key)).toBeNull();
    // A cleared key starts over at one.
    expect((await watcher.increment(key, WINDOW_MS)).count).toBe(1);
  });

  it('starts a window that has ended over at one', async () => {
    const a = await instance();
    const key = failureCountKey('a', '203.0.113.77');
    await a.increment(key, 200);
    await a.increment(key, 200);
    expect((await a.read(key))?.count).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(await a.read(key)).toBeNull();
    expect((await a.increment(key, 200)).count).toBe(1);
  });

  it('keys hash what they count: no client-chosen character reaches a subject', () => {
    expect(failureCountKey('a', 'evil.>*$ key')).toMatch(/^a\.[A-Za-z0-9_-]{43}$/);
  });
});
