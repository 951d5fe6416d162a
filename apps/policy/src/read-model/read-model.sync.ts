import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'nats';
import type { Logger } from 'pino';
import { AuthEvents, IDENTITY_INVALIDATED, InvalidatedEvent, SettingsUpdatedEvent } from '@gatehouse/contracts';
import { LOGGER, NatsService } from '@gatehouse/platform';
import { ReadModel } from './read-model';

/**
 * Keeps the read model fresh: identity's invalidation broadcasts and auth's
 * settings.updated events, on plain subscriptions (every instance sees every
 * one), handled synchronously, so a question that arrives after an
 * invalidation on this connection is answered after it took effect. A
 * disconnect or a reconnect clears everything: broadcasts may have been missed.
 */
@Injectable()
export class ReadModelSync implements OnModuleInit, OnModuleDestroy {
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly model: ReadModel,
    private readonly nats: NatsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.subs.push(this.nats.subscribe<InvalidatedEvent>(IDENTITY_INVALIDATED, (e) => this.model.invalidate(e)));
    this.subs.push(
      this.nats.subscribe<SettingsUpdatedEvent>(AuthEvents.settingsUpdated, (e) => this.model.invalidateProject(e?.project_id)),
    );
    const clear = (why: string) => () => {
      this.model.clear();
      this.logger.info({ why }, 'policy read model cleared');
    };
    this.nats.onDisconnect(clear('nats disconnected'));
    this.nats.onReconnect(clear('nats reconnected'));
  }

  onModuleDestroy(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }
}
