import { z } from 'zod';
import {
  ClientGetRequestSchema,
  ClientGetResponseSchema,
  CredentialsCreatedResponseSchema,
  CredentialsCreateRequestSchema,
  CredentialsListRequestSchema,
  CredentialsListResponseSchema,
  CredentialsRevokedEventSchema,
  CredentialsUpdatedEventSchema,
  CredentialsRevokeRequestSchema,
  CredentialViewSchema,
  KeysRotatedEventSchema,
  KeysRotateResponseSchema,
  NoRequestSchema,
  ProjectCreateRequestSchema,
  ProjectListResponseSchema,
  ProjectRevokeTokensRequestSchema,
  ProjectTokensRevokedEventSchema,
  ProjectViewSchema,
} from '../auth/admin.dto';
import { AUTH_QUEUE, AuthEvents, AuthSubjects, PortalSubjects } from '../auth/auth.subjects';
import {
  MemberCreatedSchema,
  MemberCreateRequestSchema,
  PartnerCreateRequestSchema,
  PartnerListResponseSchema,
  PartnerViewSchema,
  PortalAccessSchema,
  PortalCredentialCreatedSchema,
  PortalCredentialRolledSchema,
  PortalCredentialsCreateRequestSchema,
  PortalCredentialsListResponseSchema,
  PortalCredentialsRevokeRequestSchema,
  PortalTokenTryRequestSchema,
  PortalTokenTryResultSchema,
  PortalCredentialsRollRequestSchema,
  PortalCredentialViewSchema,
  PortalInviteAcceptRequestSchema,
  PortalInviteCreatedSchema,
  PortalInviteGetRequestSchema,
  PortalInviteInfoSchema,
  PortalKeysListResponseSchema,
  PortalLoginRequestSchema,
  PortalLogoutResponseSchema,
  PortalMemberRemovedSchema,
  PortalMembersInviteRequestSchema,
  PortalMembersListResponseSchema,
  PortalMembersRemoveRequestSchema,
  PortalProjectCreateRequestSchema,
  PortalProjectRenameRequestSchema,
  PortalProjectRequestSchema,
  PortalProjectsListRequestSchema,
  PortalProjectsListResponseSchema,
  PortalProjectViewSchema,
  PortalSessionIssuedSchema,
  PortalSessionRequestSchema,
  PortalSessionViewSchema,
  PortalSettingsUpdateRequestSchema,
  PortalTotpCodeRequestSchema,
  PortalTotpConfirmResponseSchema,
  PortalTotpDisableResponseSchema,
  PortalTotpEnrollResponseSchema,
  PortalTotpVerifyRequestSchema,
  ProjectAssignRequestSchema,
} from '../auth/portal.dto';
import { ProjectSettingsSchema, SettingsGetRequestSchema, SettingsUpdatedEventSchema, SettingsUpdateRequestSchema } from '../auth/settings.dto';
import {
  JwksResponseSchema,
  RevocationsListResponseSchema,
  ClientAuthenticateRequestSchema,
  ClientAuthenticateResponseSchema,
  RevokedTokenSchema,
  TokenIssueBatchRequestSchema,
  TokenIssueBatchResponseSchema,
  TokenIssueRequestSchema,
  TokenIssueResponseSchema,
  TokenRevokeRequestSchema,
  TokenRevokeResponseSchema,
} from '../auth/token.dto';
import { ByIdRequestSchema, createRequestSchema, listRequestSchema, pageSchema, updateRequestSchema } from '../identity/access.dto';
import {
  CreateEntityBodySchema,
  CreateEntityUserBodySchema,
  CreateRoleBodySchema,
  DeletedResponseSchema,
  EntitySettingsBodySchema,
  EntitySettingsViewSchema,
  EntityUserViewSchema,
  EntityViewSchema,
  IdentityEventSchema,
  RoleViewSchema,
  UpdateEntityBodySchema,
  UpdateEntityUserBodySchema,
  UpdateRoleBodySchema,
} from '../identity/identity.dto';
import {
  EntityUserLookupRequestSchema,
  EntityUserLookupResponseSchema,
  InvalidatedEventSchema,
  PolicyStateRequestSchema,
  PolicyStateResponseSchema,
} from '../identity/identity-state.dto';
import { IDENTITY_INVALIDATED, IDENTITY_QUEUE, IdentityEvents, IdentitySubjects } from '../identity/identity.subjects';
import {
  ENTITY_SORT_FIELDS,
  ENTITY_USER_SORT_FIELDS,
  EntityListFiltersSchema,
  EntityUserListFiltersSchema,
  ROLE_SORT_FIELDS,
  RoleListFiltersSchema,
} from '../identity/list.dto';
import {
  CheckBatchRequestSchema,
  CheckBatchResponseSchema,
  CheckRequestSchema,
  CheckResponseSchema,
  EffectiveRoleRequestSchema,
  EffectiveRoleResponseSchema,
} from '../policy/policy.dto';
import { POLICY_QUEUE, PolicySubjects } from '../policy/policy.subjects';
import { isWellFormedCheckRequest } from '../policy/check-request.guard';
import { AuditBatchSchema, AuditLogsListRequestSchema, AuditLogsPageSchema } from '../audit/audit.dto';
import { AUDIT_QUEUE, AuditEvents, AuditSubjects } from '../audit/audit.subjects';

/** Who is on the bus: each one logs in to NATS as its own user (deploy/nats/nats-server.conf). */
export type NatsParty = 'gateway' | 'auth' | 'identity' | 'policy' | 'audit' | 'cli' | 'portal';
export const NATS_PARTIES: readonly NatsParty[] = ['gateway', 'auth', 'identity', 'policy', 'audit', 'cli', 'portal'];

/**
 * `request`: request/reply, served in a queue group (one instance answers);
 * `broadcast`: core NATS, every subscribed instance hears it;
 * `stream event`: published into a JetStream stream (durable), read by consumers.
 */
export type SubjectKind = 'request' | 'broadcast' | 'stream event';

interface Common {
  subject: string;
  /** Unprefixed: every subject runs under NATS_SUBJECT_PREFIX. */
  /** Who may publish (a request's callers, an event's emitter): the broker's publish allow lists say exactly this. */
  publishers: readonly NatsParty[];
  /** Who may subscribe (a request's server, an event's listeners): the broker's subscribe allow lists say exactly this. */
  subscribers: readonly NatsParty[];
}
export interface RequestContract extends Common {
  kind: 'request';
  queue: string;
  /** The `data` of the request packet. The server refuses anything else with `invalid_request`. */
  request: z.ZodType;
  /**
   * A hot subject's precompiled check: true only for data `request` accepts and
   * returns unchanged, so the server skips the parse; false: the schema decides.
   */
  accepts?: (data: unknown) => boolean;
  /** The `response` of a successful reply. */
  reply: z.ZodType;
}
export interface EventContract extends Common {
  kind: 'broadcast' | 'stream event';
  queue: null;
  /** The body of the event. */
  event: z.ZodType;
}
export type SubjectContract = RequestContract | EventContract;

function request(
  subject: string,
  queue: string,
  publishers: NatsParty[],
  server: NatsParty,
  req: z.ZodType,
  reply: z.ZodType,
  accepts?: (data: unknown) => boolean,
): RequestContract {
  return { subject, kind: 'request', queue, publishers, subscribers: [server], request: req, reply, ...(accepts ? { accepts } : {}) };
}
function event(subject: string, kind: EventContract['kind'], publisher: NatsParty, subscribers: NatsParty[], body: z.ZodType): EventContract {
  return { subject, kind, queue: null, publishers: [publisher], subscribers, event: body };
}

const auth = (subject: string, publishers: NatsParty[], req: z.ZodType, reply: z.ZodType) => request(subject, AUTH_QUEUE, publishers, 'auth', req, reply);
const portal = (subject: string, req: z.ZodType, reply: z.ZodType) => auth(subject, ['portal'], req, reply);
const P = PortalSubjects;
const identity = (subject: string, publishers: NatsParty[], req: z.ZodType, reply: z.ZodType) =>
  request(subject, IDENTITY_QUEUE, publishers, 'identity', req, reply);
const policy = (subject: string, publishers: NatsParty[], req: z.ZodType, reply: z.ZodType, accepts?: (data: unknown) => boolean) =>
  request(subject, POLICY_QUEUE, publishers, 'policy', req, reply, accepts);

const entityListRequest = listRequestSchema(EntityListFiltersSchema, ENTITY_SORT_FIELDS);
const entityUserListRequest = listRequestSchema(EntityUserListFiltersSchema, ENTITY_USER_SORT_FIELDS);
const roleListRequest = listRequestSchema(RoleListFiltersSchema, ROLE_SORT_FIELDS);

/** The request of each identity subject that takes a body or a list query (the others take ByIdRequest). */
export const IdentityRequestSchemas = {
  entityCreate: createRequestSchema(CreateEntityBodySchema),
  entityUpdate: updateRequestSchema(UpdateEntityBodySchema),
  entityList: entityListRequest,
  entitySettingsUpdate: updateRequestSchema(EntitySettingsBodySchema),
  entityUserCreate: createRequestSchema(CreateEntityUserBodySchema),
  entityUserUpdate: updateRequestSchema(UpdateEntityUserBodySchema),
  entityUserList: entityUserListRequest,
  roleCreate: createRequestSchema(CreateRoleBodySchema),
  roleUpdate: updateRequestSchema(UpdateRoleBodySchema),
  roleList: roleListRequest,
} as const;
export type EntityCreateRequest = z.infer<typeof IdentityRequestSchemas.entityCreate>;
export type EntityUpdateRequest = z.infer<typeof IdentityRequestSchemas.entityUpdate>;
export type EntityListRequest = z.infer<typeof IdentityRequestSchemas.entityList>;
export type EntitySettingsUpdateRequest = z.infer<typeof IdentityRequestSchemas.entitySettingsUpdate>;
export type EntityUserCreateRequest = z.infer<typeof IdentityRequestSchemas.entityUserCreate>;
export type EntityUserUpdateRequest = z.infer<typeof IdentityRequestSchemas.entityUserUpdate>;
export type EntityUserListRequest = z.infer<typeof IdentityRequestSchemas.entityUserList>;
export type RoleCreateRequest = z.infer<typeof IdentityRequestSchemas.roleCreate>;
export type RoleUpdateRequest = z.infer<typeof IdentityRequestSchemas.roleUpdate>;
export type RoleListRequest = z.infer<typeof IdentityRequestSchemas.roleList>;

const R = IdentityRequestSchemas;

/**
 * Every NATS subject of the system: its kind, queue group, who publishes and who
 * subscribes, and the schemas of what travels on it. The servers validate every
 * request against it (GatehouseNatsServer); tests check it against the broker's
 * permissions (deploy/nats/nats-server.conf) and the architecture document.
 */
export const SUBJECT_TABLE: readonly SubjectContract[] = [
  auth(AuthSubjects.tokenIssue, ['gateway'], TokenIssueRequestSchema, TokenIssueResponseSchema),
  auth(AuthSubjects.tokenIssueBatch, ['gateway'], TokenIssueBatchRequestSchema, TokenIssueBatchResponseSchema),
  auth(AuthSubjects.tokenRevoke, ['gateway'], TokenRevokeRequestSchema, TokenRevokeResponseSchema),
  auth(AuthSubjects.jwksGet, ['gateway'], NoRequestSchema, JwksResponseSchema),
  auth(AuthSubjects.revocationsList, ['gateway'], NoRequestSchema, RevocationsListResponseSchema),
  auth(AuthSubjects.clientGet, ['gateway'], ClientGetRequestSchema, ClientGetResponseSchema),
  auth(AuthSubjects.clientAuthenticate, ['gateway'], ClientAuthenticateRequestSchema, ClientAuthenticateResponseSchema),
  auth(AuthSubjects.settingsGet, ['gateway', 'policy'], SettingsGetRequestSchema, ProjectSettingsSchema),
  auth(AuthSubjects.settingsUpdate, ['gateway'], SettingsUpdateRequestSchema, ProjectSettingsSchema),
  auth(AuthSubjects.projectCreate, ['cli'], ProjectCreateRequestSchema, ProjectViewSchema),
  auth(AuthSubjects.projectList, ['cli'], NoRequestSchema, ProjectListResponseSchema),
  auth(AuthSubjects.projectRevokeTokens, ['cli'], ProjectRevokeTokensRequestSchema, ProjectTokensRevokedEventSchema),
  auth(AuthSubjects.credentialsCreate, ['cli'], CredentialsCreateRequestSchema, CredentialsCreatedResponseSchema),
  auth(AuthSubjects.credentialsList, ['cli'], CredentialsListRequestSchema, CredentialsListResponseSchema),
  auth(AuthSubjects.credentialsRevoke, ['cli'], CredentialsRevokeRequestSchema, CredentialViewSchema),
  auth(AuthSubjects.keysRotate, ['cli'], NoRequestSchema, KeysRotateResponseSchema),
  auth(AuthSubjects.projectAssign, ['cli'], ProjectAssignRequestSchema, ProjectViewSchema),
  auth(AuthSubjects.partnersCreate, ['cli'], PartnerCreateRequestSchema, PartnerViewSchema),
  auth(AuthSubjects.partnersList, ['cli'], NoRequestSchema, PartnerListResponseSchema),
  auth(AuthSubjects.membersCreate, ['cli'], MemberCreateRequestSchema, MemberCreatedSchema),
  portal(P.login, PortalLoginRequestSchema, PortalSessionIssuedSchema),
  portal(P.totpVerify, PortalTotpVerifyRequestSchema, PortalSessionIssuedSchema),
  portal(P.sessionGet, PortalSessionRequestSchema, PortalSessionViewSchema),
  portal(P.logout, PortalSessionRequestSchema, PortalLogoutResponseSchema),
  portal(P.logoutAll, PortalSessionRequestSchema, PortalLogoutResponseSchema),
  portal(P.totpEnroll, PortalSessionRequestSchema, PortalTotpEnrollResponseSchema),
  portal(P.totpConfirm, PortalTotpCodeRequestSchema, PortalTotpConfirmResponseSchema),
  portal(P.totpDisable, PortalTotpCodeRequestSchema, PortalTotpDisableResponseSchema),
  portal(P.membersList, PortalSessionRequestSchema, PortalMembersListResponseSchema),
  portal(P.membersInvite, PortalMembersInviteRequestSchema, PortalInviteCreatedSchema),
  portal(P.membersRemove, PortalMembersRemoveRequestSchema, PortalMemberRemovedSchema),
  portal(P.inviteGet, PortalInviteGetRequestSchema, PortalInviteInfoSchema),
  portal(P.inviteAccept, PortalInviteAcceptRequestSchema, PortalSessionIssuedSchema),
  portal(P.projectsList, PortalProjectsListRequestSchema, PortalProjectsListResponseSchema),
  portal(P.projectsCreate, PortalProjectCreateRequestSchema, PortalProjectViewSchema),
  portal(P.projectsRename, PortalProjectRenameRequestSchema, PortalProjectViewSchema),
  portal(P.projectsArchive, PortalProjectRequestSchema, PortalProjectViewSchema),
  portal(P.settingsGet, PortalProjectRequestSchema, ProjectSettingsSchema),
  portal(P.settingsUpdate, PortalSettingsUpdateRequestSchema, ProjectSettingsSchema),
  portal(P.credentialsList, PortalProjectRequestSchema, PortalCredentialsListResponseSchema),
  portal(P.credentialsCreate, PortalCredentialsCreateRequestSchema, PortalCredentialCreatedSchema),
  portal(P.credentialsRoll, PortalCredentialsRollRequestSchema, PortalCredentialRolledSchema),
  portal(P.credentialsRevoke, PortalCredentialsRevokeRequestSchema, PortalCredentialViewSchema),
  portal(P.keysList, PortalProjectRequestSchema, PortalKeysListResponseSchema),
  portal(P.keysRotate, PortalProjectRequestSchema, KeysRotateResponseSchema),
  portal(P.accessCheck, PortalProjectRequestSchema, PortalAccessSchema),
  portal(P.tokenTry, PortalTokenTryRequestSchema, PortalTokenTryResultSchema),
  event(AuthEvents.tokenRevoked, 'broadcast', 'auth', ['gateway'], RevokedTokenSchema),
  event(AuthEvents.projectTokensRevoked, 'broadcast', 'auth', ['gateway'], ProjectTokensRevokedEventSchema),
  event(AuthEvents.keysRotated, 'broadcast', 'auth', ['gateway', 'auth'], KeysRotatedEventSchema),
  event(AuthEvents.credentialsRevoked, 'broadcast', 'auth', ['gateway', 'auth'], CredentialsRevokedEventSchema),
  event(AuthEvents.credentialsUpdated, 'broadcast', 'auth', ['auth'], CredentialsUpdatedEventSchema),
  event(AuthEvents.settingsUpdated, 'broadcast', 'auth', ['auth', 'policy', 'gateway'], SettingsUpdatedEventSchema),

  identity(IdentitySubjects.entityCreate, ['gateway'], R.entityCreate, EntityViewSchema),
  identity(IdentitySubjects.entityList, ['gateway', 'portal'], R.entityList, pageSchema(EntityViewSchema)),
  identity(IdentitySubjects.entityGet, ['gateway', 'portal'], ByIdRequestSchema, EntityViewSchema),
  identity(IdentitySubjects.entityUpdate, ['gateway'], R.entityUpdate, EntityViewSchema),
  identity(IdentitySubjects.entityActivate, ['gateway'], ByIdRequestSchema, EntityViewSchema),
  identity(IdentitySubjects.entityDeactivate, ['gateway'], ByIdRequestSchema, EntityViewSchema),
  identity(IdentitySubjects.entitySettingsGet, ['gateway', 'portal'], ByIdRequestSchema, EntitySettingsViewSchema),
  identity(IdentitySubjects.entitySettingsUpdate, ['gateway'], R.entitySettingsUpdate, EntitySettingsViewSchema),
  identity(IdentitySubjects.entityUserCreate, ['gateway'], R.entityUserCreate, EntityUserViewSchema),
  identity(IdentitySubjects.entityUserList, ['gateway', 'portal'], R.entityUserList, pageSchema(EntityUserViewSchema)),
  identity(IdentitySubjects.entityUserGet, ['gateway', 'portal'], ByIdRequestSchema, EntityUserViewSchema),
  identity(IdentitySubjects.entityUserMe, ['gateway'], ByIdRequestSchema, EntityUserViewSchema),
  identity(IdentitySubjects.entityUserUpdate, ['gateway'], R.entityUserUpdate, EntityUserViewSchema),
  identity(IdentitySubjects.entityUserDelete, ['gateway'], ByIdRequestSchema, DeletedResponseSchema),
  identity(IdentitySubjects.roleCreate, ['gateway'], R.roleCreate, RoleViewSchema),
  identity(IdentitySubjects.roleList, ['gateway', 'portal'], R.roleList, pageSchema(RoleViewSchema)),
  identity(IdentitySubjects.roleGet, ['gateway', 'portal'], ByIdRequestSchema, RoleViewSchema),
  identity(IdentitySubjects.roleUpdate, ['gateway'], R.roleUpdate, RoleViewSchema),
  identity(IdentitySubjects.roleDelete, ['gateway'], ByIdRequestSchema, DeletedResponseSchema),
  identity(IdentitySubjects.policyStateGet, ['policy'], PolicyStateRequestSchema, PolicyStateResponseSchema),
  identity(IdentitySubjects.entityUserLookup, ['auth'], EntityUserLookupRequestSchema, EntityUserLookupResponseSchema),
  // identity may read its own namespace in full (events included): an operator reading them with identity's credentials.
  event(IDENTITY_INVALIDATED, 'broadcast', 'identity', ['policy', 'identity'], InvalidatedEventSchema),
  ...Object.values(IdentityEvents).map((subject) => event(subject, 'stream event', 'identity', ['identity'], IdentityEventSchema)),

  policy(PolicySubjects.check, ['gateway'], CheckRequestSchema, CheckResponseSchema, isWellFormedCheckRequest),
  policy(PolicySubjects.checkBatch, [], CheckBatchRequestSchema, CheckBatchResponseSchema),
  policy(PolicySubjects.effectiveRole, ['gateway'], EffectiveRoleRequestSchema, EffectiveRoleResponseSchema),

  request(AuditSubjects.logsList, AUDIT_QUEUE, ['gateway', 'portal'], 'audit', AuditLogsListRequestSchema, AuditLogsPageSchema),
  event(AuditEvents.entity, 'stream event', 'gateway', ['audit'], AuditBatchSchema),
  event(AuditEvents.denial, 'stream event', 'gateway', ['audit'], AuditBatchSchema),
  event(AuditEvents.project, 'stream event', 'auth', ['audit'], AuditBatchSchema),
];

const BY_SUBJECT = new Map(SUBJECT_TABLE.map((c) => [c.subject, c]));

/** The contract of an (unprefixed) subject, or undefined when the table has none. */
export function contractOf(subject: string): SubjectContract | undefined {
  return BY_SUBJECT.get(subject);
}

/** The request contract of a subject; throws when the subject is not a request subject of the table. */
export function requestContract(subject: string): RequestContract {
  const c = BY_SUBJECT.get(subject);
  if (!c || c.kind !== 'request') throw new Error(`no request contract for NATS subject ${subject}`);
  return c;
}
