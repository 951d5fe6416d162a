import { ErrorCode, ErrorCodes } from '@gatehouse/contracts';

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

export function statusOf(code: string): number {
  return ERROR_STATUS[code as ErrorCode] ?? 500;
}
