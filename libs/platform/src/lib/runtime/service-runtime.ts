import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { BaseConfig, ConfigError, ConfigMismatchError } from '../config/load-config';
import { ensureDatabase } from '../database/ensure-database';
import { runMigrationsLocked } from '../database/run-migrations';
import { PinoNestLogger } from '../logging/logger';
import { createServiceLogs, ServiceLogs } from '../logging/service-logs';
import { enableMetrics, watchPool, PoolState } from '../metrics/metrics';
import { instrumentHttp, serveMetricsRoute, startMetricsServer } from '../metrics/metrics-http';
import { GatehouseNatsServer } from '../nats/gatehouse-nats.server';
import { NatsOptions, NatsService } from '../nats/nats.service';
import type { ServiceRuntime } from './runtime.module';
import { shutdownTracing, tracingState } from '../tracing/tracing';
import { stopWhenSupervisorGoes } from './supervised';

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
 * broker connections, write the buffered log lines, and exit 0.
 */
export function closeOnSignals(
  app: INestApplication,
  natsConnections: NatsService[],
  logger: Logger,
  logs?: ServiceLogs,
  also: Array<{ close(): unknown }> = [],
): void {
  const shutdown = async () => {
    logger.info('shutting down');
    for (const c of also) c.close();
    await app.close();
    for (const n of natsConnections) await n.close();
    await shutdownTracing();
    // Every line logged until now (the last requests' among them) is written before the exit.
    logs?.close();
    await logs?.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

/** A service as runService starts it. */
export interface ServiceDefinition<C extends BaseConfig> {
  /** In log lines, the broker connection's name and the start failure line. */
  name: string;
  /** Reads and validates the environment (a ConfigError exits 78). */
  loadConfig(): C;
  /** Its PostgreSQL database: created when missing, then migrated under an advisory lock before anything is served. */
  database?: { url(config: C): string; migrationLock: number };
  /**
   * With tracing on: whether its handlers run inside their span's async context, so the
   * pg instrumentation parents their queries (default: when it has a database). That
   * context turns on Node 20's promise hook for the whole process; a service whose hot
   * path makes no query can keep it off (its queries are then not traced).
   */
  traceQueries?: boolean;
  /** The root module, given the runtime (async: it may open more connections, e.g. identity's relay). */
  module(rt: ServiceRuntime<C>): DynamicModule | Promise<DynamicModule>;
  /** Default: a plain FastifyAdapter. */
  adapter?(rt: ServiceRuntime<C>): FastifyAdapter;
  /** Nest's application options besides the logger. */
  appOptions?: Omit<NestApplicationOptions, 'logger'>;
  /** The NATS queue group whose requests it answers (Nest's microservice over the shared connection). */
  queue?: string;
  /** After the migrations, before it answers anything: fill caches, start workers, wait for what it needs. */
  prepare?(app: NestFastifyApplication, rt: ServiceRuntime<C>): Promise<void>;
  /** Where it listens (HTTP: health, and the gateway's API). */
  listen(config: C): { port: number; host: string };
  /**
   * Where `GET /metrics` is served when the `listen` port is public (the gateway):
   * a plain-HTTP server of its own. Without it, /metrics is a route of the `listen` (health) server.
   */
  metricsListen?(config: C): { port: number; host: string };
}

/**
 * Starts a service the one way they all start: configuration, logger, database
 * (created, migrated under a lock), broker connection, the Nest application,
 * `prepare`, the NATS queue group, the HTTP listener, then one `ready` line;
 * SIGTERM/SIGINT close it (closeOnSignals), and so does its supervisor's death when it has one
 * (stopWhenSupervisorGoes). A failure to start is reported by
 * reportStartFailure: exit 78 for configuration, else 1; one line, never a stack trace.
 */
export function runService<C extends BaseConfig>(def: ServiceDefinition<C>): void {
  stopWhenSupervisorGoes();
  const started: { logs?: ServiceLogs } = {};
  startService(def, started).catch(async (err: unknown) => {
    // What it logged before failing is written first (the log file may not even be open yet).
    started.logs?.close();
    await started.logs?.flush(2_000);
    reportStartFailure(def.name, err);
  });
}

async function startService<C extends BaseConfig>(def: ServiceDefinition<C>, started: { logs?: ServiceLogs }): Promise<void> {
  const config = def.loadConfig();
  const logs = (started.logs = createServiceLogs(def.name, config));
  const { logger } = logs;
  logFatalErrors(logs);
  if (config.METRICS_ENABLED) enableMetrics(def.name);
  if (def.database) await ensureDatabase(def.database.url(config));
  // Traced queries need the handlers' async context (tracing.ts); the others pass it by request id.
  tracingState.asyncContext = def.traceQueries ?? Boolean(def.database);
  const nats = await NatsService.connect(natsOptions(config, logger, def.name));
  const rt: ServiceRuntime<C> = { config, nats, logger, access: logs.access };

  // Loaded here, not with the lib: the tools that use it (the CLI, npm start) start no HTTP server.
  const { NestFactory } = await import('@nestjs/core');
  const fastify = await import('@nestjs/platform-fastify');
  const app = await NestFactory.create<NestFastifyApplication>(await def.module(rt), def.adapter?.(rt) ?? new fastify.FastifyAdapter(), {
    ...def.appOptions,
    logger: new PinoNestLogger(logger),
  });
  if (config.METRICS_ENABLED) {
    const fastifyInstance = app.getHttpAdapter().getInstance();
    instrumentHttp(fastifyInstance);
    if (!def.metricsListen) serveMetricsRoute(fastifyInstance);
  }
  if (def.database) {
    if (config.METRICS_ENABLED) {
      // TypeORM's postgres driver keeps its pg Pool as `master`.
      const driver = app.get(DataSource).driver as unknown as { master?: PoolState };
      watchPool(() => driver.master);
    }
    const applied = await runMigrationsLocked(app.get(DataSource), def.database.migrationLock);
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  }
  if (def.queue) app.connectMicroservice({ strategy: new GatehouseNatsServer(nats, def.queue) });
  await def.prepare?.(app, rt);
  if (def.queue) await app.startAllMicroservices();
  const metricsAt = config.METRICS_ENABLED ? def.metricsListen?.(config) : undefined;
  const metricsServer = metricsAt ? await startMetricsServer(metricsAt.port, metricsAt.host) : undefined;
  const { port, host } = def.listen(config);
  await app.listen(port, host);
  logger.info({ port, host, ...(metricsAt ? { metrics_port: metricsAt.port } : {}) }, `${def.name} service ready`);

  closeOnSignals(app, [nats], logger, logs, metricsServer ? [metricsServer] : []);
}

/**
 * An uncaught exception ends the process as Node would (its stack on stderr, exit 1),
 * but first logs it as `fatal` and writes every buffered line: a crash leaves its
 * last lines and its cause in the log.
 */
export function logFatalErrors(logs: ServiceLogs): void {
  process.once('uncaughtException', (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    logs.logger.fatal({ err }, 'uncaught exception');
    logs.close();
    void logs.flush(2_000).finally(() => process.exit(1));
  });
}

/**
 * How a failed start is reported: a configuration error (invalid, or not fitting the
 * data) exits 78 (EX_CONFIG), any other failure 1; a message, never a stack trace.
 */
export function reportStartFailure(name: string, err: unknown): void {
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
}
