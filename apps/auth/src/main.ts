import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AUTH_QUEUE } from '@gatehouse/contracts';
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
import { AuthModule } from './app.module';
import { loadAuthConfig } from './config';
import { KeysService } from './keys/keys.service';

const MIGRATION_LOCK = 7300;

async function bootstrap(): Promise<void> {
  const config = loadAuthConfig();
  const logger = createLogger('auth', config.LOG_LEVEL);
  await ensureDatabase(config.AUTH_DATABASE_URL);
  const nats = await NatsService.connect(natsOptions(config, logger, 'auth'));

  const app = await NestFactory.create<NestFastifyApplication>(AuthModule.register(config, nats, logger), new FastifyAdapter(), {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
  });
  const applied = await runMigrationsLocked(app.get(DataSource), MIGRATION_LOCK);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  await app.get(KeysService).init();

  app.connectMicroservice({ strategy: new GatehouseNatsServer(nats, AUTH_QUEUE) });
  await app.startAllMicroservices();
  await app.listen(config.AUTH_HTTP_PORT, config.AUTH_HTTP_HOST);
  logger.info({ port: config.AUTH_HTTP_PORT }, 'auth service ready');

  closeOnSignals(app, [nats], logger);
}

runService('auth', bootstrap);
