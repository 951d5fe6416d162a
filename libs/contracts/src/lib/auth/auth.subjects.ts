/**
 * NATS subjects of the auth service. Request/reply subjects are served in the
 * `auth` queue group (one instance answers); `events` are broadcasts that every
 * interested instance receives (plain subscriptions, no queue group).
 */
export const AuthSubjects = {
  tokenIssue: 'auth.v1.token.issue',
  tokenRevoke: 'auth.v1.token.revoke',
  jwksGet: 'auth.v1.jwks.get',
  revocationsList: 'auth.v1.revocations.list',
  settingsGet: 'auth.v1.settings.get',
  settingsUpdate: 'auth.v1.settings.update',
  /** The project a client id belongs to (the gateway checks a token's project_id against it). */
  clientGet: 'auth.v1.client.get',
  /** A client's secret checked, nothing else (token introspection): its project, or `invalid_client`. */
  clientAuthenticate: 'auth.v1.client.authenticate',
  /** Operator subjects, used by the CLI (the Partner Portal's role for now). */
  projectCreate: 'auth.v1.admin.project.create',
  projectList: 'auth.v1.admin.project.list',
  credentialsCreate: 'auth.v1.admin.credentials.create',
  credentialsList: 'auth.v1.admin.credentials.list',
  credentialsRevoke: 'auth.v1.admin.credentials.revoke',
  /** Ends every live token of a project at once. */
  projectRevokeTokens: 'auth.v1.admin.project.revoke_tokens',
  keysRotate: 'auth.v1.admin.keys.rotate',
} as const;

export const AuthEvents = {
  tokenRevoked: 'auth.v1.events.token.revoked',
  credentialsRevoked: 'auth.v1.events.credentials.revoked',
  projectTokensRevoked: 'auth.v1.events.project.tokens_revoked',
  keysRotated: 'auth.v1.events.keys.rotated',
  settingsUpdated: 'auth.v1.events.settings.updated',
} as const;

export const AUTH_QUEUE = 'auth';
