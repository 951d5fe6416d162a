import type { CredentialsRevokedEvent, ProjectTokensRevokedEvent } from './admin.dto';
import { ACCESS_TOKEN_TTL_MAX } from './settings.dto';

export const GRANT_TYPES = ['client_credentials', 'entity_user'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** auth.v1.token.issue */
export interface TokenIssueRequest {
  grant_type: GrantType;
  client_id: string;
  client_secret: string;
  entity_user_id?: string | null;
}

export interface TokenIssueResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** auth.v1.token.revoke (RFC 7009 semantics: unknown or foreign tokens are a silent no-op). */
export interface TokenRevokeRequest {
  client_id: string;
  client_secret: string;
  token: string;
}

export interface TokenRevokeResponse {
  /** Set when this call revoked a live token of the caller's project. */
  revoked: RevokedToken | null;
}

export interface RevokedToken {
  jti: string;
  /** Expiry of the token, seconds since the epoch: after it the entry can be forgotten. */
  exp: number;
}

/**
 * auth.v1.revocations.list: everything that refuses a token before it expires —
 * revoked tokens, revoked credential pairs and project-wide cutoffs — that can
 * still matter (some token it refuses may still be live).
 */
export interface RevocationsListResponse {
  tokens: RevokedToken[];
  clients: CredentialsRevokedEvent[];
  projects: ProjectTokensRevokedEvent[];
}

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

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: 'sig';
}

export interface JwksResponse {
  keys: PublicJwk[];
}

/** Seconds of clock skew tolerated between the services' clocks when a token's times are checked. */
export const TOKEN_CLOCK_LEEWAY_S = 5;

/**
 * How long after an event (a pair revoked, a project cutoff, a key retired) some
 * token issued before it may still be live: the longest token lifetime, plus five
 * minutes of clock skew.
 */
export const TOKEN_HORIZON_S = ACCESS_TOKEN_TTL_MAX + 300;
