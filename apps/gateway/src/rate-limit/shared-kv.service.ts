import { Inject, Injectable } from '@nestjs/common';
import { KV, KvOptions, StorageType } from 'nats';
import { GatewayBucket, GatewayBuckets, gatewayBucket } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** A JetStream answer slower than this counts as JetStream being away (the caller falls back to its local count). */
export const SHARED_KV_TIMEOUT_MS = 500;

/**
 * The JetStream key-value buckets every gateway instance shares (opened, and
 * created by the first instance that needs one, on first use). Both hold only
 * short-lived counters, in memory on the NATS server: a restart of NATS loses
 * them, and the callers fall back to their per-instance counts meanwhile.
 */
@Injectable()
export class SharedKvService {
  private readonly opened = new Map<GatewayBucket, Promise<KV>>();

  constructor(
    private readonly nats: NatsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Whether a call to JetStream can be tried at all (a closed or reconnecting connection fails at once). */
  get available(): boolean {
    return this.nats.isConnected();
  }

  bucket(name: GatewayBucket): Promise<KV> {
    let kv = this.opened.get(name);
    if (!kv) {
      kv = this.open(name);
      this.opened.set(name, kv);
      // A failed open (JetStream away) is tried again by the next caller.
      kv.catch(() => this.opened.delete(name));
    }
    return kv;
  }

  private open(name: GatewayBucket): Promise<KV> {
    const js = this.nats.connection.jetstream({ timeout: SHARED_KV_TIMEOUT_MS });
    return js.views.kv(gatewayBucket(this.nats.prefix, name), this.options(name));
  }

  private options(name: GatewayBucket): Partial<KvOptions> {
    const common = { history: 1, storage: StorageType.Memory, replicas: 1 };
    return name === GatewayBuckets.brake
      ? // A key outlives its window (the entry also carries its own start and length); at most 64 MiB, oldest dropped first.
        { ...common, ttl: this.config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS * 1000, max_bytes: 64 * 1024 * 1024 }
      : // One key per project and second: a few seconds are plenty.
        { ...common, ttl: 10_000, max_bytes: 16 * 1024 * 1024 };
  }
}

/** A compare-and-set that lost: the entry exists, or its revision moved on. */
export function isConflict(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string };
  // 10071: wrong last sequence (update); 10164 / "wrong last sequence" / "key exists" (create).
  return e?.api_error?.err_code === 10071 || /wrong last sequence|key exists/i.test(e?.message ?? '');
}
