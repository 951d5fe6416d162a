import type { ValidationIssue } from '@gatehouse/permissions';

/**
 * An error answer, already in its wire shape. Two dialects:
 * - Monite: `{"error": {"message"}}`, and 422 `{"detail": [{loc, msg, type}]}` for validation;
 * - OAuth 2.0 (RFC 6749 §5.2): `{"error": code, "error_description"}`, for form-encoded
 *   requests to the token and revocation endpoints.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'error' in body ? JSON.stringify((body as any).error) : `HTTP ${status}`);
  }

  static message(status: number, message: string, headers?: Record<string, string>): ApiError {
    return new ApiError(status, { error: { message } }, headers);
  }

  static validation(detail: ValidationIssue[]): ApiError {
    return new ApiError(422, { detail });
  }

  static oauth(status: number, error: string, description: string, headers?: Record<string, string>): ApiError {
    return new ApiError(status, { error, error_description: description }, headers);
  }
}

export function issue(loc: (string | number)[], msg: string, type: string): ValidationIssue {
  return { loc, msg, type };
}
