import type { CheckRequest, EffectiveRoleResponse, PolicyPrincipal } from '@gatehouse/contracts';
import { Decision, EffectiveRole, evaluate, isActionOf } from '@gatehouse/permissions';
import type { ProjectDefaultRole, RoleEntry, SubjectState } from '../read-model/state';

/** Denial when the targeted entity is not one of the principal's project (or does not exist). */
export const ENTITY_NOT_FOUND: Decision = Object.freeze({ allowed: false, scope: null, reason: 'entity_not_found' });

/** The role that decides for an entity user, and where it comes from. */
export interface ResolvedRole {
  source: EffectiveRoleResponse['source'];
  roleId: string | null;
  name: string | null;
  /** The stored wire payload `{objects}`. */
  permissions: { objects: unknown[] };
  effective: EffectiveRole | null;
}

const NONE: ResolvedRole = Object.freeze({ source: 'none', roleId: null, name: null, permissions: { objects: [] }, effective: null });

/** Whether the user and their entity may act at all (a deleted user, or a user of a deactivated entity, may not). */
export function activity(state: SubjectState, principal: PolicyPrincipal): { userActive: boolean; entityActive: boolean } {
  const { entity, user } = state;
  return {
    userActive: user !== null && user.status === 'active' && user.entity_id === lowerOrNull(principal.entity_id),
    entityActive: entity !== null && entity.status === 'active',
  };
}

/**
 * The user's own role or, failing that, their entity's default role. A role that
 * is deleted, unknown, or of another entity counts as none.
 * `undefined`: neither applies, so the project's default role decides.
 */
export function ownOrEntityRole(state: SubjectState): ResolvedRole | undefined {
  const { entity, user } = state;
  if (entity === null) return undefined;
  const own = usable(state.roles, user?.role_id ?? null, entity.id);
  if (own) return fromRole('role', own);
  const def = usable(state.roles, entity.default_role_id, entity.id);
  if (def) return fromRole('entity_default', def);
  return undefined;
}

/** Precedence: own role > entity default role > project default role > none. */
export function resolveRole(state: SubjectState, projectDefault: ProjectDefaultRole | null): ResolvedRole {
  const r = ownOrEntityRole(state);
  if (r !== undefined) return r;
  if (projectDefault === null) return NONE;
  return {
    source: 'project_default',
    roleId: null,
    name: projectDefault.name,
    permissions: projectDefault.permissions,
    effective: { source: 'project_default', roleId: null, permissions: projectDefault.compiled },
  };
}

/** The decision for a partner; `entityProjectId` is the targeted entity's project (null: not found in the principal's). */
export function decideForPartner(req: CheckRequest, entityProjectId: string | null): Decision {
  if (req.entity_id != null && entityProjectId === null && isActionOf(req.object_type, req.action)) return ENTITY_NOT_FOUND;
  return evaluate({
    principal: { kind: 'partner', projectId: req.principal.project_id },
    entityId: req.entity_id ?? null,
    entityProjectId,
    objectType: req.object_type,
    action: req.action,
    effectiveRole: null,
    partnerOnly: req.partner_only === true,
  });
}

/** The decision for an entity user, from their state and the role that applies. */
export function decideForUser(req: CheckRequest, state: SubjectState, role: ResolvedRole): Decision {
  const p = req.principal;
  const { userActive, entityActive } = activity(state, p);
  const entityId = p.entity_id ?? '';
  return evaluate({
    principal: { kind: 'entity_user', projectId: p.project_id, entityId, entityUserId: p.entity_user_id ?? '' },
    entityId: req.entity_id ?? entityId,
    entityProjectId: state.entity?.project_id,
    objectType: req.object_type,
    action: req.action,
    // undefined = no specific resource (create, list); null = a resource with no recorded creator.
    resourceCreatedBy: req.resource_created_by,
    effectiveRole: role.effective,
    userActive,
    entityActive,
    partnerOnly: req.partner_only === true,
  });
}

function usable(roles: ReadonlyMap<string, RoleEntry>, id: string | null, entityId: string): RoleEntry | undefined {
  if (!id) return undefined;
  const r = roles.get(id);
  return r !== undefined && r.state.status !== 'deleted' && r.state.entity_id === entityId ? r : undefined;
}

// Resolutions are immutable; built once per cached role entry and source (hot path).
const resolved = new WeakMap<RoleEntry, Partial<Record<'role' | 'entity_default', ResolvedRole>>>();

function fromRole(source: 'role' | 'entity_default', r: RoleEntry): ResolvedRole {
  let bySource = resolved.get(r);
  if (bySource === undefined) resolved.set(r, (bySource = {}));
  return (bySource[source] ??= Object.freeze({
    source,
    roleId: r.state.id,
    name: r.state.name ?? null,
    permissions: r.state.permissions,
    effective: { source, roleId: r.state.id, permissions: r.compiled },
  }));
}

function lowerOrNull(id: string | undefined): string | null {
  return typeof id === 'string' ? id.toLowerCase() : null;
}
