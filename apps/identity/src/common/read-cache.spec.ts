import { ReadCache } from './read-cache';

interface Row {
  version: number;
}

/** A fetch the test completes by hand, to put an invalidation between its start and its end. */
function deferred(): { fetch: () => Promise<Row | null>; resolve: (row: Row | null) => void; calls: () => number } {
  let calls = 0;
  let resolve!: (row: Row | null) => void;
  return {
    fetch: () => {
      calls++;
      return new Promise((r) => (resolve = r));
    },
    resolve: (row) => resolve(row),
    calls: () => calls,
  };
}

describe('ReadCache', () => {
  const opts = { maxEntries: 100, ttlMs: 0 };

  it('answers a second read from memory, and fetches again once the record is invalidated', async () => {
    const cache = new ReadCache<Row>(opts);
    let version = 1;
    const fetch = jest.fn(async () => ({ version }));
    expect(await cache.read('a', fetch)).toEqual({ version: 1 });
    expect(await cache.read('a', fetch)).toEqual({ version: 1 });
    expect(fetch).toHaveBeenCalledTimes(1);
    version = 2;
    cache.invalidate('a');
    expect(await cache.read('a', fetch)).toEqual({ version: 2 });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does not store a read that was out while an invalidation came (it may hold the row from before the change)', async () => {
    const cache = new ReadCache<Row>(opts);
    const old = deferred();
    const reading = cache.read('a', old.fetch);
    cache.invalidate('a'); // the change committed and was announced while the read was at the database
    old.resolve({ version: 1 });
    expect(await reading).toEqual({ version: 1 }); // answered: it was current when it was made
    const next = deferred();
    const again = cache.read('a', next.fetch);
    expect(next.calls()).toBe(1); // not served the old row from memory
    next.resolve({ version: 2 });
    expect(await again).toEqual({ version: 2 });
  });

  it('an invalidation of any record makes reads already out not store (conservative, never stale)', async () => {
    const cache = new ReadCache<Row>(opts);
    const old = deferred();
    const reading = cache.read('a', old.fetch);
    cache.invalidate('b');
    old.resolve({ version: 1 });
    await reading;
    expect(cache.size).toBe(0);
  });

  it('stores nothing while the broker is away, and starts again after the reconnect', async () => {
    const cache = new ReadCache<Row>(opts);
    await cache.read('a', async () => ({ version: 1 }));
    expect(cache.size).toBe(1);
    cache.clear(false);
    expect(cache.size).toBe(0);
    await cache.read('a', async () => ({ version: 1 }));
    expect(cache.size).toBe(0);
    cache.clear(true);
    await cache.read('a', async () => ({ version: 1 }));
    expect(cache.size).toBe(1);
  });

  it('a read out across a disconnect does not store either', async () => {
    const cache = new ReadCache<Row>(opts);
    const old = deferred();
    const reading = cache.read('a', old.fetch);
    cache.clear(false);
    cache.clear(true);
    old.resolve({ version: 1 });
    await reading;
    expect(cache.size).toBe(0);
  });

  it('does not keep a miss: a record created later is found', async () => {
    const cache = new ReadCache<Row>(opts);
    expect(await cache.read('a', async () => null)).toBeNull();
    expect(await cache.read('a', async () => ({ version: 1 }))).toEqual({ version: 1 });
  });

  it('with maxEntries 0 keeps nothing: every read fetches', async () => {
    const cache = new ReadCache<Row>({ maxEntries: 0, ttlMs: 0 });
    const fetch = jest.fn(async () => ({ version: 1 }));
    await cache.read('a', fetch);
    await cache.read('a', fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
