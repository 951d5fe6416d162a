import { LOGGER } from '@gatehouse/platform';
import { createHash } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { KV, KvEntry } from 'nats';
import type { Logger } from 'pino';
import { GatewayBuckets } from '@gatehouse/contracts';
import { isConflict, SharedKvService } from '../rate-limit/shared-kv.service';

/** One counter: failures since `start` (ms since the epoch), for `window` ms. */
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

/** A brake key as a JetStream KV key: no client-chosen character reaches a subject. */
export function sharedKey(kind: 'a' | 'c', key: string): string {
  return `${kind}.${createHash('sha256').update(key).digest('base64url')}`;
}

/**
 * The brute-force brake's counters shared by every gateway instance, in the
 * JetStream KV bucket GATEWAY_BRAKE: increments are compare-and-set on the
 * entry's revision (no lost update, whichever instance counts), and every
 * instance watches the bucket, so a caller none of them has seen fail costs no
 * round trip (the fast path stays local). Every method throws when JetStream
 * cannot be reached: the limiter then keeps its per-instance verdict.
 */
@Injectable()
export class SharedFailureCountsService implements OnModuleInit, OnModuleDestroy {
  /** Key → end of its window, as far as the watch (or our own increments) told. */
  private readonly seen = new Map<string, number>();
  private stopped = false;
  private watcher?: { stop(): void };

  constructor(
    private readonly kv: SharedKvService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    void this.watch();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.watcher?.stop();
  }

  /** Whether some instance counted a failure under this key in a window that has not ended. */
  mayBeCounted(key: string, now = Date.now()): boolean {
    const until = this.seen.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.seen.delete(key);
    return false;
  }

  async read(key: string): Promise<FailureCount | null> {
    const entry = await (await this.bucket()).get(key);
    const stored = entry && decode(entry);
    if (!stored || stored.s + stored.w <= Date.now()) return null;
    return { count: stored.n, resetAt: stored.s + stored.w };
  }

  /** Counts one failure; a window that has ended starts over (at one). */
  async increment(key: string, windowMs: number): Promise<FailureCount> {
    const kv = await this.bucket();
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const entry = await kv.get(key);
      const stored = entry && decode(entry);
      const now = Date.now();
      const next: Stored = stored && stored.s + stored.w > now ? { ...stored, n: stored.n + 1 } : { n: 1, s: now, w: windowMs };
      const data = JSON.stringify(next);
      try {
        if (entry && entry.operation === 'PUT') await kv.update(key, data, entry.revision);
        else await kv.create(key, data);
      } catch (err) {
        if (isConflict(err)) continue; // another instance counted meanwhile: read again
        throw err;
      }
      this.remember(key, next.s + next.w);
      return { count: next.n, resetAt: next.s + next.w };
    }
    throw new Error('brake counter: too many concurrent updates');
  }

  private bucket(): Promise<KV> {
    if (!this.kv.available) return Promise.reject(new Error('NATS is not connected'));
    return this.kv.bucket(GatewayBuckets.brake);
  }

  /** Follows the bucket for as long as the gateway runs; a lost watch is started again. */
  private async watch(): Promise<void> {
    while (!this.stopped) {
      try {
        const kv = await this.bucket();
        const updates = await kv.watch({ key: '>' });
        this.watcher = updates;
        for await (const entry of updates) {
          const stored = decode(entry);
          if (stored) this.remember(entry.key, stored.s + stored.w);
          else this.seen.delete(entry.key);
        }
      } catch (err) {
        if (!this.stopped) this.logger.warn({ err: String(err) }, 'brake: watching the shared counters failed; retrying');
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
