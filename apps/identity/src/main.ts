import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { IDENTITY_QUEUE } from '@gatehouse/contracts';
import {
  ConfigError,
  createLogger,
  ensureDatabase,
  GatehouseNatsServer,
  NatsService,
  PinoNestLogger,
  runMigrationsLocked,
} from '@gatehouse/platform';
import { IdentityModule } from './app.module';
import { ListService } from './common/list.service';
import { loadIdentityConfig } from './config';
import { OutboxRelayService } from './outbox/outbox-relay.service';

const MIGRATION_LOCK = 7400;

async function bootstrap(): Promise<void> {
  const config = loadIdentityConfig();
  const logger = createLogger('identity', config.LOG_LEVEL);
  await ensureDatabase(config.IDENTITY_DATABASE_URL);
  const natsOptions = {
    prefix: config.NATS_SUBJECT_PREFIX,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    logger,
  };
  const nats = await NatsService.connect({ ...natsOptions, url: config.NATS_URL, name: `identity-${process.pid}` });
  const relayNats = await NatsService.connect({
    ...natsOptions,
    url: config.IDENTITY_RELAY_NATS_URL ?? config.NATS_URL,
    name: `identity-relay-${process.pid}`,
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    IdentityModule.register({ config, nats, relayNats, logger }),
    new FastifyAdapter(),
    { logger: new PinoNestLogger(logger) },
  );
  const applied = await runMigrationsLocked(app.get(DataSource), MIGRATION_LOCK);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  await app.get(ListService).init();
  await app.get(OutboxRelayService).start();

  app.connectMicroservice({ strategy: new GatehouseNatsServer(nats, IDENTITY_QUEUE) });
  await app.startAllMicroservices();
  await app.listen(config.IDENTITY_HTTP_PORT, config.IDENTITY_HTTP_HOST);
  logger.info({ port: config.IDENTITY_HTTP_PORT }, 'identity service ready');

  const shutdown = async () => {
    logger.info('shutting down');
    await app.close();
    await nats.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

bootstrap().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`identity: ${err.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`identity: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
