import { z } from 'zod';
import { AUDIT_PAGE_SIZE_MAX, AuditLogsPageSchema, auditQueryProperties } from '../audit/audit.dto';
import { ACCESS_TOKEN_TTL_MAX, ACCESS_TOKEN_TTL_MIN, API_RATE_LIMIT_MAX, API_RATE_LIMIT_MIN } from '../auth/settings.dto';
import { API_VERSIONS } from '../http/api-versions';
import { Headers } from '../http/headers';
import { LIST_LIMIT_MAX } from '../identity/access.dto';
import { ENTITY_LIST, ENTITY_USER_LIST, filterSchema, ListQuerySpec, ROLE_LIST } from '../identity/list-query';
import { LIST_LIMIT_DEFAULT, PAGINATION_TOKEN_MAX_LENGTH } from '../identity/list.dto';
import { moniteSchemas } from './monite-schemas';

/** Where the gateway serves the document (public: no token, no version header). */
export const OPENAPI_DOCUMENT_PATH = '/v1/openapi.json';

/** Marks what Gatehouse adds to the reference (an operation, a schema, a parameter). */
export const GATEHOUSE_EXTENSION = 'x-gatehouse-extension';

/** The HTTP methods an operation may have in the document (OpenAPI's path-item keys). */
export const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type OpenApiMethod = (typeof OPENAPI_METHODS)[number];

type Json = Record<string, unknown>;
/** An OpenAPI 3.1 document, loosely typed (it is data: rendered, served, validated). */
export type OpenApiDocument = Json & {
  openapi: string;
  info: Json;
  paths: Record<string, Partial<Record<OpenApiMethod, Json>>>;
  components: Json & { schemas: Record<string, unknown> };
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const X = { [GATEHOUSE_EXTENSION]: true };
const json = (schema: object) => ({ 'application/json': { schema } });

/** A zod schema of ours as the JSON Schema (2020-12, as OpenAPI 3.1 takes it) of what a client sends or reads. */
function fromZod(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

// ---- schemas of our own ---------------------------------------------------------

const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'temporarily_unavailable',
  'server_error',
];

const uuid = { type: 'string', format: 'uuid' };
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });

const EXTENSION_SCHEMAS: Record<string, Json> = {
  OAuthError: {
    description: 'RFC 6749 §5.2: the error shape of a form-encoded (OAuth 2.0 dialect) request to the token, revocation or introspection endpoint.',
    type: 'object',
    required: ['error', 'error_description'],
    properties: { error: { type: 'string', examples: OAUTH_ERROR_CODES }, error_description: { type: 'string' } },
  },
  OAuthTokenForm: {
    description:
      'RFC 6749 §4.4 (and the `entity_user` grant): the token request as a form. The client authenticates with `client_id` and `client_secret` here or with HTTP Basic (`client_secret_basic`); unknown parameters are ignored.',
    type: 'object',
    required: ['grant_type'],
    properties: {
      grant_type: ref('GrantType'),
      client_id: { type: 'string' },
      client_secret: { type: 'string', writeOnly: true },
      entity_user_id: uuid,
    },
  },
  OAuthRevokeForm: {
    description: 'RFC 7009: the revocation request as a form; client authentication as for the token endpoint.',
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string' }, token_type_hint: { type: 'string' }, client_id: { type: 'string' }, client_secret: { type: 'string', writeOnly: true } },
  },
  IntrospectTokenPayload: {
    description: 'The introspection request in the Monite dialect: the revocation payload plus RFC 7662\'s `token_type_hint` (ignored). With HTTP Basic, `client_secret` is left out.',
    type: 'object',
    additionalProperties: false,
    required: ['token'],
    properties: { token: { type: 'string' }, token_type_hint: { type: 'string' }, client_id: uuid, client_secret: { type: 'string', writeOnly: true } },
  },
  OAuthIntrospectForm: {
    description: 'RFC 7662 §2.1: the introspection request as a form; client authentication as for the token endpoint.',
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string' }, token_type_hint: { type: 'string' }, client_id: { type: 'string' }, client_secret: { type: 'string', writeOnly: true } },
  },
  IntrospectionResponse: {
    description:
      'RFC 7662 §2.2. `{"active": false}` and nothing more for a token that is not live or not of the caller\'s project; a live one also carries its claims.',
    type: 'object',
    required: ['active'],
    properties: {
      active: { type: 'boolean' },
      token_type: { type: 'string', const: 'Bearer' },
      client_id: { type: 'string' },
      sub: { type: 'string' },
      iss: { type: 'string' },
      iat: { type: 'integer' },
      exp: { type: 'integer' },
      jti: { type: 'string' },
      project_id: { type: 'string' },
      grant_type: ref('GrantType'),
      entity_id: uuid,
    },
  },
  JwksResponse: {
    description: 'RFC 7517: the public keys that sign access tokens (ES256). A rotated-out key stays until every token it signed has expired.',
    type: 'object',
    required: ['keys'],
    properties: {
      keys: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kty', 'kid'],
          properties: {
            kty: { type: 'string' },
            crv: { type: 'string' },
            x: { type: 'string' },
            y: { type: 'string' },
            kid: { type: 'string' },
            alg: { type: 'string' },
            use: { type: 'string' },
          },
        },
      },
    },
  },
  AuthorizationServerMetadata: {
    description: 'RFC 8414 authorization server metadata.',
    type: 'object',
    required: ['issuer', 'token_endpoint', 'jwks_uri'],
    properties: {
      issuer: { type: 'string', format: 'uri' },
      token_endpoint: { type: 'string', format: 'uri' },
      revocation_endpoint: { type: 'string', format: 'uri' },
      introspection_endpoint: { type: 'string', format: 'uri' },
      jwks_uri: { type: 'string', format: 'uri' },
      grant_types_supported: { type: 'array', items: { type: 'string' } },
      response_types_supported: { type: 'array', items: { type: 'string' } },
      token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
      revocation_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
      introspection_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    },
  },
  ProjectSettingsResponse: {
    description:
      'The project\'s settings: the reference\'s PartnerProjectSettingsPayload, plus `access_token_ttl` (seconds) and `api_rate_limit` (requests per second; the deployment\'s default filled in when the project set none).',
    allOf: [
      ref('PartnerProjectSettingsPayload-Output'),
      {
        type: 'object',
        properties: { access_token_ttl: { type: 'integer' }, api_rate_limit: { type: 'integer' } },
      },
    ],
  },
  ProjectSettingsPatch: {
    description:
      'A settings patch: the reference\'s PartnerProjectSettingsPayload, plus `access_token_ttl` and `api_rate_limit`. Unlike the reference, an unknown field at any level is a 422; `default_role` must be a valid permission set.',
    allOf: [
      ref('PartnerProjectSettingsPayload-Input'),
      {
        type: 'object',
        properties: {
          access_token_ttl: nullable({ type: 'integer', minimum: ACCESS_TOKEN_TTL_MIN, maximum: ACCESS_TOKEN_TTL_MAX }),
          api_rate_limit: nullable({ type: 'integer', minimum: API_RATE_LIMIT_MIN, maximum: API_RATE_LIMIT_MAX }),
        },
      },
    ],
  },
  EntitySettingsResponse: {
    description: 'Gatehouse keeps one entity setting: `default_role_id`, the role of the entity\'s users who have none (not the reference\'s SettingsResponse).',
    type: 'object',
    required: ['default_role_id'],
    properties: { default_role_id: nullable(uuid) },
  },
  EntitySettingsPatch: {
    description: '`default_role_id` (null clears it); anything else is refused (422).',
    type: 'object',
    additionalProperties: false,
    properties: { default_role_id: nullable(uuid) },
  },
  MyRoleResponse: {
    description:
      'The role that decides for the calling entity user, and where it comes from: its own (`role`), its entity\'s default (`entity_default`), the project\'s default (`project_default`) or none (`none`: `id` null, no permissions).',
    type: 'object',
    required: ['id', 'name', 'permissions', 'status', 'source'],
    properties: {
      id: nullable(uuid),
      name: { type: 'string' },
      permissions: ref('BizObjectsSchema-Output'),
      status: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      updated_at: { type: 'string', format: 'date-time' },
      source: { type: 'string', enum: ['role', 'entity_default', 'project_default', 'none'] },
    },
  },
  AuditLogsResponse: {
    description:
      'Monite\'s LogsResponse, newest first, with the project trail\'s `kind` (token.issued, credentials.revoked, …) and `details`.',
    ...fromZod(AuditLogsPageSchema, 'output'),
  },
  HealthResponse: { type: 'object', required: ['status'], properties: { status: { type: 'string', const: 'ok' } } },
  ReadinessResponse: {
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { type: 'string', enum: ['ok', 'unavailable'] },
      checks: { type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } },
    },
  },
  OpenApiDocumentResponse: { description: 'This document (OpenAPI 3.1).', type: 'object', required: ['openapi', 'info', 'paths'] },
};

// ---- parameters and responses -----------------------------------------------------

const PARAMETERS: Record<string, Json> = {
  XMoniteVersion: {
    name: Headers.apiVersion,
    in: 'header',
    required: true,
    description:
      'The API version: a date (YYYY-MM-DD); a later unknown date resolves to the newest version not after it, which the response echoes. Missing → 400; malformed or older than every version → 422.',
    schema: { type: 'string', examples: [API_VERSIONS[0]] },
  },
  XMoniteVersionOptional: {
    name: Headers.apiVersion,
    in: 'header',
    required: false,
    description: 'The API version (recommended, not required on the OAuth endpoints); checked like everywhere else when given.',
    schema: { type: 'string', examples: [API_VERSIONS[0]] },
  },
  XMoniteEntityId: {
    name: Headers.entityId,
    in: 'header',
    required: false,
    description:
      'The entity the request is about: required with a partner token; an entity-user token carries its entity (a different value is refused).',
    schema: uuid,
  },
  XRequestId: {
    name: Headers.requestId,
    in: 'header',
    required: false,
    description: 'A request id (1–128 of `A-Za-z0-9._:-`) carried into every log line and echoed; one is made when absent or invalid.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  },
};

const ERROR = ref('ErrorSchemaResponse');
const VALIDATION = ref('HTTPValidationError');
const EITHER_DIALECT = { oneOf: [ERROR, ref('OAuthError')] };
const RATE_HEADERS = {
  'RateLimit-Limit': { schema: { type: 'integer' }, description: 'The project\'s requests per second.' },
  'RateLimit-Remaining': { schema: { type: 'integer' } },
  'RateLimit-Reset': { schema: { type: 'integer' } },
};

const RESPONSES: Record<string, Json> = {
  BadRequest: { description: 'Malformed request (missing x-monite-version, bad JSON or path encoding, a header given twice).', content: json(ERROR) },
  Unauthorized: {
    description: 'No bearer token, or one that is invalid, expired or revoked.',
    headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
    content: json(ERROR),
  },
  Forbidden: { description: 'The token may not do this (wrong kind of token, role without the permission, inactive entity or user).', content: json(ERROR) },
  NotFound: { description: 'No such record in the caller\'s project (or entity).', content: json(ERROR) },
  Conflict: { description: 'A duplicate, or a write to an inactive entity\'s records.', content: json(ERROR) },
  UnsupportedMediaType: { description: 'A body that is not JSON.', content: json(ERROR) },
  ValidationFailed: { description: 'Invalid header, path, query or body: FastAPI-style issues `{loc, msg, type}`.', content: json(VALIDATION) },
  TooManyRequests: {
    description: 'The project\'s rate limit is spent.',
    headers: { 'Retry-After': { schema: { type: 'integer' } }, ...RATE_HEADERS },
    content: json(ERROR),
  },
  Unavailable: { description: 'A service the request needs does not answer.', content: json(ERROR) },
  OAuthBadRequest: {
    description: 'JSON: malformed request (Monite shape). Form: RFC 6749 `invalid_request`, `invalid_grant`, `unsupported_grant_type`, … (validation failures too).',
    content: json(EITHER_DIALECT),
  },
  OAuthUnauthorized: {
    description: '`invalid_client`: unknown client, wrong secret, revoked or expired pair. With HTTP Basic, a `WWW-Authenticate: Basic` header.',
    headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
    content: json(EITHER_DIALECT),
  },
  OAuthTooManyRequests: {
    description: 'Too many failed client authentications from this client and address (the brake), or the project\'s rate limit.',
    headers: { 'Retry-After': { schema: { type: 'integer' } }, ...RATE_HEADERS },
    content: json(EITHER_DIALECT),
  },
  OAuthUnavailable: { description: 'Auth does not answer, or the revocation list is not current.', content: json(EITHER_DIALECT) },
};

const SECURITY_SCHEMES: Record<string, Json> = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An ES256 access token from `POST /v1/auth/token` (a partner token, or an entity-user token from the `entity_user` grant).',
  },
  clientCredentials: {
    type: 'oauth2',
    description: 'OAuth 2.0 client credentials: the project\'s client id and secret exchanged for a bearer token.',
    flows: { clientCredentials: { tokenUrl: '/v1/auth/token', scopes: {} } },
  },
  clientSecretBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'The token, revocation and introspection endpoints\' client authentication in an Authorization header (`client_secret_basic`) instead of the body.',
  },
};

// ---- operations -----------------------------------------------------------------

type VersionPolicy = 'required' | 'optional' | 'none';

interface Operation {
  summary: string;
  tag: string;
  /** No bearer token. */
  public?: boolean;
  version?: VersionPolicy;
  /** Entity-scoped: the x-monite-entity-id header. */
  entityHeader?: boolean;
  pathParams?: string[];
  query?: Json[];
  /** A JSON body (its schema), or the OAuth endpoints' two dialects. */
  body?: { json: object; form?: object; required?: boolean };
  ok: { status: number; schema?: object; description?: string; headers?: Json };
  /** The error responses beyond the ones every route of its kind has. */
  errors?: string[];
  description?: string;
  extension?: boolean;
  security?: Json[];
}

/**
 * A list's query parameters, from the spec the gateway validates them with: the
 * page's, then every filter (repeated parameters for the `__in` lists).
 */
function listQuery<F>(spec: ListQuerySpec<F>): Json[] {
  const page: Json[] = [
    { name: 'order', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'], default: 'asc' } },
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX, default: LIST_LIMIT_DEFAULT } },
    { name: 'pagination_token', in: 'query', schema: { type: 'string', maxLength: PAGINATION_TOKEN_MAX_LENGTH } },
    { name: 'sort', in: 'query', schema: { type: 'string', enum: [...spec.sort] } },
  ];
  const filters = Object.entries(spec.filters).map(([name, kind]) => {
    const schema = filterSchema(kind as Parameters<typeof filterSchema>[0], 'date-time');
    return { name, in: 'query', schema, ...(schema['type'] === 'array' ? { style: 'form', explode: true } : {}) };
  });
  return [...page, ...filters];
}

/** GET /v1/audit_logs' query, from the schemas the gateway validates it with. */
const AUDIT_QUERY: Json[] = Object.entries(auditQueryProperties('date-time')).map(([name, schema]) => ({
  name,
  in: 'query',
  schema: name === 'page_size' ? { ...schema, default: AUDIT_PAGE_SIZE_MAX } : schema,
  ...(name === 'entity_user_id' ? { description: 'A partner\'s filter; an entity user sees only its own entries whatever it asks.' } : {}),
}));

const OAUTH_ERRORS = ['OAuthBadRequest', 'OAuthUnauthorized', 'OAuthTooManyRequests', 'OAuthUnavailable'];
const OAUTH_SECURITY = [{}, { clientSecretBasic: [] }];
const NO_STORE = { 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } };

const OPERATIONS: Record<string, Partial<Record<OpenApiMethod, Operation>>> = {
  '/v1/auth/token': {
    post: {
      tag: 'Access tokens',
      summary: 'Obtain an access token',
      public: true,
      version: 'optional',
      security: OAUTH_SECURITY,
      description:
        'Two dialects: the Monite JSON payload (errors `{"error":{"message"}}`, 422 for an invalid payload), or an OAuth 2.0 form (RFC 6749 errors). Grants: `client_credentials` (a partner token) and `entity_user` (a token for one entity user).',
      body: { json: ref('ObtainTokenPayload'), form: ref('OAuthTokenForm'), required: true },
      ok: { status: 200, schema: ref('AccessTokenResponse'), headers: NO_STORE },
      errors: [...OAUTH_ERRORS, 'ValidationFailed', 'UnsupportedMediaType'],
    },
  },
  '/v1/auth/revoke': {
    post: {
      tag: 'Access tokens',
      summary: 'Revoke an access token',
      public: true,
      version: 'optional',
      security: OAUTH_SECURITY,
      description: 'RFC 7009 and the Monite payload. A token that is not the caller\'s, or not a token at all, is answered 200 too.',
      body: { json: ref('RevokeTokenPayload'), form: ref('OAuthRevokeForm'), required: true },
      ok: { status: 200, schema: ref('MessageResponse'), headers: NO_STORE },
      errors: [...OAUTH_ERRORS, 'ValidationFailed', 'UnsupportedMediaType'],
    },
  },
  '/v1/auth/introspect': {
    post: {
      tag: 'Access tokens',
      summary: 'Introspect an access token (RFC 7662)',
      extension: true,
      public: true,
      version: 'optional',
      security: OAUTH_SECURITY,
      description: 'Active exactly when a request with the token would be accepted now, and the token is of the caller\'s project.',
      body: { json: ref('IntrospectTokenPayload'), form: ref('OAuthIntrospectForm'), required: true },
      ok: { status: 200, schema: ref('IntrospectionResponse'), headers: NO_STORE },
      errors: [...OAUTH_ERRORS, 'ValidationFailed', 'UnsupportedMediaType'],
    },
  },
  '/v1/auth/jwks': {
    get: { tag: 'Discovery', summary: 'The token signing keys (JWKS)', extension: true, public: true, version: 'none', ok: { status: 200, schema: ref('JwksResponse') } },
  },
  '/.well-known/oauth-authorization-server': {
    get: {
      tag: 'Discovery',
      summary: 'Authorization server metadata (RFC 8414)',
      extension: true,
      public: true,
      version: 'none',
      ok: { status: 200, schema: ref('AuthorizationServerMetadata') },
    },
  },
  [OPENAPI_DOCUMENT_PATH]: {
    get: { tag: 'Discovery', summary: 'This OpenAPI document', extension: true, public: true, version: 'none', ok: { status: 200, schema: ref('OpenApiDocumentResponse') } },
  },
  '/health': {
    get: { tag: 'Health', summary: 'Liveness', extension: true, public: true, version: 'none', ok: { status: 200, schema: ref('HealthResponse') } },
  },
  '/health/ready': {
    get: {
      tag: 'Health',
      summary: 'Readiness: NATS, the signing keys and a current revocation list',
      extension: true,
      public: true,
      version: 'none',
      ok: { status: 200, schema: ref('ReadinessResponse') },
      errors: ['NotReady'],
    },
  },
  '/v1/settings': {
    get: { tag: 'Project settings', summary: 'The project\'s settings (partner tokens)', ok: { status: 200, schema: ref('ProjectSettingsResponse') } },
    patch: {
      tag: 'Project settings',
      summary: 'Change the project\'s settings (partner tokens)',
      body: { json: ref('ProjectSettingsPatch'), required: true },
      ok: { status: 200, schema: ref('ProjectSettingsResponse') },
    },
  },
  '/v1/entities': {
    post: { tag: 'Entities', summary: 'Create an entity (partner tokens)', body: { json: ref('CreateEntityRequest'), required: true }, ok: { status: 201, schema: ref('EntityResponse') }, errors: ['Conflict'] },
    get: {
      tag: 'Entities',
      summary: 'List entities (partner tokens)',
      query: listQuery(ENTITY_LIST),
      ok: { status: 200, schema: ref('EntityPaginationResponse') },
    },
  },
  '/v1/entities/{entity_id}': {
    get: { tag: 'Entities', summary: 'Get an entity', pathParams: ['entity_id'], ok: { status: 200, schema: ref('EntityResponse') } },
    patch: { tag: 'Entities', summary: 'Update an entity', pathParams: ['entity_id'], body: { json: ref('UpdateEntityRequest'), required: true }, ok: { status: 200, schema: ref('EntityResponse') } },
  },
  '/v1/entities/{entity_id}/activate': {
    post: { tag: 'Entities', summary: 'Activate an entity', pathParams: ['entity_id'], ok: { status: 200, schema: ref('EntityResponse') } },
  },
  '/v1/entities/{entity_id}/deactivate': {
    post: { tag: 'Entities', summary: 'Deactivate an entity', pathParams: ['entity_id'], ok: { status: 200, schema: ref('EntityResponse') } },
  },
  '/v1/entities/{entity_id}/settings': {
    get: {
      tag: 'Entities',
      summary: 'The entity\'s settings (its default role)',
      extension: true,
      description: 'The reference\'s path with Gatehouse\'s own settings: the default role of the entity\'s users.',
      pathParams: ['entity_id'],
      ok: { status: 200, schema: ref('EntitySettingsResponse') },
    },
    patch: {
      tag: 'Entities',
      summary: 'Set the entity\'s default role',
      extension: true,
      pathParams: ['entity_id'],
      body: { json: ref('EntitySettingsPatch'), required: true },
      ok: { status: 200, schema: ref('EntitySettingsResponse') },
    },
  },
  '/v1/entity_users': {
    post: {
      tag: 'Entity users',
      summary: 'Create an entity user',
      entityHeader: true,
      body: { json: ref('CreateEntityUserRequest'), required: true },
      ok: { status: 200, schema: ref('EntityUserResponse') },
      errors: ['Conflict'],
    },
    get: {
      tag: 'Entity users',
      summary: 'List entity users',
      entityHeader: true,
      query: listQuery(ENTITY_USER_LIST),
      ok: { status: 200, schema: ref('EntityUserPaginationResponse') },
    },
  },
  '/v1/entity_users/me': {
    get: { tag: 'Entity users', summary: 'The calling entity user (entity-user tokens)', entityHeader: true, ok: { status: 200, schema: ref('EntityUserResponse') } },
    patch: {
      tag: 'Entity users',
      summary: 'Update the calling entity user',
      entityHeader: true,
      body: { json: ref('UpdateMeEntityUserRequest'), required: true },
      ok: { status: 200, schema: ref('EntityUserResponse') },
    },
  },
  '/v1/entity_users/my_role': {
    get: {
      tag: 'Entity users',
      summary: 'The calling entity user\'s effective role and its source',
      extension: true,
      entityHeader: true,
      description: 'The reference answers the user\'s own role; Gatehouse answers the role that decides (own, entity default, project default) and says which.',
      ok: { status: 200, schema: ref('MyRoleResponse') },
    },
  },
  '/v1/entity_users/my_entity': {
    get: { tag: 'Entity users', summary: 'The calling entity user\'s entity', entityHeader: true, ok: { status: 200, schema: ref('EntityResponse') } },
    patch: {
      tag: 'Entity users',
      summary: 'Update the calling entity user\'s entity',
      entityHeader: true,
      body: { json: ref('UpdateEntityRequest'), required: true },
      ok: { status: 200, schema: ref('EntityResponse') },
    },
  },
  '/v1/entity_users/{entity_user_id}': {
    get: { tag: 'Entity users', summary: 'Get an entity user', entityHeader: true, pathParams: ['entity_user_id'], ok: { status: 200, schema: ref('EntityUserResponse') } },
    patch: {
      tag: 'Entity users',
      summary: 'Update an entity user',
      entityHeader: true,
      pathParams: ['entity_user_id'],
      body: { json: ref('UpdateEntityUserRequest'), required: true },
      ok: { status: 200, schema: ref('EntityUserResponse') },
      errors: ['Conflict'],
    },
    delete: { tag: 'Entity users', summary: 'Delete an entity user', entityHeader: true, pathParams: ['entity_user_id'], ok: { status: 204, description: 'Deleted.' }, errors: ['Conflict'] },
  },
  '/v1/roles': {
    post: { tag: 'Roles', summary: 'Create a role', entityHeader: true, body: { json: ref('CreateRoleRequest'), required: true }, ok: { status: 200, schema: ref('RoleResponse') }, errors: ['Conflict'] },
    get: {
      tag: 'Roles',
      summary: 'List roles',
      entityHeader: true,
      query: listQuery(ROLE_LIST),
      ok: { status: 200, schema: ref('RolePaginationResponse') },
    },
  },
  '/v1/roles/{role_id}': {
    get: { tag: 'Roles', summary: 'Get a role', entityHeader: true, pathParams: ['role_id'], ok: { status: 200, schema: ref('RoleResponse') } },
    patch: {
      tag: 'Roles',
      summary: 'Update a role',
      entityHeader: true,
      pathParams: ['role_id'],
      body: { json: ref('UpdateRoleRequest'), required: true },
      ok: { status: 200, schema: ref('RoleResponse') },
      errors: ['Conflict'],
    },
    delete: { tag: 'Roles', summary: 'Delete a role', entityHeader: true, pathParams: ['role_id'], ok: { status: 204, description: 'Deleted.' }, errors: ['Conflict'] },
  },
  '/v1/audit_logs': {
    get: {
      tag: 'Audit logs',
      summary: 'The audit trail: an entity\'s, or the project\'s',
      extension: true,
      entityHeader: true,
      description:
        'With `x-monite-entity-id` (or an entity-user token): the entity\'s trail, as Monite answers it (an entity user sees only what it triggered). A partner token without the header: the project trail (Gatehouse\'s extension): tokens, credentials, keys, settings, RBAC denials.',
      query: AUDIT_QUERY,
      ok: { status: 200, schema: ref('AuditLogsResponse') },
    },
  },
};

/** Where Gatehouse answers the reference's EntityUserResponse differently on purpose (docs/IDENTITY.md, "Our extensions"). */
const ROLE_ID_NOTE =
  'Gatehouse\'s difference: `role_id` is null for a user without a role of its own (it falls back to its entity\'s or the project\'s default role; GET /v1/entity_users/my_role says which).';

const refName = (schema: object | undefined): string | undefined => /^#\/components\/schemas\/(.+)$/.exec((schema as { $ref?: string } | undefined)?.$ref ?? '')?.[1];

function operation(path: string, method: OpenApiMethod, op: Operation): Json {
  const params: Json[] = [];
  for (const name of op.pathParams ?? []) {
    params.push({ name, in: 'path', required: true, schema: { ...uuid, maxLength: 200 } });
  }
  if (op.version === undefined || op.version === 'required') params.push({ $ref: '#/components/parameters/XMoniteVersion' });
  if (op.version === 'optional') params.push({ $ref: '#/components/parameters/XMoniteVersionOptional' });
  if (op.entityHeader) params.push({ $ref: '#/components/parameters/XMoniteEntityId' });
  params.push({ $ref: '#/components/parameters/XRequestId' }, ...(op.query ?? []));

  const responses: Json = {};
  const ok = op.ok;
  // Every answer carries the request id; one behind a token, the resolved version and the project's rate-limit state too.
  const headers: Json = {
    [Headers.requestId]: { schema: { type: 'string' }, description: 'The request\'s id (the one given, or one made).' },
    ...(op.version === undefined || op.version === 'required'
      ? { [Headers.apiVersion]: { schema: { type: 'string' }, description: 'The API version the request was answered in.' } }
      : {}),
    ...(op.public ? {} : RATE_HEADERS),
    ...ok.headers,
  };
  const userNote = refName(ok.schema) === 'EntityUserResponse' || refName(ok.schema) === 'EntityUserPaginationResponse' ? ` ${ROLE_ID_NOTE}` : '';
  responses[String(ok.status)] = {
    description: (ok.description ?? 'OK') + userNote,
    headers,
    ...(ok.schema ? { content: json(ok.schema) } : {}),
  };
  const errors = new Set<string>(op.public ? [] : ['BadRequest', 'Unauthorized', 'Forbidden', 'ValidationFailed', 'TooManyRequests', 'Unavailable']);
  if (!op.public && (op.pathParams?.length || op.entityHeader)) errors.add('NotFound');
  if (op.body && !op.public) errors.add('UnsupportedMediaType');
  for (const e of op.errors ?? []) errors.add(e);
  const STATUS: Record<string, number> = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    UnsupportedMediaType: 415,
    ValidationFailed: 422,
    TooManyRequests: 429,
    Unavailable: 503,
    OAuthBadRequest: 400,
    OAuthUnauthorized: 401,
    OAuthTooManyRequests: 429,
    OAuthUnavailable: 503,
  };
  for (const e of errors) {
    if (e === 'NotReady') {
      responses['503'] = { description: 'Not ready: a check is down.', content: json(ref('ReadinessResponse')) };
      continue;
    }
    responses[String(STATUS[e])] = { $ref: `#/components/responses/${e}` };
  }

  const out: Json = {
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    parameters: params,
    responses,
    ...(op.extension ? X : {}),
  };
  if (op.security) out['security'] = op.security;
  else if (op.public) out['security'] = [];
  if (op.body) {
    out['requestBody'] = {
      required: op.body.required ?? true,
      content: { 'application/json': { schema: op.body.json }, ...(op.body.form ? { 'application/x-www-form-urlencoded': { schema: op.body.form } } : {}) },
    };
  }
  return out;
}

export interface OpenApiOptions {
  /** The public URL the gateway is reached at (its issuer); relative URLs when left out. */
  serverUrl?: string;
}

/**
 * The OpenAPI 3.1 document of the gateway's public HTTP API: every route it serves
 * (the e2e suite holds this to the gateway's route table), the reference's component
 * schemas as they are (where a route is the reference's, its schemas are the
 * reference's), and Gatehouse's additions marked `x-gatehouse-extension: true`.
 * Pure data: the gateway serves it, the portal renders it.
 */
export function buildOpenApiDocument(opts: OpenApiOptions = {}): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods) as Array<[OpenApiMethod, Operation]>) paths[path][method] = operation(path, method, op);
  }
  const extensions = Object.fromEntries(Object.entries(EXTENSION_SCHEMAS).map(([name, schema]) => [name, { ...schema, ...X }]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse API',
      version: API_VERSIONS[0],
      description:
        'Gatehouse\'s HTTP API: the auth, entity, entity-user, role, settings and audit-log part of the Monite Partner API ' +
        `(reference schemas: Monite GmbH, MIT licence), and Gatehouse's extensions (\`${GATEHOUSE_EXTENSION}: true\`). ` +
        'Every GET also answers HEAD. Other methods on a known path answer 405 with an Allow header. ' +
        'Errors: `{"error": {"message"}}`, or 422 `{"detail": [{loc, msg, type}]}`; a form request to the OAuth endpoints gets RFC 6749 errors.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl.replace(/\/$/, '') }] } : {}),
    security: [{ bearerAuth: [] }, { clientCredentials: [] }],
    tags: ['Access tokens', 'Discovery', 'Project settings', 'Entities', 'Entity users', 'Roles', 'Audit logs', 'Health'].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...structuredClone(moniteSchemas.components.schemas), ...extensions },
      parameters: PARAMETERS,
      responses: RESPONSES,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
