import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AUTH_QUEUE } from '@gatehouse/contracts';
import {
  ConfigError,
  createLogger,
  ensureDatabase,
  GatehouseNatsServer,
  NatsService,
  PinoNestLogger,
  runMigrationsLocked,
} from '@gatehouse/platform';
import { AuthModule } from './app.module';
import { loadAuthConfig } from './config';
import { KeysService } from './keys/keys.service';

const MIGRATION_LOCK = 7300;

async function bootstrap(): Promise<void> {
  const config = loadAuthConfig();
  const logger = createLogger('auth', config.LOG_LEVEL);
  await ensureDatabase(config.AUTH_DATABASE_URL);
  const nats = await NatsService.connect({
    url: config.NATS_URL,
    name: `auth-${process.pid}`,
    prefix: config.NATS_SUBJECT_PREFIX,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    logger,
  });

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

  // Stop taking messages and requests, finish those in flight, then close the pool and the broker connection.
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
    process.stderr.write(`auth: ${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`auth: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
