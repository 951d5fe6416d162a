import { ArgumentsHost, Catch, Inject, Injectable, RpcExceptionFilter } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { Observable, throwError } from 'rxjs';
import { ErrorBody, ErrorCodes, Headers, isErrorBody } from '@gatehouse/contracts';
import { RemoteError, RpcError } from '../errors/rpc-error';
import { isUnavailable } from '../errors/unavailable';
import { LOGGER } from './logger';

/**
 * Answers every refused or failed NATS request with an error body, and logs it
 * once with the caller's request id (sent in the `x-request-id` header): info when
 * refused (a caller's mistake, or a callee's refusal passed on), error with the
 * stack when it failed (answered `internal`). It replaces Nest's base filter,
 * whose own error line (RpcExceptionsHandler) carries no request id. A filter
 * rather than an interceptor: it costs nothing on the requests that succeed.
 * Payloads are never logged. Apply it with `@UseFilters(RpcLoggingFilter)` on a
 * controller of `@MessagePattern`s (a hybrid app binds a microservice's global
 * filters before main can add one).
 */
@Injectable()
@Catch()
export class RpcLoggingFilter implements RpcExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(raw: unknown, host: ArgumentsHost): Observable<never> {
    const ctx = host.switchToRpc().getContext<NatsContext>();
    const body = rpcErrorBody(raw, this.logger, { subject: ctx?.getSubject?.(), requestId: ctx?.getHeaders?.()?.get(Headers.requestId) || undefined });
    return throwError(() => body);
  }
}

/**
 * The error body a failed or refused request is answered with, logged once as
 * RpcLoggingFilter logs it (info when refused, warn when unavailable, error with the
 * stack when it failed: answered `internal`). For a handler that answers many
 * requests in one message (auth.v1.token.issue_batch): each item's error as if it
 * had come alone, under its own request id.
 */
export function rpcErrorBody(raw: unknown, logger: Logger, where: { subject?: string; requestId?: string }): ErrorBody {
  const exception = asClientError(raw);
  const { subject, requestId } = where;
  const body = errorBodyOf(exception);
  if (isUnavailable(raw)) {
    // An outage, not a caller's mistake: warn (alerting sees it), with what the driver said.
    const cause = raw as { code?: unknown; message?: unknown };
    logger.warn({ request_id: requestId, subject, code: body?.code, cause: { code: cause.code, message: cause.message } }, 'rpc unavailable');
    return body ?? INTERNAL;
  }
  if (body && body.code !== ErrorCodes.internal) {
    logger.info({ request_id: requestId, subject, code: body.code }, 'rpc refused');
    return body;
  }
  const err = exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception);
  logger.error({ request_id: requestId, subject, err }, 'rpc failed');
  return body ?? INTERNAL;
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

/** The error body to answer with: an RpcError's, a callee's (RemoteError), or a plain thrown body; not any Error with a `code`. */
function errorBodyOf(exception: unknown): ErrorBody | undefined {
  if (exception instanceof RpcError || exception instanceof RemoteError) return exception.body;
  if (exception instanceof Error || !isErrorBody(exception) || !CODES.has(exception.code)) return undefined;
  return exception.details === undefined ? { code: exception.code, message: exception.message } : { code: exception.code, message: exception.message, details: exception.details };
}

const INTERNAL: ErrorBody = { code: ErrorCodes.internal, message: 'Internal server error' };

/**
 * PostgreSQL refuses some values a JSON request can carry (NUL in text, a lone
 * surrogate in jsonb, a year-0000 date: SQLSTATE class 22, "data exception").
 * They are the caller's mistake: answer 422, never 500.
 */
function asClientError(exception: unknown): unknown {
  // The database away (restarting, refusing, cutting sessions): 503, the caller may try again.
  if (isUnavailable(exception)) return new RpcError(ErrorCodes.unavailable, 'Service temporarily unavailable');
  const code = (exception as { code?: unknown })?.code;
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) {
    return new RpcError(ErrorCodes.validationFailed, 'A value is not acceptable', [
      { loc: ['body'], msg: 'A value is not acceptable (NUL characters, lone surrogates or out-of-range dates are refused)', type: 'value_error' },
    ]);
  }
  return exception;
}
