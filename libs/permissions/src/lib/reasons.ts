import { Permission } from './permission';

/** Where the effective role came from (the user's own role, or a default). */
export type RoleSource = 'role' | 'entity_default' | 'project_default';

/** The fixed reason codes of `evaluate` decisions (role-based ones come from `roleReason`). */
export const Reasons = Object.freeze({
  UNKNOWN_ACTION: 'unknown_action',
  PARTNER_ROOT: 'partner_root',
  OTHER_PROJECT: 'other_project',
  PARTNER_ONLY: 'partner_only',
  OTHER_ENTITY: 'other_entity',
  USER_INACTIVE: 'user_inactive',
  ENTITY_INACTIVE: 'entity_inactive',
  NO_ROLE: 'no_role',
  NOT_ALLOWED_BY_DEFAULT: 'not_allowed_by_default',
} as const);

export type ReasonCode = (typeof Reasons)[keyof typeof Reasons];

/** Appended to an `allowed_for_own` reason when the resource belongs to someone else. */
export const NOT_OWNER = 'not_owner';

/**
 * The reason for a decision taken by a role's permission:
 * `role:<roleId>:<permission>`, `entity_default_role:<roleId>:<permission>` or
 * `project_default_role:<permission>`, plus `:not_owner` when an
 * `allowed_for_own` permission meets another user's object. A null role id
 * (only expected for the project default) is written `none`.
 */
export function roleReason(
  source: RoleSource,
  roleId: string | null,
  permission: Permission,
  notOwner = false,
): string {
  const id = roleId ?? 'none';
  const base =
    source === 'role'
      ? `role:${id}:${permission}`
      : source === 'entity_default'
        ? `entity_default_role:${id}:${permission}`
        : `project_default_role:${permission}`;
  return notOwner ? `${base}:${NOT_OWNER}` : base;
}
