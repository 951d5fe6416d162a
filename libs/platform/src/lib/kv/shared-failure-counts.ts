import { createHash } from 'node:crypto';
import type { KV, KvEntry } from 'nats';
import type { Logger } from 'pino';
import { isKvConflict, KvBucketSource } from './shared-kv-bucket';

/** One counter: failures in a window that has not ended. */
export interface FailureCount {
  count: number;
  /** When the window ends (ms since the epoch). */
  resetAt: number;
}

interface Stored {
  n: number;
  s: number;
  w: number;
}

/** Keys the watch has told of; past this many the expired ones go, and if that is not enough, all. */
const SEEN_MAX = 100_000;
const CAS_ATTEMPTS = 10;

/**
 * A brake key as a JetStream KV key: `<kind>.<SHA-256, base64url>`, so no
 * client-chosen character (an email, an address, a client id) reaches a subject.
 */
export function failureCountKey(kind: string, key: string): string {
  return `${kind}.${createHash('sha256').update(key).digest('base64url')}`;
}

/**
 * Failure counters (a brute-force brake's) shared by every instance of a service,
 * in a JetStream KV bucket: an increment is a compare-and-set on the entry's
 * revision (no lost update, whichever instance counts), a window that has ended
 * starts over, and `clear` forgets a key. An instance may also `watch` the bucket,
 * so that a caller none of the instances has seen fail costs no round trip
 * (`mayBeCounted`, the fast path); without the watch, ask `read` every time.
 *
 * Every call throws when JetStream cannot be reached: the caller keeps its own,
 * per-instance count then, and takes the stricter of the two verdicts — never no
 * limit. Used by the gateway's token-endpoint brake and the portal's login brake.
 */
export class SharedFailureCounts {
  /** Key → end of its window, as far as the watch (or our own increments) told. */
  private readonly seen = new Map<string, number>();
  private watching = false;
  private stopped = false;
  private watcher?: { stop(): void };

  constructor(
    private readonly source: KvBucketSource,
    private readonly logger: Logger,
    /** Names the counters in the log (`brake`, `login brake`). */
    private readonly label = 'brake',
  ) {}

  /** Follows the bucket until `stop()`, for `mayBeCounted`; a lost watch is started again. */
  watch(): void {
    if (this.watching) return;
    this.watching = true;
    void this.follow();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
  }

  /**
   * Whether the watch has told of any counted key at all (expired ones may linger
   * until looked up): when not, no key can be counted, and callers need not even
   * make one (a key is a SHA-256, ~1 µs, on every request of the gateway's token path).
   */
  get anyCounted(): boolean {
    return this.seen.size > 0;
  }

  /** Whether some instance counted a failure under this key in a window that has not ended (only with `watch()`). */
  mayBeCounted(key: string, now = Date.now()): boolean {
    const until = this.seen.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.seen.delete(key);
    return false;
  }

  async read(key: string): Promise<FailureCount | null> {
    const entry = await (await this.source.open()).get(key);
    const stored = entry && decode(entry);
    if (!stored || stored.s + stored.w <= Date.now()) return null;
    return { count: stored.n, resetAt: stored.s + stored.w };
  }

  /** Counts one failure; a window that has ended (or a cleared key) starts over, at one. */
  async increment(key: string, windowMs: number): Promise<FailureCount> {
    const kv = await this.source.open();
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const entry = await kv.get(key);
      const stored = entry && decode(entry);
      const now = Date.now();
      const next: Stored = stored && stored.s + stored.w > now ? { ...stored, n: stored.n + 1 } : { n: 1, s: now, w: windowMs };
      const data = JSON.stringify(next);
      try {
        // A deleted key keeps a marker with a revision: updating on it is the compare-and-set.
        if (entry) await kv.update(key, data, entry.revision);
        else await kv.create(key, data);
      } catch (err) {
        if (isKvConflict(err)) continue; // another instance counted meanwhile: read again
        throw err;
      }
      this.remember(key, next.s + next.w);
      return { count: next.n, resetAt: next.s + next.w };
    }
    throw new Error(`${this.label} counter: too many concurrent updates`);
  }

  /** Forgets a key's count at every instance (a success that clears it). */
  async clear(key: string): Promise<void> {
    this.seen.delete(key);
    await (await this.source.open()).delete(key);
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        const kv: KV = await this.source.open();
        const updates = await kv.watch({ key: '>' });
        this.watcher = updates;
        for await (const entry of updates) {
          const stored = decode(entry);
          if (stored) this.remember(entry.key, stored.s + stored.w);
          else this.seen.delete(entry.key);
        }
      } catch (err) {
        if (!this.stopped) this.logger.warn({ err: String(err) }, `${this.label}: watching the shared counters failed; retrying`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  private remember(key: string, until: number): void {
    if (this.seen.size >= SEEN_MAX) {
      const now = Date.now();
      for (const [k, t] of this.seen) if (t <= now) this.seen.delete(k);
      if (this.seen.size >= SEEN_MAX) this.seen.clear();
    }
    this.seen.set(key, until);
  }
}

function decode(entry: KvEntry): Stored | null {
  if (entry.operation !== 'PUT') return null;
  try {
    const v = JSON.parse(entry.string()) as Stored;
    return Number.isFinite(v.n) && Number.isFinite(v.s) && Number.isFinite(v.w) ? v : null;
  } catch {
    return null;
  }
}
