import { CompiledPermissions } from './compile';
import { Reasons, RoleSource, roleReason } from './reasons';

/** The outcome of `evaluate`. Decisions are shared, frozen objects: never mutate them. */
export interface Decision {
  readonly allowed: boolean;
  /** 'all': any object of the type; 'own': only those the user created; null when denied. */
  readonly scope: 'all' | 'own' | null;
  readonly reason: string;
}

const decision = (allowed: boolean, scope: Decision['scope'], reason: string): Decision =>
  Object.freeze({ allowed, scope, reason });
const deny = (reason: string): Decision => decision(false, null, reason);

/** Decisions whose reason is fixed, built once so the hot path allocates nothing. */
export const FIXED = Object.freeze({
  partnerRoot: decision(true, 'all', Reasons.PARTNER_ROOT),
  unknownAction: deny(Reasons.UNKNOWN_ACTION),
  otherProject: deny(Reasons.OTHER_PROJECT),
  partnerOnly: deny(Reasons.PARTNER_ONLY),
  otherEntity: deny(Reasons.OTHER_ENTITY),
  userInactive: deny(Reasons.USER_INACTIVE),
  entityInactive: deny(Reasons.ENTITY_INACTIVE),
  noRole: deny(Reasons.NO_ROLE),
  notAllowedByDefault: deny(Reasons.NOT_ALLOWED_BY_DEFAULT),
});

/** The four decisions a role can produce once it lists the (type, action) pair. */
export interface RoleDecisions {
  readonly allowed: Decision;
  readonly notAllowed: Decision;
  readonly own: Decision;
  readonly notOwner: Decision;
}

// Role decisions embed the role's source and id, so they are built on first
// use and cached per compiled permissions (usually a single entry each); the
// WeakMap lets them go when the compiled role is dropped.
const cache = new WeakMap<CompiledPermissions, Map<RoleSource, Map<string | null, RoleDecisions>>>();

export function roleDecisions(
  permissions: CompiledPermissions,
  source: RoleSource,
  roleId: string | null,
): RoleDecisions {
  let bySource = cache.get(permissions);
  if (bySource === undefined) cache.set(permissions, (bySource = new Map()));
  let byId = bySource.get(source);
  if (byId === undefined) bySource.set(source, (byId = new Map()));
  let found = byId.get(roleId);
  if (found === undefined) {
    found = Object.freeze({
      allowed: decision(true, 'all', roleReason(source, roleId, 'allowed')),
      notAllowed: deny(roleReason(source, roleId, 'not_allowed')),
      own: decision(true, 'own', roleReason(source, roleId, 'allowed_for_own')),
      notOwner: deny(roleReason(source, roleId, 'allowed_for_own', true)),
    });
    byId.set(roleId, found);
  }
  return found;
}
