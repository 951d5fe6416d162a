import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { POLICY_QUEUE } from '@gatehouse/contracts';
import {
  closeOnSignals,
  createLogger,
  GatehouseNatsServer,
  natsOptions,
  NatsService,
  PinoNestLogger,
  runService,
} from '@gatehouse/platform';
import { PolicyModule } from './app.module';
import { loadPolicyConfig } from './config';

async function bootstrap(): Promise<void> {
  const config = loadPolicyConfig();
  const logger = createLogger('policy', config.LOG_LEVEL);
  const nats = await NatsService.connect(natsOptions(config, logger, 'policy'));

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

  closeOnSignals(app, [nats], logger);
}

runService('policy', bootstrap);
