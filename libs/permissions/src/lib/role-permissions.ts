import { Action, ObjectType, actionOrder, objectTypeOrder } from './catalogue';
import { Permission } from './permission';

/**
 * The role permissions payload, as on the wire in the Monite API:
 * `{"objects": [{"object_type": "entity_user", "actions": [{"action_name": "read", "permission": "allowed"}]}]}`.
 * This is the VALID shape: check unknown input with `validateRolePermissions` first.
 */
export interface ActionPermission {
  readonly action_name: Action;
  readonly permission: Permission;
}

export interface ObjectPermissions {
  readonly object_type: ObjectType;
  readonly actions?: readonly ActionPermission[];
}

export interface RolePermissionsPayload {
  readonly objects?: readonly ObjectPermissions[];
}

/** The canonical form: every list present, in catalogue order. */
export interface NormalizedRolePermissions extends RolePermissionsPayload {
  readonly objects: readonly (ObjectPermissions & { readonly actions: readonly ActionPermission[] })[];
}

/**
 * Canonical form for storage and responses: objects sorted by catalogue order,
 * actions by their type's catalogue order, missing lists made empty. Every
 * given entry is kept (explicit not_allowed included); the input is not mutated.
 */
export function normalizeRolePermissions(p: RolePermissionsPayload): NormalizedRolePermissions {
  const objects = [...(p.objects ?? [])]
    .sort((a, b) => objectTypeOrder(a.object_type) - objectTypeOrder(b.object_type))
    .map((o) => ({
      object_type: o.object_type,
      actions: [...(o.actions ?? [])]
        .sort((a, b) => actionOrder(o.object_type, a.action_name) - actionOrder(o.object_type, b.action_name))
        .map((a) => ({ action_name: a.action_name, permission: a.permission })),
    }));
  return { objects };
}
