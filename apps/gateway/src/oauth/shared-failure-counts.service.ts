import { failureCountKey, LOGGER, SharedFailureCounts } from '@gatehouse/platform';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { GatewayBuckets } from '@gatehouse/contracts';
import { SharedKvService } from '../rate-limit/shared-kv.service';

export type { FailureCount } from '@gatehouse/platform';

/** A brake key as a JetStream KV key: no client-chosen character reaches a subject. */
export function sharedKey(kind: 'a' | 'c', key: string): string {
  return failureCountKey(kind, key);
}

/**
 * The brute-force brake's counters shared by every gateway instance, in the
 * JetStream KV bucket GATEWAY_BRAKE (SharedFailureCounts in platform, the piece
 * the portal's login brake uses too): increments are compare-and-set on the
 * entry's revision, and every instance watches the bucket, so a caller none of
 * them has seen fail costs no round trip (the fast path stays local). Every method
 * throws when JetStream cannot be reached: the limiter then keeps its
 * per-instance verdict.
 */
@Injectable()
export class SharedFailureCountsService extends SharedFailureCounts implements OnModuleInit, OnModuleDestroy {
  constructor(kv: SharedKvService, @Inject(LOGGER) logger: Logger) {
    super(kv.source(GatewayBuckets.brake), logger, 'brake');
  }

  onModuleInit(): void {
    this.watch();
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
