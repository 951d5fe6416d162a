import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { BaseConfig, ConfigError, ConfigMismatchError } from '../config/load-config';
import { NatsOptions, NatsService } from '../nats/nats.service';

/** Broker connection options from a service's validated config. */
export function natsOptions(config: BaseConfig, logger: Logger, name: string, url: string = config.NATS_URL): NatsOptions {
  return {
    url,
    name: `${name}-${process.pid}`,
    prefix: config.NATS_SUBJECT_PREFIX,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    connectTimeoutMs: config.NATS_CONNECT_TIMEOUT_MS,
    urlVariable: url === config.NATS_URL ? 'NATS_URL' : undefined,
    logger,
  };
}

/**
 * SIGTERM / SIGINT: stop taking work, finish what is in flight (app.close runs
 * the shutdown hooks: HTTP server, microservice, database pool), then close the
 * broker connections, and exit 0.
 */
export function closeOnSignals(app: INestApplication, natsConnections: NatsService[], logger: Logger): void {
  const shutdown = async () => {
    logger.info('shutting down');
    await app.close();
    for (const n of natsConnections) await n.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

/**
 * Runs a service's bootstrap: a configuration error (invalid, or not fitting the
 * data) exits 78 (EX_CONFIG), any other start failure 1; a message, never a stack trace.
 */
export function runService(name: string, bootstrap: () => Promise<void>): void {
  bootstrap().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(78);
    } else if (err instanceof ConfigMismatchError) {
      process.stderr.write(`${name}: failed to start: ${err.message}\n`);
      process.exit(78);
    } else {
      process.stderr.write(`${name}: failed to start: ${(err as Error).message}\n`);
      process.exit(1);
    }
  });
}
