import { ApiError } from '../http/api-error';
import { bodyValidator } from '@gatehouse/platform';
import { ClientCredentials, Dialect, parseBasic, resolveClient } from './client-authentication';
import { singleValued } from './form-body';

export interface ParsedIntrospectRequest {
  token: string;
  client: ClientCredentials;
}

/**
 * The JSON dialect: revocation's payload (the reference has no introspection) plus
 * RFC 7662's optional `token_type_hint`; client_id and client_secret in the body,
 * or HTTP Basic.
 */
const TOKEN_FIELDS = { token: { type: 'string' }, token_type_hint: { type: 'string' } };
const validateJson = bodyValidator({
  type: 'object',
  additionalProperties: false,
  required: ['token', 'client_id', 'client_secret'],
  properties: { ...TOKEN_FIELDS, client_id: { type: 'string', format: 'uuid' }, client_secret: { type: 'string' } },
});
const validateJsonWithBasic = bodyValidator({
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { ...TOKEN_FIELDS, client_id: { type: 'string', format: 'uuid' } },
});

/** RFC 7662 §2.1: `token` is required; `token_type_hint` is only a hint (there is one kind of token), and ignored. */
export function parseIntrospectRequest(body: unknown, authorization: string | undefined, dialect: Dialect): ParsedIntrospectRequest {
  const basic = parseBasic(authorization);
  if (dialect === 'monite') {
    const issues = (basic ? validateJsonWithBasic : validateJson)(body ?? null);
    if (issues.length) throw ApiError.validation(issues);
    const b = body as Record<string, unknown>;
    return { client: resolveClient(basic, b.client_id, b.client_secret), token: b.token as string };
  }
  const form = singleValued(body);
  if (!form.token) throw ApiError.oauth(400, 'invalid_request', 'token is required');
  return { client: resolveClient(basic, form.client_id, form.client_secret), token: form.token };
}
