export interface ProjectCreateRequest {
  name: string;
}

export interface ProjectView {
  project_id: string;
  name: string;
  created_at: string;
}

export interface ProjectListResponse {
  projects: ProjectView[];
}

export interface CredentialsCreateRequest {
  project_id: string;
}

/** The only message that ever carries a client secret in clear: shown once. */
export interface CredentialsCreatedResponse {
  project_id: string;
  client_id: string;
  client_secret: string;
  created_at: string;
}

export interface CredentialsListRequest {
  project_id: string;
}

export interface CredentialView {
  client_id: string;
  project_id: string;
  created_at: string;
  revoked_at: string | null;
}

export interface CredentialsListResponse {
  credentials: CredentialView[];
}

export interface CredentialsRevokeRequest {
  client_id: string;
}

/**
 * auth.v1.events.credentials.revoked: the pair can mint no more, and every token
 * minted with it is refused from now on (gateways), until `until`.
 */
export interface CredentialsRevokedEvent {
  client_id: string;
  /** Seconds since the epoch after which no token of this pair can still be live. */
  until: number;
}

/** auth.v1.admin.project.revoke_tokens */
export interface ProjectRevokeTokensRequest {
  project_id: string;
}

/**
 * auth.v1.events.project.tokens_revoked, and the answer to revoke_tokens: every
 * token of the project issued before `not_before` (its `iat` is smaller) is refused.
 */
export interface ProjectTokensRevokedEvent {
  project_id: string;
  /** Seconds since the epoch. */
  not_before: number;
  /** Seconds since the epoch after which no token issued before `not_before` can still be live. */
  until: number;
}

/** auth.v1.client.get */
export interface ClientGetRequest {
  client_id: string;
}

/** The project of a client id (revoked pairs included: a pair never changes project); null when unknown. */
export interface ClientGetResponse {
  project_id: string | null;
}

export interface KeysRotateResponse {
  kid: string;
  created_at: string;
}

export interface KeysRotatedEvent {
  kid: string;
}
