/** NATS subjects of the identity service (request/reply, queue group `identity`). */
export const IdentitySubjects = {
  entityCreate: 'identity.v1.entity.create',
  entityList: 'identity.v1.entity.list',
  entityGet: 'identity.v1.entity.get',
  entityUpdate: 'identity.v1.entity.update',
  entityActivate: 'identity.v1.entity.activate',
  entityDeactivate: 'identity.v1.entity.deactivate',
  entitySettingsGet: 'identity.v1.entity_settings.get',
  entitySettingsUpdate: 'identity.v1.entity_settings.update',
  entityUserCreate: 'identity.v1.entity_user.create',
  entityUserList: 'identity.v1.entity_user.list',
  entityUserGet: 'identity.v1.entity_user.get',
  /** GET /entity_users/me: the caller itself, answered only while it and its entity are active (one message, not a policy question first). */
  entityUserMe: 'identity.v1.entity_user.me',
  entityUserUpdate: 'identity.v1.entity_user.update',
  entityUserDelete: 'identity.v1.entity_user.delete',
  roleCreate: 'identity.v1.role.create',
  roleList: 'identity.v1.role.list',
  roleGet: 'identity.v1.role.get',
  roleUpdate: 'identity.v1.role.update',
  roleDelete: 'identity.v1.role.delete',
  /** For the policy service: entity, user and roles needed to decide, in one answer. */
  policyStateGet: 'identity.v1.policy_state.get',
  /** For auth's entity_user grant. */
  entityUserLookup: 'identity.v1.entity_user.lookup',
} as const;

/** Core NATS broadcast (not JetStream), sent after commit and before the reply: see InvalidatedEvent. */
export const IDENTITY_INVALIDATED = 'identity.v1.invalidated';

export const IDENTITY_QUEUE = 'identity';

/**
 * Change events, past tense, published through the transactional outbox to the
 * JetStream stream IDENTITY_EVENTS_STREAM (subjects `identity.v1.events.>`).
 */
export const IdentityEvents = {
  entityCreated: 'identity.v1.events.entity.created',
  entityUpdated: 'identity.v1.events.entity.updated',
  entityActivated: 'identity.v1.events.entity.activated',
  entityDeactivated: 'identity.v1.events.entity.deactivated',
  entitySettingsUpdated: 'identity.v1.events.entity_settings.updated',
  entityUserCreated: 'identity.v1.events.entity_user.created',
  entityUserUpdated: 'identity.v1.events.entity_user.updated',
  entityUserDeleted: 'identity.v1.events.entity_user.deleted',
  roleCreated: 'identity.v1.events.role.created',
  roleUpdated: 'identity.v1.events.role.updated',
  roleDeleted: 'identity.v1.events.role.deleted',
} as const;

export type IdentityEventSubject = (typeof IdentityEvents)[keyof typeof IdentityEvents];

export const IDENTITY_EVENTS_STREAM = 'IDENTITY_EVENTS';

/** The stream's name under a subject prefix (stream names take no dots): `t1a2b.` → `t1a2b_IDENTITY_EVENTS`. */
export function identityEventsStream(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}${IDENTITY_EVENTS_STREAM}`;
}
export const IDENTITY_EVENTS_WILDCARD = 'identity.v1.events.>';
