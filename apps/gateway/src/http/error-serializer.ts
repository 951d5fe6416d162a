import { STATUS_CODES } from 'node:http';
import type { ValidationIssue } from '@gatehouse/permissions';
import { ApiError, Dialect } from './api-error';

/** An error answer, ready to send. */
export interface SerializedError {
  status: number;
  headers: Record<string, string>;
  body: MoniteErrorBody | MoniteValidationBody | OAuthErrorBody;
}

export type MoniteErrorBody = { error: { message: string } };
export type MoniteValidationBody = { detail: ValidationIssue[] };
/** RFC 6749 §5.2. */
export type OAuthErrorBody = { error: string; error_description: string };

/**
 * The one place an error gets its wire shape. Two dialects:
 * - Monite: `{"error": {"message"}}`, and 422 `{"detail": [{loc, msg, type}]}` for validation;
 * - OAuth 2.0 (RFC 6749 §5.2): `{"error": code, "error_description"}`, spoken by
 *   form-encoded requests to the token and revocation endpoints (`speaksOAuth`).
 *   RFC 6749 has no 422: a validation failure there is a 400 `invalid_request`.
 * An error that pins a dialect is written in it whatever the request speaks.
 */
export function serializeError(error: ApiError, requestDialect: Dialect): SerializedError {
  const dialect = error.dialect ?? requestDialect;
  if (dialect === 'oauth') {
    const status = error.detail ? 400 : error.status;
    return { status, headers: error.headers, body: { error: error.code, error_description: error.message } };
  }
  if (error.detail) return { status: error.status, headers: error.headers, body: { detail: error.detail } };
  return { status: error.status, headers: error.headers, body: { error: { message: error.message } } };
}

/**
 * A whole HTTP/1.1 response for a socket no HTTP server answers on (a request Node's
 * parser refused, plain HTTP on the TLS port): status line, `contentType`, length,
 * then `headers` in order, `Connection: close` and the body. The connection closes after it.
 */
export function rawHttpResponse(serialized: SerializedError, contentType: string, headers: Array<[string, string]> = []): string {
  const body = JSON.stringify(serialized.body);
  const lines = [
    `HTTP/1.1 ${serialized.status} ${STATUS_CODES[serialized.status]}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...[...headers, ...Object.entries(serialized.headers)].map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
