/** Permission values, weakest first: not_allowed < allowed_for_own < allowed. */
export const PERMISSIONS = Object.freeze(['not_allowed', 'allowed_for_own', 'allowed'] as const);

export type Permission = (typeof PERMISSIONS)[number];

/** What a role holds for an (object type, action) it does not list. */
export const DEFAULT_PERMISSION: Permission = 'not_allowed';

export function isPermission(v: unknown): v is Permission {
  return v === 'not_allowed' || v === 'allowed_for_own' || v === 'allowed';
}

/** 0, 1 or 2, following the order above. Throws on a value that is not a Permission. */
export function permissionRank(p: Permission): number {
  switch (p) {
    case 'not_allowed':
      return 0;
    case 'allowed_for_own':
      return 1;
    case 'allowed':
      return 2;
    default:
      throw new RangeError(`Not a permission: ${String(p)}`);
  }
}
