import { NOT_OWNER, Reasons, roleReason } from './reasons';

describe('Reasons', () => {
  it('are the documented, stable codes', () => {
    expect(Reasons).toEqual({
      UNKNOWN_ACTION: 'unknown_action',
      PARTNER_ROOT: 'partner_root',
      OTHER_PROJECT: 'other_project',
      PARTNER_ONLY: 'partner_only',
      OTHER_ENTITY: 'other_entity',
      USER_INACTIVE: 'user_inactive',
      ENTITY_INACTIVE: 'entity_inactive',
      NO_ROLE: 'no_role',
      NOT_ALLOWED_BY_DEFAULT: 'not_allowed_by_default',
    });
    expect(Object.isFrozen(Reasons)).toBe(true);
    expect(NOT_OWNER).toBe('not_owner');
  });
});

describe('roleReason', () => {
  it.each([
    ['role', 'r1', 'allowed', false, 'role:r1:allowed'],
    ['role', 'r1', 'allowed_for_own', true, 'role:r1:allowed_for_own:not_owner'],
    ['entity_default', 'd1', 'not_allowed', false, 'entity_default_role:d1:not_allowed'],
    ['entity_default', 'd1', 'allowed_for_own', true, 'entity_default_role:d1:allowed_for_own:not_owner'],
    ['project_default', 'p1', 'allowed', false, 'project_default_role:allowed'],
    ['project_default', null, 'allowed_for_own', true, 'project_default_role:allowed_for_own:not_owner'],
    ['role', null, 'allowed', false, 'role:none:allowed'],
  ] as const)('%s %p %s (not owner: %p) -> %s', (source, roleId, permission, notOwner, expected) => {
    expect(roleReason(source, roleId, permission, notOwner)).toBe(expected);
  });
});
