import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditEntry, AuditEvents } from '@gatehouse/contracts';
import { AuditBatcher, LOGGER, NatsService } from '@gatehouse/platform';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * Publishes audit entries into the AUDIT stream in batches (AuditBatcher), without
 * waiting: the request path never waits on JetStream or on the audit database.
 * `GATEWAY_AUDIT=false` turns it off.
 */
@Injectable()
export class AuditPublisherService implements OnApplicationShutdown {
  readonly enabled: boolean;
  private readonly batchers = new Map<string, AuditBatcher>();

  constructor(
    private readonly nats: NatsService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.enabled = config.GATEWAY_AUDIT;
  }

  publish(entry: AuditEntry, subject: string = AuditEvents.entity): void {
    if (!this.enabled) return;
    let batcher = this.batchers.get(subject);
    if (!batcher) {
      batcher = new AuditBatcher(this.nats, subject, this.logger);
      this.batchers.set(subject, batcher);
    }
    batcher.add(entry);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.batchers.values()].map((b) => b.close()));
  }
}
