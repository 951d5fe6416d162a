import { CompiledPermissions, permissionOf } from './compile';
import { DEFAULT_PERMISSION, Permission, permissionRank } from './permission';
import { RolePermissionsPayload } from './role-permissions';

/** A permission asked for beyond what the caller holds. */
export interface Escalation {
  object_type: string;
  action_name: string;
  requested: Permission;
  held: Permission;
}

/**
 * Privilege escalation guard for creating/updating roles: returns the first
 * entry (in the payload's order) of `requested` that grants more than
 * `ceiling` (the caller's own permissions) does, or null when none does.
 * A null ceiling holds nothing, so any grant above not_allowed escalates.
 */
export function findEscalation(
  requested: RolePermissionsPayload,
  ceiling: CompiledPermissions | null,
): Escalation | null {
  for (const o of requested.objects ?? []) {
    for (const a of o.actions ?? []) {
      const held = ceiling === null ? DEFAULT_PERMISSION : permissionOf(ceiling, o.object_type, a.action_name);
      if (permissionRank(a.permission) > permissionRank(held)) {
        return { object_type: o.object_type, action_name: a.action_name, requested: a.permission, held };
      }
    }
  }
  return null;
}
