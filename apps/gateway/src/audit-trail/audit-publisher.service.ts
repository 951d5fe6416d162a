import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { AuditEntry, AuditEvents } from '@gatehouse/contracts';
import { LOGGER, NatsService } from '@gatehouse/platform';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * Publishes audit entries into the AUDIT stream without waiting: the request path
 * never waits on JetStream or on the audit database. The entry id is the message
 * id, so JetStream drops a republished one. A failed publish is counted and
 * logged at warn once per failure episode (never with the entry: it is the
 * caller's data).
 */
@Injectable()
export class AuditPublisherService {
  readonly enabled: boolean;
  failed = 0;
  private js: JetStreamClient | null = null;
  private failing = false;

  constructor(
    private readonly nats: NatsService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.enabled = config.GATEWAY_AUDIT;
  }

  publish(entry: AuditEntry, subject: string = AuditEvents.entity): void {
    if (!this.enabled) return;
    this.js ??= this.nats.connection.jetstream();
    this.js.publish(this.nats.subject(subject), JSON.stringify(entry), { msgID: entry.id, timeout: 5_000 }).then(
      () => {
        if (this.failing) this.logger.info('audit: publishing again');
        this.failing = false;
      },
      (err: Error) => {
        this.failed++;
        if (!this.failing) this.logger.warn({ err: err.message }, 'audit: an entry could not be published');
        this.failing = true;
      },
    );
  }
}
