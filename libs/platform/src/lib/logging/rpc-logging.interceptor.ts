import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { Observable, tap } from 'rxjs';
import { Headers, isErrorBody } from '@gatehouse/contracts';
import { RpcError } from '../errors/rpc-error';

/**
 * One log line per NATS request, carrying the caller's request id (sent in the
 * `x-request-id` header): debug when it succeeds, info when it is refused
 * (a caller's mistake), error when it fails. Payloads are never logged.
 */
@Injectable()
export class RpcLoggingInterceptor implements NestInterceptor {
  constructor(private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const ctx = context.switchToRpc().getContext<NatsContext>();
    const subject = ctx.getSubject();
    const requestId = ctx.getHeaders()?.get(Headers.requestId) || undefined;
    const started = process.hrtime.bigint();
    const ms = () => Number((process.hrtime.bigint() - started) / 1000n) / 1000;
    return next.handle().pipe(
      tap({
        next: () => this.logger.debug({ request_id: requestId, subject, ms: ms() }, 'rpc'),
        error: (err: unknown) => {
          const body = err instanceof RpcError ? err.body : isErrorBody(err) ? err : undefined;
          if (body && body.code !== 'internal') {
            this.logger.info({ request_id: requestId, subject, code: body.code, ms: ms() }, 'rpc refused');
          } else {
            this.logger.error({ request_id: requestId, subject, err: (err as Error)?.message, ms: ms() }, 'rpc failed');
          }
        },
      }),
    );
  }
}
