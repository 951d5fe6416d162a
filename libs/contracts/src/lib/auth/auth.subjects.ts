/**
 * NATS subjects of the auth service. Request/reply subjects are served in the
 * `auth` queue group (one instance answers); `events` are broadcasts that every
 * interested instance receives (plain subscriptions, no queue group).
 */
export const AuthSubjects = {
  tokenIssue: 'auth.v1.token.issue',
  /** Several token requests in one message: what one gateway receives in one event-loop turn (docs/TOKENS.md). */
  tokenIssueBatch: 'auth.v1.token.issue_batch',
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
  /** A project (made before partners, or by the CLI) given to a partner. */
  projectAssign: 'auth.v1.admin.project.assign',
  /** Partners (organisations) and their members, for the operator (the portal's first owner). */
  partnersCreate: 'auth.v1.admin.partners.create',
  partnersList: 'auth.v1.admin.partners.list',
  membersCreate: 'auth.v1.admin.members.create',
} as const;

/**
 * The Partner Portal's subjects (apps/portal → auth, queue `auth`): every one but
 * login and the invite ones carries the member's session token, and auth checks
 * session → member → partner → role on each (portal.dto.ts).
 */
export const PortalSubjects = {
  login: 'auth.v1.portal.login',
  totpVerify: 'auth.v1.portal.totp.verify',
  sessionGet: 'auth.v1.portal.session.get',
  logout: 'auth.v1.portal.logout',
  logoutAll: 'auth.v1.portal.logout_all',
  totpEnroll: 'auth.v1.portal.totp.enroll',
  totpConfirm: 'auth.v1.portal.totp.confirm',
  totpDisable: 'auth.v1.portal.totp.disable',
  membersList: 'auth.v1.portal.members.list',
  membersInvite: 'auth.v1.portal.members.invite',
  membersRemove: 'auth.v1.portal.members.remove',
  inviteGet: 'auth.v1.portal.invite.get',
  inviteAccept: 'auth.v1.portal.invite.accept',
  projectsList: 'auth.v1.portal.projects.list',
  projectsCreate: 'auth.v1.portal.projects.create',
  projectsRename: 'auth.v1.portal.projects.rename',
  projectsArchive: 'auth.v1.portal.projects.archive',
  settingsGet: 'auth.v1.portal.settings.get',
  settingsUpdate: 'auth.v1.portal.settings.update',
  credentialsList: 'auth.v1.portal.credentials.list',
  credentialsCreate: 'auth.v1.portal.credentials.create',
  credentialsRoll: 'auth.v1.portal.credentials.roll',
  credentialsRevoke: 'auth.v1.portal.credentials.revoke',
  keysList: 'auth.v1.portal.keys.list',
  keysRotate: 'auth.v1.portal.keys.rotate',
  accessCheck: 'auth.v1.portal.access.check',
  /** "Try it": a pair of the project and its pasted secret, minted as the token endpoint mints (developer, owner). */
  tokenTry: 'auth.v1.portal.token.try',
} as const;

export const AuthEvents = {
  tokenRevoked: 'auth.v1.events.token.revoked',
  credentialsRevoked: 'auth.v1.events.credentials.revoked',
  projectTokensRevoked: 'auth.v1.events.project.tokens_revoked',
  keysRotated: 'auth.v1.events.keys.rotated',
  settingsUpdated: 'auth.v1.events.settings.updated',
  /** A pair changed but still works for now (a roll set its expiry): every auth instance drops its cached copy. */
  credentialsUpdated: 'auth.v1.events.credentials.updated',
} as const;

export const AUTH_QUEUE = 'auth';
