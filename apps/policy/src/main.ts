import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { POLICY_QUEUE } from '@gatehouse/contracts';
import { ConfigError, createLogger, GatehouseNatsServer, NatsService, PinoNestLogger } from '@gatehouse/platform';
import { PolicyModule } from './app.module';
import { loadPolicyConfig } from './config';

async function bootstrap(): Promise<void> {
  const config = loadPolicyConfig();
  const logger = createLogger('policy', config.LOG_LEVEL);
  const nats = await NatsService.connect({
    url: config.NATS_URL,
    name: `policy-${process.pid}`,
    prefix: config.NATS_SUBJECT_PREFIX,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    logger,
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    PolicyModule.register({ config, nats, logger }),
    new FastifyAdapter(),
    { logger: new PinoNestLogger(logger) },
  );
  app.connectMicroservice({ strategy: new GatehouseNatsServer(nats, POLICY_QUEUE) });
  // Subscribe to invalidations (module init) and have the server confirm it before answering any question.
  await app.init();
  await nats.flush();
  await app.startAllMicroservices();
  await app.listen(config.POLICY_HTTP_PORT, config.POLICY_HTTP_HOST);
  logger.info({ port: config.POLICY_HTTP_PORT }, 'policy service ready');

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
    process.stderr.write(`policy: ${err.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`policy: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
