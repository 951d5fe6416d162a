/**
 * Error codes carried across NATS in `{code, message, details?}`. They are stable
 * strings (they survive process boundaries; `instanceof` does not). Each maps to
 * an HTTP status in one table, `ERROR_STATUS` below (the gateway's answers, and
 * the portal's "Try it", which shows what the token endpoint would answer).
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

/** The one table that maps a service's error code to an HTTP status. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  [ErrorCodes.invalidRequest]: 400,
  [ErrorCodes.invalidClient]: 401,
  [ErrorCodes.invalidGrant]: 400,
  [ErrorCodes.unauthorizedClient]: 400,
  [ErrorCodes.unsupportedGrantType]: 400,
  [ErrorCodes.validationFailed]: 422,
  [ErrorCodes.unauthenticated]: 401,
  [ErrorCodes.forbidden]: 403,
  [ErrorCodes.notFound]: 404,
  [ErrorCodes.conflict]: 409,
  [ErrorCodes.rateLimited]: 429,
  [ErrorCodes.unavailable]: 503,
  [ErrorCodes.internal]: 500,
};

/** An error code's HTTP status (500 for a code the table does not know). */
export function httpStatusOf(code: string): number {
  return ERROR_STATUS[code as ErrorCode] ?? 500;
}
