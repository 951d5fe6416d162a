import { Inject, Injectable } from '@nestjs/common';
import { KV, KvOptions, StorageType } from 'nats';
import { GatewayBucket, GatewayBuckets, gatewayBucket } from '@gatehouse/contracts';
import { failureCountsBucketOptions, NatsService, SharedKvBucket } from '@gatehouse/platform';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * The JetStream key-value buckets every gateway instance shares (opened, and
 * created by the first instance that needs one, on first use: SharedKvBucket in
 * platform). Both hold only short-lived counters, in memory on the NATS server: a
 * restart of NATS loses them, and the callers fall back to their per-instance
 * counts meanwhile.
 */
@Injectable()
export class SharedKvService {
  private readonly buckets = new Map<GatewayBucket, SharedKvBucket>();

  constructor(
    private readonly nats: NatsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Whether a call to JetStream can be tried at all (a closed or reconnecting connection fails at once). */
  get available(): boolean {
    return this.nats.isConnected();
  }

  /** The bucket itself (its opener), for SharedFailureCounts. */
  source(name: GatewayBucket): SharedKvBucket {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = new SharedKvBucket(this.nats, gatewayBucket(this.nats.prefix, name), this.options(name));
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  bucket(name: GatewayBucket): Promise<KV> {
    return this.source(name).open();
  }

  private options(name: GatewayBucket): Partial<KvOptions> {
    return name === GatewayBuckets.brake
      ? failureCountsBucketOptions(this.config.GATEWAY_AUTH_FAILURE_WINDOW_SECONDS * 1000)
      : // One key per project and second: a few seconds are plenty.
        { history: 1, storage: StorageType.Memory, replicas: 1, ttl: 10_000, max_bytes: 16 * 1024 * 1024 };
  }
}
