import { ServerNats } from '@nestjs/microservices';
import type { NatsConnection, Subscription } from 'nats';
import type { NatsService } from './nats.service';

/**
 * Nest's NATS transport on the process's shared connection, with every
 * `@MessagePattern` subscribed under the configured subject prefix and in the
 * service's queue group, so N instances share the load.
 */
export class GatehouseNatsServer extends ServerNats {
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly nats: NatsService,
    private readonly queue: string,
  ) {
    super({ queue });
  }

  override createNatsClient(): Promise<NatsConnection> {
    return Promise.resolve(this.nats.connection) as any;
  }

  override bindEvents(client: NatsConnection): void {
    for (const channel of this.messageHandlers.keys()) {
      this.subs.push(
        client.subscribe(this.nats.subject(channel), {
          queue: this.queue,
          callback: this.getMessageHandler(channel).bind(this),
        }),
      );
    }
  }

  /** Patterns are plain subject strings here: a map lookup, not Nest's per-message pattern parsing. */
  override getHandlerByPattern(pattern: string) {
    return this.messageHandlers.get(pattern) ?? null;
  }

  /** The shared connection is closed by its owner; only stop receiving here. */
  override async close(): Promise<void> {
    for (const sub of this.subs.splice(0)) sub.unsubscribe();
  }
}
