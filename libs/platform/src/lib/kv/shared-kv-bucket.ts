import { KV, KvOptions, StorageType } from 'nats';
import type { NatsService } from '../nats/nats.service';

/** A JetStream answer slower than this counts as JetStream being away (the caller falls back to its local count). */
export const SHARED_KV_TIMEOUT_MS = 500;

/** What a bucket's users need of it: whether JetStream can be tried at all, and the bucket. */
export interface KvBucketSource {
  /** False when the connection is closed or reconnecting: a call would fail at once. */
  readonly available: boolean;
  open(): Promise<KV>;
}

/**
 * One JetStream key-value bucket shared by the instances of a service, opened on
 * first use (and created by the first instance that needs it, with `options`). A
 * failed open (JetStream away) is tried again by the next caller. `name` is the
 * full bucket name, subject prefix included (`kvBucketName` in contracts).
 */
export class SharedKvBucket implements KvBucketSource {
  private opened?: Promise<KV>;

  constructor(
    private readonly nats: NatsService,
    readonly name: string,
    private readonly options: Partial<KvOptions>,
    private readonly timeoutMs = SHARED_KV_TIMEOUT_MS,
  ) {}

  get available(): boolean {
    return this.nats.isConnected();
  }

  open(): Promise<KV> {
    if (!this.available) return Promise.reject(new Error('NATS is not connected'));
    if (!this.opened) {
      const js = this.nats.connection.jetstream({ timeout: this.timeoutMs });
      const opening = js.views.kv(this.name, this.options);
      this.opened = opening;
      opening.catch(() => {
        if (this.opened === opening) this.opened = undefined;
      });
    }
    return this.opened;
  }
}

/**
 * The options of a bucket of short-lived failure counters (a brake): in memory on
 * the NATS server (a NATS restart loses them; the users fall back to their own
 * counts meanwhile), one revision per key, a key outliving its window (an entry
 * also carries its own start and length), at most `maxBytes`, oldest dropped first.
 */
export function failureCountsBucketOptions(windowMs: number, maxBytes = 64 * 1024 * 1024): Partial<KvOptions> {
  return { history: 1, storage: StorageType.Memory, replicas: 1, ttl: windowMs, max_bytes: maxBytes };
}

/** A compare-and-set that lost: the entry exists, or its revision moved on. */
export function isKvConflict(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string };
  // 10071: wrong last sequence (update); 10164 / "wrong last sequence" / "key exists" (create).
  return e?.api_error?.err_code === 10071 || /wrong last sequence|key exists/i.test(e?.message ?? '');
}
