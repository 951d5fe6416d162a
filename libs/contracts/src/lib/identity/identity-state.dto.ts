import { z } from 'zod';
import { count, uuid } from '../common/schema-kit';

/**
 * What the policy service needs to decide for one entity user, in one answer
 * (identity.v1.policy_state.get), and the broadcast identity sends after every
 * committed change that can alter a decision (identity.v1.invalidated), before
 * it answers the caller: a policy instance drops what it held before the
 * caller can make its next request.
 */
export const PolicyStateRequestSchema = z.strictObject({
  // Policy asks with the ids its callers gave (identity answers "none" for what is not a UUID).
  project_id: z.string().min(1).max(100),
  entity_id: z.string().min(1).max(100),
  entity_user_id: z.string().min(1).max(100).nullable(),
});
export type PolicyStateRequest = z.infer<typeof PolicyStateRequestSchema>;

export const PolicyEntityStateSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  status: z.enum(['active', 'inactive', 'deleted']),
  default_role_id: z.string().nullable(),
  /** Version of the entity settings row (the default role). */
  settings_version: count,
  version: count,
});
export type PolicyEntityState = z.infer<typeof PolicyEntityStateSchema>;

export const PolicyUserStateSchema = z.object({
  id: z.string(),
  entity_id: z.string(),
  status: z.enum(['active', 'deleted']),
  role_id: z.string().nullable(),
  created_by_entity_user_id: z.string().nullable(),
  version: count,
});
export type PolicyUserState = z.infer<typeof PolicyUserStateSchema>;

export const PolicyRoleStateSchema = z.object({
  id: z.string(),
  entity_id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'deleted']),
  permissions: z.object({ objects: z.array(z.unknown()) }),
  version: count,
});
export type PolicyRoleState = z.infer<typeof PolicyRoleStateSchema>;

/** entity null: no such entity in this project; user null: no such user in this entity (or none asked); roles: the user's role and the entity's default role, when set. */
export const PolicyStateResponseSchema = z.object({
  entity: PolicyEntityStateSchema.nullable(),
  user: PolicyUserStateSchema.nullable(),
  roles: z.array(PolicyRoleStateSchema),
});
export type PolicyStateResponse = z.infer<typeof PolicyStateResponseSchema>;

/** identity.v1.invalidated; `version`: the record's version after the change. */
export const InvalidatedEventSchema = z.object({
  kind: z.enum(['entity', 'entity_settings', 'entity_user', 'role']),
  id: z.string(),
  entity_id: z.string(),
  project_id: z.string(),
  version: count,
});
export type InvalidatedEvent = z.infer<typeof InvalidatedEventSchema>;

/** identity.v1.entity_user.lookup: for auth's entity_user grant. */
export const EntityUserLookupRequestSchema = z.strictObject({ project_id: uuid, entity_user_id: uuid });
export type EntityUserLookupRequest = z.infer<typeof EntityUserLookupRequestSchema>;

/** user null when there is no such user in this project. */
export const EntityUserLookupResponseSchema = z.object({
  user: z
    .object({
      id: z.string(),
      entity_id: z.string(),
      status: z.enum(['active', 'deleted']),
      entity_status: z.enum(['active', 'inactive', 'deleted']),
    })
    .nullable(),
});
export type EntityUserLookupResponse = z.infer<typeof EntityUserLookupResponseSchema>;
