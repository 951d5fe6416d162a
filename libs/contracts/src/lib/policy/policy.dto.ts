import type { EscalationCeiling } from '../identity/access.dto';
import type { RoleView } from '../identity/identity.dto';

/** The caller, from a verified access token. */
export interface PolicyPrincipal {
  kind: 'partner' | 'entity_user';
  project_id: string;
  /** Entity-user tokens: the user and its entity. */
  entity_user_id?: string;
  entity_id?: string;
}

/** policy.v1.check: may this principal do `action` on `object_type` in this entity? */
export interface CheckRequest {
  principal: PolicyPrincipal;
  /** The entity the request targets; null for project-level operations. */
  entity_id: string | null;
  object_type: string;
  action: string;
  /** created_by_entity_user_id of the target resource, when the caller knows it. */
  resource_created_by?: string | null;
  /** Operations only a partner token may perform (the /entities collection, settings). */
  partner_only?: boolean;
  /** An entity user's write to users or roles: answer the escalation ceiling with an allowed decision. */
  with_ceiling?: boolean;
}

export interface CheckResponse {
  allowed: boolean;
  /** `own`: allowed only on records this user created (lists filtered to them). */
  scope: 'all' | 'own' | null;
  /** The rule that decided: partner_root, role:<id>:allowed, entity_default_role:…, user_inactive, … */
  reason: string;
  /** With `with_ceiling`, for an allowed entity user: what the caller holds (identity's escalation guard). */
  ceiling?: EscalationCeiling;
}

/** policy.v1.check_batch: many questions in one message (a UI page asks for dozens). */
export interface CheckBatchRequest {
  checks: CheckRequest[];
}

export interface CheckBatchResponse {
  results: CheckResponse[];
}

/** policy.v1.effective_role: the role that decides for an entity user, and where it comes from. */
export interface EffectiveRoleRequest {
  principal: PolicyPrincipal;
}

export interface EffectiveRoleResponse {
  source: 'role' | 'entity_default' | 'project_default' | 'none';
  role_id: string | null;
  name: string | null;
  permissions: RoleView['permissions'];
  /** The user and entity are active (otherwise nothing is allowed). */
  active: boolean;
}
