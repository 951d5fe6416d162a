/**
 * Error codes carried across NATS in `{code, message, details?}`. They are stable
 * strings (they survive process boundaries; `instanceof` does not). The gateway
 * maps each one to an HTTP status in one table (apps/gateway, error-status.ts).
 * OAuth 2.0 codes are used where OAuth applies.
 */
export const ErrorCodes = {
  // OAuth 2.0 (RFC 6749 §5.2)
  invalidRequest: 'invalid_request',
  invalidClient: 'invalid_client',
  invalidGrant: 'invalid_grant',
  unauthorizedClient: 'unauthorized_client',
  unsupportedGrantType: 'unsupported_grant_type',
  // General
  validationFailed: 'validation_failed',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  rateLimited: 'rate_limited',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The one error shape on NATS replies. `message` is safe to show to the caller. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}
