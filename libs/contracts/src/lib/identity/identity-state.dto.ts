/**
 * What the policy service needs to decide for one entity user, in one answer
 * (identity.v1.policy_state.get), and the broadcast identity sends after every
 * committed change that can alter a decision (identity.v1.invalidated), before
 * it answers the caller: a policy instance drops what it held before the
 * caller can make its next request.
 */
export interface PolicyStateRequest {
  project_id: string;
  entity_id: string;
  entity_user_id: string | null;
}

export interface PolicyEntityState {
  id: string;
  project_id: string;
  status: 'active' | 'inactive' | 'deleted';
  default_role_id: string | null;
  /** Version of the entity settings row (the default role). */
  settings_version: number;
  version: number;
}

export interface PolicyUserState {
  id: string;
  entity_id: string;
  status: 'active' | 'deleted';
  role_id: string | null;
  created_by_entity_user_id: string | null;
  version: number;
}

export interface PolicyRoleState {
  id: string;
  entity_id: string;
  name: string;
  status: 'active' | 'deleted';
  permissions: { objects: unknown[] };
  version: number;
}

export interface PolicyStateResponse {
  /** null: no such entity in this project. */
  entity: PolicyEntityState | null;
  /** null: no such user in this entity (or no user asked). */
  user: PolicyUserState | null;
  /** The user's role and the entity's default role, when set. */
  roles: PolicyRoleState[];
}

export interface InvalidatedEvent {
  kind: 'entity' | 'entity_settings' | 'entity_user' | 'role';
  id: string;
  entity_id: string;
  project_id: string;
  /** The record's version after the change. */
  version: number;
}

/** identity.v1.entity_user.lookup: for auth's entity_user grant. */
export interface EntityUserLookupRequest {
  project_id: string;
  entity_user_id: string;
}

export interface EntityUserLookupResponse {
  /** null when there is no such user in this project. */
  user: { id: string; entity_id: string; status: 'active' | 'deleted'; entity_status: 'active' | 'inactive' | 'deleted' } | null;
}
