import { ArgumentsHost, Catch, ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCodes, Headers } from '@gatehouse/contracts';
import type { ValidationIssue } from '@gatehouse/permissions';
import { RemoteError } from '@gatehouse/platform';
import { ApiError } from './api-error';
import { BodyErrorCodes } from './body-parsers';
import { dialectOf } from './dialect';
import { answerUnhooked } from './early-errors';
import { serializeError } from './error-serializer';
import { statusOf } from './error-status';

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
    // Every request that ran the hooks carries its request id; one that did not is answered as they would have.
    if (exception instanceof NotFoundException && reply.getHeader(Headers.requestId) === undefined) return answerUnhooked(req, reply);
    const error = toApiError(exception);
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
    const { status, headers, body } = serializeError(error, dialectOf(req));
    reply.status(status).headers(headers).send(body);
  }
}

/** Any exception as an ApiError; what is not one already shows nothing internal. */
export function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  if (exception instanceof RemoteError) {
    // A service's validation failure with located issues reads as the gateway's own 422.
    if (exception.code === ErrorCodes.validationFailed && Array.isArray(exception.body.details)) {
      return ApiError.validation(exception.body.details as ValidationIssue[]);
    }
    const status = statusOf(exception.code);
    return status >= 500 && status !== 503 ? ApiError.hidden(status, 'Internal server error') : ApiError.message(status, exception.message);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return status >= 500 ? ApiError.hidden(status, 'Internal server error') : ApiError.message(status, exception.message);
  }
  // Errors raised by Fastify itself while reading the request.
  const e = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return ApiError.message(e.statusCode, fastifyMessage(e.statusCode, e.code));
  }
  return ApiError.hidden(500, 'Internal server error');
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
