import { z } from 'zod';
import { CredentialsRevokedEventSchema, ProjectTokensRevokedEventSchema, revokedAtMs } from './admin.dto';
import { ACCESS_TOKEN_TTL_MAX } from './settings.dto';
import { epochSeconds, text } from '../common/schema-kit';

export const GRANT_TYPES = ['client_credentials', 'entity_user'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** Longest client id or secret auth reads (a real one is far shorter: it is then `invalid_client`). */
export const CLIENT_CREDENTIAL_MAX = 1_024;
/** Longest token a revocation takes (a real one is far shorter: it is then a silent no-op). */
export const REVOKED_TOKEN_MAX = 16_384;

/**
 * auth.v1.token.issue. `grant_type` is any text: an unknown one is OAuth's
 * `unsupported_grant_type`, decided by auth; `entity_user_id` likewise
 * (`invalid_request` when it is not a UUID).
 */
export const TokenIssueRequestSchema = z.strictObject({
  grant_type: text(64),
  client_id: text(CLIENT_CREDENTIAL_MAX),
  client_secret: text(CLIENT_CREDENTIAL_MAX),
  entity_user_id: text(200).nullish(),
});
export type TokenIssueRequest = z.infer<typeof TokenIssueRequestSchema>;

export const TokenIssueResponseSchema = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int().positive() });
export type TokenIssueResponse = z.infer<typeof TokenIssueResponseSchema>;

/** Most token requests one auth.v1.token.issue_batch message carries (a gateway sends more as several). */
export const TOKEN_ISSUE_BATCH_MAX = 256;

/**
 * auth.v1.token.issue_batch: the token requests a gateway received in one event-loop
 * turn, each with its own request id (its logs and audit entry), answered in order.
 * Each is judged alone, exactly as on auth.v1.token.issue: one refused request does
 * not touch the others. An item this schema refuses would refuse the whole batch
 * (`invalid_request`): a sender checks each one first and sends those alone.
 */
export const TokenIssueBatchItemSchema = z.strictObject({ request: TokenIssueRequestSchema, request_id: text(200) });
export type TokenIssueBatchItem = z.infer<typeof TokenIssueBatchItemSchema>;
export const TokenIssueBatchRequestSchema = z.strictObject({
  items: z.array(TokenIssueBatchItemSchema).min(1).max(TOKEN_ISSUE_BATCH_MAX),
});
export type TokenIssueBatchRequest = z.infer<typeof TokenIssueBatchRequestSchema>;

/** The error of one refused item: the body auth.v1.token.issue would have answered with. */
const ItemErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });

/** One result per item, in the items' order: the token, or the refusal. */
export const TokenIssueBatchResponseSchema = z.object({
  results: z.array(z.union([z.object({ response: TokenIssueResponseSchema }), z.object({ err: ItemErrorSchema })])),
});
export type TokenIssueBatchResponse = z.infer<typeof TokenIssueBatchResponseSchema>;

/** auth.v1.token.revoke (RFC 7009 semantics: unknown or foreign tokens are a silent no-op). */
export const TokenRevokeRequestSchema = z.strictObject({
  client_id: text(CLIENT_CREDENTIAL_MAX),
  client_secret: text(CLIENT_CREDENTIAL_MAX),
  token: text(REVOKED_TOKEN_MAX),
});
export type TokenRevokeRequest = z.infer<typeof TokenRevokeRequestSchema>;

/** auth.v1.client.authenticate: a client's credentials, checked like the token endpoint's (`invalid_client` when they fail). */
export const ClientAuthenticateRequestSchema = z.strictObject({
  client_id: text(CLIENT_CREDENTIAL_MAX),
  client_secret: text(CLIENT_CREDENTIAL_MAX),
});
export type ClientAuthenticateRequest = z.infer<typeof ClientAuthenticateRequestSchema>;

/** The project of the authenticated client. */
export const ClientAuthenticateResponseSchema = z.object({ project_id: z.string() });
export type ClientAuthenticateResponse = z.infer<typeof ClientAuthenticateResponseSchema>;

/** A revoked token: its jti, and its expiry (seconds since the epoch: after it the entry can be forgotten). */
export const RevokedTokenSchema = z.object({ jti: z.string(), exp: epochSeconds, revoked_at_ms: revokedAtMs });
export type RevokedToken = z.infer<typeof RevokedTokenSchema>;

/** `revoked` is set when this call revoked a live token of the caller's project. */
export const TokenRevokeResponseSchema = z.object({ revoked: RevokedTokenSchema.nullable() });
export type TokenRevokeResponse = z.infer<typeof TokenRevokeResponseSchema>;

/**
 * auth.v1.revocations.list: everything that refuses a token before it expires —
 * revoked tokens, revoked credential pairs and project-wide cutoffs — that can
 * still matter (some token it refuses may still be live).
 */
export const RevocationsListResponseSchema = z.object({
  tokens: z.array(RevokedTokenSchema),
  clients: z.array(CredentialsRevokedEventSchema),
  projects: z.array(ProjectTokensRevokedEventSchema),
});
export type RevocationsListResponse = z.infer<typeof RevocationsListResponseSchema>;

/** Claims of every access token Gatehouse issues. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  /** The credential pair that minted the token (RFC 9068 §2.2); revoking the pair ends the token. */
  client_id: string;
  project_id: string;
  entity_id?: string;
  grant_type: GrantType;
  jti: string;
  iat: number;
  exp: number;
}

export const PublicJwkSchema = z.object({
  kty: z.string(),
  crv: z.string(),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.string(),
  use: z.literal('sig'),
});
export type PublicJwk = z.infer<typeof PublicJwkSchema>;

export const JwksResponseSchema = z.object({ keys: z.array(PublicJwkSchema) });
export type JwksResponse = z.infer<typeof JwksResponseSchema>;

/** Seconds of clock skew tolerated between the services' clocks when a token's times are checked. */
export const TOKEN_CLOCK_LEEWAY_S = 5;

/**
 * How long after an event (a pair revoked, a project cutoff, a key retired) some
 * token issued before it may still be live: the longest token lifetime, plus five
 * minutes of clock skew.
 */
export const TOKEN_HORIZON_S = ACCESS_TOKEN_TTL_MAX + 300;
