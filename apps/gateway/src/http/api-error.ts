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
    return new ApiError(422, { detail: capped(detail) });
  }

  static oauth(status: number, error: string, description: string, headers?: Record<string, string>): ApiError {
    return new ApiError(status, { error, error_description: description }, headers);
  }
}

/** Issues listed in one 422; a refusal must not be larger than the request that caused it. */
export const MAX_ISSUES = 20;

/** The first MAX_ISSUES issues, and then one that says how many more there are. */
function capped(detail: ValidationIssue[]): ValidationIssue[] {
  if (detail.length <= MAX_ISSUES) return detail;
  const more = detail.length - MAX_ISSUES;
  const summary = issue(detail[MAX_ISSUES].loc.slice(0, 1), `${more} more issue${more === 1 ? '' : 's'} not listed (only the first ${MAX_ISSUES} are)`, 'too_many_issues');
  return [...detail.slice(0, MAX_ISSUES), summary];
}

export function issue(loc: (string | number)[], msg: string, type: string): ValidationIssue {
  return { loc, msg, type };
}
