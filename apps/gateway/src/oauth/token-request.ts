import { canonicalId, GRANT_TYPES, GrantType, moniteRef, TokenIssueRequest } from '@gatehouse/contracts';
import { ApiError } from '../http/api-error';
import { bodyValidator } from '@gatehouse/platform';
import { ClientCredentials, Dialect, parseBasic, resolveClient } from './client-authentication';
import { singleValued } from './form-body';

export interface ParsedTokenRequest {
  request: TokenIssueRequest;
  client: ClientCredentials;
}

/** The reference's ObtainTokenPayload (additionalProperties: false). */
const validateJson = bodyValidator(moniteRef('ObtainTokenPayload'));
/** The same with client authentication in a Basic header instead. */
const validateJsonWithBasic = bodyValidator({
  type: 'object',
  additionalProperties: false,
  required: ['grant_type'],
  properties: {
    grant_type: moniteRef('GrantType'),
    client_id: { type: 'string', format: 'uuid' },
    entity_user_id: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }] },
  },
});

/**
 * Step 1 of the token endpoint: parse the request in its dialect.
 * JSON (Monite): schema violations, an unknown grant type included, are 422.
 * Form (OAuth 2.0): RFC 6749 errors: missing grant_type → invalid_request,
 * unknown → unsupported_grant_type; unknown parameters are ignored (§3.2).
 */
export function parseTokenRequest(body: unknown, authorization: string | undefined, dialect: Dialect): ParsedTokenRequest {
  const basic = parseBasic(authorization);
  if (dialect === 'monite') {
    const issues = (basic ? validateJsonWithBasic : validateJson)(body ?? null);
    if (issues.length) throw ApiError.validation(issues);
    const b = body as Record<string, unknown>;
    const client = resolveClient(basic, b.client_id, b.client_secret);
    return { client, request: toRequest(b.grant_type as GrantType, client, b.entity_user_id) };
  }
  const form = singleValued(body);
  if (!form.grant_type) throw ApiError.oauth(400, 'invalid_request', 'grant_type is required');
  if (!(GRANT_TYPES as readonly string[]).includes(form.grant_type)) {
    throw ApiError.oauth(400, 'unsupported_grant_type', `Grant type '${form.grant_type.slice(0, 64)}' is not supported`);
  }
  const client = resolveClient(basic, form.client_id, form.client_secret);
  return { client, request: toRequest(form.grant_type as GrantType, client, form.entity_user_id) };
}

function toRequest(grant: GrantType, client: ClientCredentials, entityUserId: unknown): TokenIssueRequest {
  const request: TokenIssueRequest = { grant_type: grant, client_id: client.clientId, client_secret: client.clientSecret };
  // An empty form value is an absent one (RFC 6749 §3.1). A UUID goes on in one spelling (the schema, and a form,
  // also let `urn:uuid:` and upper case through); anything else as sent, for auth to refuse.
  if (typeof entityUserId === 'string' && entityUserId !== '') request.entity_user_id = canonicalId(entityUserId);
  return request;
}
