// @gatehouse/permissions: the permission catalogue, role payload validation,
// and the pure authorization decision. Plain TypeScript, no dependencies.

export { CATALOGUE, OBJECT_TYPES, isActionOf, isObjectType } from './lib/catalogue';
export type { Action, ActionOf, ObjectType } from './lib/catalogue';

export { DEFAULT_PERMISSION, PERMISSIONS, isPermission, permissionRank } from './lib/permission';
export type { Permission } from './lib/permission';

export { normalizeRolePermissions } from './lib/role-permissions';
export type {
  ActionPermission,
  NormalizedRolePermissions,
  ObjectPermissions,
  RolePermissionsPayload,
} from './lib/role-permissions';

export { validateRolePermissions } from './lib/validate-role-permissions';
export type { ValidationIssue } from './lib/validate-role-permissions';

export { compilePermissions, permissionOf } from './lib/compile';
export type { CompiledPermissions } from './lib/compile';

export { NOT_OWNER, Reasons, roleReason } from './lib/reasons';
export type { ReasonCode, RoleSource } from './lib/reasons';

export { evaluate } from './lib/evaluate';
export type { Decision, EffectiveRole, EvaluationQuery, Principal } from './lib/evaluate';

export { findEscalation } from './lib/escalation';
export type { Escalation } from './lib/escalation';
