import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { IDENTITY_QUEUE } from '@gatehouse/contracts';
import {
  closeOnSignals,
  createLogger,
  ensureDatabase,
  GatehouseNatsServer,
  natsOptions,
  NatsService,
  PinoNestLogger,
  runMigrationsLocked,
  runService,
} from '@gatehouse/platform';
import { IdentityModule } from './app.module';
import { ListService } from './common/list.service';
import { loadIdentityConfig } from './config';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { StatisticsService } from './common/statistics.service';

const MIGRATION_LOCK = 7400;

async function bootstrap(): Promise<void> {
  const config = loadIdentityConfig();
  const logger = createLogger('identity', config.LOG_LEVEL);
  await ensureDatabase(config.IDENTITY_DATABASE_URL);
  const nats = await NatsService.connect(natsOptions(config, logger, 'identity'));
  // The outbox relay's own connection (see OutboxRelayService).
  const relayNats = await NatsService.connect(natsOptions(config, logger, 'identity-relay', config.IDENTITY_RELAY_NATS_URL ?? config.NATS_URL));

  const app = await NestFactory.create<NestFastifyApplication>(
    IdentityModule.register({ config, nats, relayNats, logger }),
    new FastifyAdapter(),
    { logger: new PinoNestLogger(logger) },
  );
  const applied = await runMigrationsLocked(app.get(DataSource), MIGRATION_LOCK);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  await app.get(ListService).init();
  await app.get(OutboxRelayService).start();
  await app.get(StatisticsService).start();

  app.connectMicroservice({ strategy: new GatehouseNatsServer(nats, IDENTITY_QUEUE) });
  await app.startAllMicroservices();
  await app.listen(config.IDENTITY_HTTP_PORT, config.IDENTITY_HTTP_HOST);
  logger.info({ port: config.IDENTITY_HTTP_PORT }, 'identity service ready');

  closeOnSignals(app, [nats], logger);
}

runService('identity', bootstrap);
