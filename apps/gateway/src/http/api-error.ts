import type { ValidationIssue } from '@gatehouse/permissions';

/** The two error dialects the gateway speaks (see `error-serializer.ts` for their shapes). */
export type Dialect = 'oauth' | 'monite';

/** RFC 6749 §5.2 error codes by status, for an error that names none. */
const OAUTH_CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_client',
  413: 'invalid_request',
  415: 'invalid_request',
  429: 'temporarily_unavailable',
  503: 'temporarily_unavailable',
};

/** The RFC 6749 error code that stands for an HTTP status. */
export function oauthCodeFor(status: number): string {
  return OAUTH_CODE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request');
}

export interface ApiErrorOptions {
  /** The RFC 6749 code (or a service's error code) written in the OAuth dialect; by default the status's. */
  code?: string;
  /** Response headers: Retry-After, WWW-Authenticate, Allow… */
  headers?: Record<string, string>;
  /** Located validation issues: a 422 with `detail` in the Monite dialect. */
  detail?: ValidationIssue[];
  /**
   * Whether `message` is the refusal's own account (true, the default) or a stand-in
   * for a cause that stays inside (false: a 5xx whose reason is logged, never sent).
   */
  expose?: boolean;
  /** The dialect this answer is always written in, whatever the request speaks. */
  dialect?: Dialect;
}

/**
 * A refusal (status < 500) is an answer, not a fault: it carries no stack trace, which
 * V8 would otherwise capture at every `new` (~20 µs a refusal through Nest's deep
 * stacks, a tenth of the gateway's CPU on a flood of bad requests). A 5xx keeps its
 * stack for the error log. `Error.stackTraceLimit` is 0 only while `Error` runs.
 */
let savedStackTraceLimit: number | undefined;
function stacklessBelow500(status: number, message: string): string {
  // Only for a string: Error's constructor runs no code of ours then, so it cannot throw before the limit is put back
  // (a remote service's `msg` might be any JSON value, whose conversion could).
  if (status < 500 && typeof message === 'string') {
    savedStackTraceLimit ??= Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  }
  return message;
}
function restoreStackTraceLimit(): void {
  if (savedStackTraceLimit === undefined) return;
  Error.stackTraceLimit = savedStackTraceLimit;
  savedStackTraceLimit = undefined;
}

/**
 * Every refusal of the gateway, in one type: the status, the code, the message, the
 * optional validation issues and headers. Its wire shape, in the request's dialect,
 * is written in one place: `serializeError` (error-serializer.ts).
 */
export class ApiError extends Error {
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly detail?: ValidationIssue[];
  readonly expose: boolean;
  readonly dialect?: Dialect;

  constructor(
    readonly status: number,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(stacklessBelow500(status, message));
    restoreStackTraceLimit();
    this.code = options.code ?? oauthCodeFor(status);
    this.headers = options.headers ?? {};
    this.detail = options.detail === undefined ? undefined : capped(options.detail);
    this.expose = options.expose ?? true;
    this.dialect = options.dialect;
  }

  /** A refusal with a message (and, in the OAuth dialect, the status's RFC 6749 code). */
  static message(status: number, message: string, headers?: Record<string, string>): ApiError {
    return new ApiError(status, message, { headers });
  }

  /**
   * Located validation issues: 422 `{"detail": [...]}` in the Monite dialect. RFC 6749
   * has no 422: in the OAuth dialect it is a 400 `invalid_request` saying `message`.
   */
  static validation(detail: ValidationIssue[], message = detail[0]?.msg ?? 'Invalid request'): ApiError {
    return new ApiError(422, message, { detail, code: 'invalid_request' });
  }

  /** A refusal with its RFC 6749 code (`invalid_grant`, `unsupported_grant_type`…). */
  static oauth(status: number, code: string, description: string, headers?: Record<string, string>): ApiError {
    return new ApiError(status, description, { code, headers });
  }

  /** A 5xx whose cause stays inside: the client reads `message` only. */
  static hidden(status: number, message: string): ApiError {
    return new ApiError(status, message, { expose: false });
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
