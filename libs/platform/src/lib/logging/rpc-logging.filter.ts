import { ArgumentsHost, Catch, Inject, Injectable } from '@nestjs/common';
import { BaseRpcExceptionFilter, NatsContext } from '@nestjs/microservices';
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import { ErrorCodes, Headers, isErrorBody } from '@gatehouse/contracts';
import { RpcError } from '../errors/rpc-error';
import { LOGGER } from './logger';

/**
 * Logs every refused or failed NATS request with the caller's request id (sent
 * in the `x-request-id` header): info when refused (a caller's mistake), error
 * when it failed. A filter rather than an interceptor: it costs nothing on the
 * requests that succeed. Payloads are never logged. Apply it with
 * `@UseFilters(RpcLoggingFilter)` on a controller of `@MessagePattern`s (a hybrid
 * app binds a microservice's global filters before main can add one).
 */
@Injectable()
@Catch()
export class RpcLoggingFilter extends BaseRpcExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {
    super();
  }

  override catch(raw: unknown, host: ArgumentsHost): Observable<unknown> {
    const exception = asClientError(raw);
    const ctx = host.switchToRpc().getContext<NatsContext>();
    const subject = ctx?.getSubject?.();
    const requestId = ctx?.getHeaders?.()?.get(Headers.requestId) || undefined;
    const body = exception instanceof RpcError ? exception.body : isErrorBody(exception) ? exception : undefined;
    if (body && body.code !== 'internal') {
      this.logger.info({ request_id: requestId, subject, code: body.code }, 'rpc refused');
    } else {
      this.logger.error({ request_id: requestId, subject, err: (exception as Error)?.message }, 'rpc failed');
    }
    return super.catch(exception, host);
  }
}

/**
 * PostgreSQL refuses some values a JSON request can carry (NUL in text, a lone
 * surrogate in jsonb, a year-0000 date: SQLSTATE class 22, "data exception").
 * They are the caller's mistake: answer 422, never 500.
 */
function asClientError(exception: unknown): unknown {
  const code = (exception as { code?: unknown })?.code;
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) {
    return new RpcError(ErrorCodes.validationFailed, 'A value is not acceptable', [
      { loc: ['body'], msg: 'A value is not acceptable (NUL characters, lone surrogates or out-of-range dates are refused)', type: 'value_error' },
    ]);
  }
  return exception;
}
