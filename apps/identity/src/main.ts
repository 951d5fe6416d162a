import 'reflect-metadata';
import { IDENTITY_QUEUE } from '@gatehouse/contracts';
import { natsOptions, NatsService, runService } from '@gatehouse/platform';
import { IdentityModule } from './app.module';
import { ListService } from './common/list.service';
import { StatisticsService } from './common/statistics.service';
import { loadIdentityConfig } from './config';
import { OutboxRelayService } from './outbox/outbox-relay.service';

runService({
  name: 'identity',
  loadConfig: loadIdentityConfig,
  database: { url: (c) => c.IDENTITY_DATABASE_URL, migrationLock: 7400 },
  // The outbox relay's own connection (see OutboxRelayService).
  module: async (rt) =>
    IdentityModule.register({
      ...rt,
      relayNats: await NatsService.connect(natsOptions(rt.config, rt.logger, 'identity-relay', rt.config.IDENTITY_RELAY_NATS_URL ?? rt.config.NATS_URL)),
    }),
  queue: IDENTITY_QUEUE,
  prepare: async (app) => {
    await app.get(ListService).init();
    await app.get(OutboxRelayService).start();
    await app.get(StatisticsService).start();
  },
  listen: (c) => ({ port: c.IDENTITY_HTTP_PORT, host: c.IDENTITY_HTTP_HOST }),
});
