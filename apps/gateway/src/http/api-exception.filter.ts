import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCodes } from '@gatehouse/contracts';
import type { ValidationIssue } from '@gatehouse/permissions';
import { RemoteError } from '@gatehouse/platform';
import { ApiError } from './api-error';
import { BodyErrorCodes } from './body-parsers';
import { speaksOAuth } from './dialect';
import { statusOf } from './error-status';

const OAUTH_ERROR_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_client',
  413: 'invalid_request',
  415: 'invalid_request',
  429: 'temporarily_unavailable',
  503: 'temporarily_unavailable',
};

/**
 * Every error leaves in the API's shape. Errors the framework raises before a
 * handler runs (bad JSON, body too large, unknown route) are mapped here too;
 * anything unexpected becomes a 500 that shows nothing internal.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toApiError(exception, req);
    if (error.status === 503) {
      // A dependency away (a service, NATS, a database): expected during an outage, and many at once.
      const reason = exception instanceof Error ? exception.message : String(exception);
      this.logger.warn({ request_id: req.id, reason }, 'request unavailable');
    } else if (error.status >= 500) {
      this.logger.error(
        { request_id: req.id, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) },
        'request failed',
      );
    }
    reply.status(error.status).headers(error.headers).send(error.body);
  }

  private toApiError(exception: unknown, req: FastifyRequest): ApiError {
    if (exception instanceof ApiError) return exception;
    // A service's validation failure with located issues reads as the gateway's own 422.
    if (exception instanceof RemoteError && exception.code === ErrorCodes.validationFailed && Array.isArray(exception.body.details)) {
      return ApiError.validation(exception.body.details as ValidationIssue[]);
    }
    const oauth = speaksOAuth(req);
    const { status, message } = describe(exception);
    if (oauth) {
      const code = OAUTH_ERROR_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request');
      return ApiError.oauth(status, code, message);
    }
    return ApiError.message(status, message);
  }
}

function describe(exception: unknown): { status: number; message: string } {
  if (exception instanceof RemoteError) {
    const status = statusOf(exception.code);
    return { status, message: status >= 500 && status !== 503 ? 'Internal server error' : exception.message };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, message: status >= 500 ? 'Internal server error' : exception.message };
  }
  // Errors raised by Fastify itself while reading the request.
  const e = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, message: fastifyMessage(e.statusCode, e.code) };
  }
  return { status: 500, message: 'Internal server error' };
}

function fastifyMessage(status: number, code?: string): string {
  switch (status) {
    case 400:
      if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty but its content type is JSON';
      if (code === BodyErrorCodes.notUtf8) return 'The request body is not valid UTF-8';
      if (code === BodyErrorCodes.forbiddenKey) return 'The request body must not contain a __proto__ or constructor.prototype key';
      if (code?.startsWith('FST_ERR_CTP') || code === undefined) return 'The request body is not valid JSON';
      return 'Bad request';
    case 404:
      return 'Not found';
    case 408:
      return 'Request timeout';
    case 413:
      return 'The request body is too large';
    case 415:
      return 'Unsupported content type: send application/json';
    case 431:
      return 'Request headers too large';
    default:
      return 'Bad request';
  }
}
