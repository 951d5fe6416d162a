import { isActionOf } from './catalogue';
import { CompiledPermissions, lookupPermission } from './compile';
import { Decision, FIXED, roleDecisions } from './decisions';
import { RoleSource } from './reasons';

export type { Decision } from './decisions';

/** Who is calling: a partner (project-wide root) or a user of one entity. */
export type Principal =
  | { kind: 'partner'; projectId: string }
  | { kind: 'entity_user'; projectId: string; entityId: string; entityUserId: string };

/** The role that applies to the user: their own, or the entity's / project's default. */
export interface EffectiveRole {
  source: RoleSource;
  roleId: string | null;
  permissions: CompiledPermissions;
}

export interface EvaluationQuery {
  principal: Principal;
  /** The entity the request targets (null for project-level operations). */
  entityId: string | null;
  /** The project owning that entity, when known. */
  entityProjectId?: string | null;
  objectType: string;
  action: string;
  /** created_by_entity_user_id of the target resource; undefined = no specific resource (create or list). */
  resourceCreatedBy?: string | null;
  effectiveRole: EffectiveRole | null;
  /** Default true. */
  userActive?: boolean;
  /** Default true. */
  entityActive?: boolean;
  /** The operation is reserved to partner tokens (e.g. the /entities collection, project settings). */
  partnerOnly?: boolean;
}

/**
 * Decides one request. Pure, O(1), and allocation-free once a role has been
 * seen: the first rule below that applies decides, and its reason says which.
 */
export function evaluate(q: EvaluationQuery): Decision {
  // 1. Only real (object type, action) pairs of the catalogue can be granted.
  if (!isActionOf(q.objectType, q.action)) return FIXED.unknownAction;

  const p = q.principal;
  const otherProject = q.entityProjectId != null && q.entityProjectId !== p.projectId;

  // 2. A partner is root within its own project.
  if (p.kind === 'partner') return otherProject ? FIXED.otherProject : FIXED.partnerRoot;

  // 3. An entity user: only within their own entity, while active, with a role.
  if (q.partnerOnly === true) return FIXED.partnerOnly;
  if (otherProject) return FIXED.otherProject;
  if (q.entityId != null && q.entityId !== p.entityId) return FIXED.otherEntity;
  if (q.userActive === false) return FIXED.userInactive;
  if (q.entityActive === false) return FIXED.entityInactive;
  const role = q.effectiveRole;
  if (role == null) return FIXED.noRole;

  // 4. The role's permission for the pair.
  const held = lookupPermission(role.permissions, q.objectType, q.action);
  if (held === undefined) return FIXED.notAllowedByDefault;
  const d = roleDecisions(role.permissions, role.source, role.roleId);
  switch (held) {
    case 'allowed':
      return d.allowed;
    case 'allowed_for_own':
      // No specific resource (create, list): allowed, limited to own objects.
      // A resource with another creator, or none recorded (null), is not theirs.
      return q.resourceCreatedBy === undefined || q.resourceCreatedBy === p.entityUserId ? d.own : d.notOwner;
    default:
      return d.notAllowed;
  }
}
