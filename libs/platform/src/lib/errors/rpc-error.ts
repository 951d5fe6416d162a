import { RpcException } from '@nestjs/microservices';
import { ErrorBody, ErrorCode, ErrorCodes, isErrorBody } from '@gatehouse/contracts';

/**
 * Thrown by a NATS handler to answer with `{code, message, details?}`.
 * The message must be fit to show the API caller.
 */
export class RpcError extends RpcException {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
  ) {
    super(details === undefined ? { code, message } : { code, message, details });
  }

  get body(): ErrorBody {
    return this.getError() as ErrorBody;
  }
}

/** Raised by the RPC client when the reply is an error, or no reply came. */
export class RemoteError extends Error {
  constructor(public readonly body: ErrorBody) {
    super(body.message);
    this.name = 'RemoteError';
  }

  get code(): ErrorCode {
    return this.body.code;
  }

  static from(err: unknown): RemoteError {
    if (isErrorBody(err)) return new RemoteError(err);
    return new RemoteError({ code: ErrorCodes.internal, message: 'Internal server error' });
  }
}
