import pino, { Logger, LoggerOptions } from 'pino';
import type { LoggerService } from '@nestjs/common';

/**
 * Paths never written to a log, whatever logs them. Secrets, tokens and
 * passwords have no business in a log line; this is the last line of defence.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'client_secret',
  'token',
  'access_token',
  'password',
  '*.client_secret',
  '*.token',
  '*.access_token',
  '*.password',
  '*.private_key',
];

/** DI token of the process's pino logger. */
export const LOGGER = Symbol('LOGGER');

/** The options of every logger: the service and pid on each line, ISO time, the level by name, secrets redacted. */
export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}

/**
 * A logger writing JSON lines to stdout synchronously: for the tools (the CLI, the
 * launcher, the harnesses). A service's logs come from createServiceLogs.
 */
export function createLogger(service: string, level: string): Logger {
  return pino(loggerOptions(service, level));
}

/**
 * Nest's start-up narration (modules initialised, each route mapped, started): some
 * forty lines per service that say nothing when the start works (a failed start says
 * why itself). Logged at debug: `LOG_LEVEL=debug` shows them.
 */
const NEST_BOOTSTRAP = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice']);

/** Nest's own log lines (bootstrap, route map, exceptions) as JSON through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && NEST_BOOTSTRAP.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message instanceof Error ? message.message : message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
