import { moniteRef, TokenRevokeRequest } from '@gatehouse/contracts';
import { ApiError } from '../http/api-error';
import { bodyValidator } from '@gatehouse/platform';
import { ClientCredentials, Dialect, parseBasic, resolveClient } from './client-authentication';
import { singleValued } from './form-body';

export interface ParsedRevokeRequest {
  request: TokenRevokeRequest;
  client: ClientCredentials;
}

/** The reference's RevokeTokenPayload (additionalProperties: false). */
const validateJson = bodyValidator(moniteRef('RevokeTokenPayload'));
const validateJsonWithBasic = bodyValidator({
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string' }, client_id: { type: 'string', format: 'uuid' } },
});

/** RFC 7009 §2.1: `token` is required; `token_type_hint` is only a hint, and ignored. */
export function parseRevokeRequest(body: unknown, authorization: string | undefined, dialect: Dialect): ParsedRevokeRequest {
  const basic = parseBasic(authorization);
  if (dialect === 'monite') {
    const issues = (basic ? validateJsonWithBasic : validateJson)(body ?? null);
    if (issues.length) throw ApiError.validation(issues);
    const b = body as Record<string, unknown>;
    const client = resolveClient(basic, b.client_id, b.client_secret);
    return { client, request: { client_id: client.clientId, client_secret: client.clientSecret, token: b.token as string } };
  }
  const form = singleValued(body);
  if (!form.token) throw ApiError.oauth(400, 'invalid_request', 'token is required');
  const client = resolveClient(basic, form.client_id, form.client_secret);
  return { client, request: { client_id: client.clientId, client_secret: client.clientSecret, token: form.token } };
}
