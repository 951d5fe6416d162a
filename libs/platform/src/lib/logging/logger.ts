import pino, { Logger } from 'pino';
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

export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Nest's own log lines (bootstrap, route map, exceptions) as JSON through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
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
