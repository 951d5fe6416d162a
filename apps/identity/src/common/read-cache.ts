import { LRUCache } from 'lru-cache';

export interface ReadCacheOptions {
  /** Upper bound of the entries kept; 0 turns the cache off (every read goes to the database). */
  maxEntries: number;
  /** Safety-net expiry in ms (0: none). Freshness comes from the invalidations, not from this. */
  ttlMs: number;
}

/** What InvalidationsService drops things from. */
export interface Invalidatable {
  invalidate(id: string): void;
  clear(storing?: boolean): void;
}

/**
 * Records read by id, kept in memory by one identity instance between changes.
 * It is fresh by the same broadcast the policy read model relies on
 * (InvalidationsService): every change of a record, on any instance, drops it
 * here before the writer gets its answer, so a read that follows a write never
 * sees what was there before.
 *
 * The one race: a read that went to the database before a change committed may
 * come back after that change's invalidation was handled, holding the old row.
 * So every invalidation (and a clear) moves the generation on, and a read stores
 * what it fetched only if the generation did not move while it was out; nor does
 * it store anything while the broker is disconnected (invalidations may be
 * missed then, and the cache is cleared on reconnect). A read that does not
 * store still answers what it read: it was current when it was made.
 */
export class ReadCache<V extends object> implements Invalidatable {
  private readonly entries?: LRUCache<string, V>;
  private generation = 0;
  private storing = true;

  constructor(opts: ReadCacheOptions) {
    if (opts.maxEntries > 0) this.entries = new LRUCache<string, V>({ max: opts.maxEntries, ...(opts.ttlMs > 0 ? { ttl: opts.ttlMs } : {}) });
  }

  /** The cached record, else `fetch()`'s (stored when nothing changed meanwhile; a miss, `null`, is not stored). */
  async read(id: string, fetch: () => Promise<V | null>): Promise<V | null> {
    const hit = this.entries?.get(id);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const value = await fetch();
    if (value !== null && this.entries && this.storing && generation === this.generation) this.entries.set(id, value);
    return value;
  }

  /** The record changed (on this instance or another): drop it, and refuse what reads already out would store. */
  invalidate(id: string): void {
    this.generation++;
    this.entries?.delete(id);
  }

  /** Everything dropped; with `storing: false` (the broker is away: invalidations may be missed) nothing is kept until called again with true. */
  clear(storing = true): void {
    this.generation++;
    this.storing = storing;
    this.entries?.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
