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

export interface CredentialsRevokedEvent {
  client_id: string;
}

export interface KeysRotateResponse {
  kid: string;
  created_at: string;
}

export interface KeysRotatedEvent {
  kid: string;
}
