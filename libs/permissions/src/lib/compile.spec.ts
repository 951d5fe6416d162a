import { CATALOGUE, OBJECT_TYPES } from './catalogue';
import { compilePermissions, lookupPermission, permissionOf } from './compile';
import { PERMISSIONS, Permission } from './permission';

describe('compilePermissions / permissionOf', () => {
  const compiled = compilePermissions({
    objects: [
      {
        object_type: 'payable',
        actions: [
          { action_name: 'read', permission: 'allowed' },
          { action_name: 'pay', permission: 'allowed_for_own' },
          { action_name: 'delete', permission: 'not_allowed' },
        ],
      },
      { object_type: 'tag' },
    ],
  });

  it('returns the listed permission', () => {
    expect(permissionOf(compiled, 'payable', 'read')).toBe('allowed');
    expect(permissionOf(compiled, 'payable', 'pay')).toBe('allowed_for_own');
    expect(permissionOf(compiled, 'payable', 'delete')).toBe('not_allowed');
  });

  it('returns not_allowed for anything not listed', () => {
    expect(permissionOf(compiled, 'payable', 'approve')).toBe('not_allowed');
    expect(permissionOf(compiled, 'tag', 'read')).toBe('not_allowed');
    expect(permissionOf(compiled, 'receivable', 'read')).toBe('not_allowed');
    expect(permissionOf(compiled, 'nope', 'constructor')).toBe('not_allowed');
  });

  it('tells an explicit not_allowed from an absent entry (internal lookup)', () => {
    expect(lookupPermission(compiled, 'payable', 'delete')).toBe('not_allowed');
    expect(lookupPermission(compiled, 'payable', 'approve')).toBeUndefined();
  });

  it('covers the whole catalogue', () => {
    for (const permission of PERMISSIONS) {
      const all = compilePermissions({
        objects: OBJECT_TYPES.map((object_type) => ({
          object_type,
          actions: CATALOGUE[object_type].map((action_name) => ({ action_name, permission })),
        })),
      });
      for (const t of OBJECT_TYPES) for (const a of CATALOGUE[t]) expect(permissionOf(all, t, a)).toBe(permission);
    }
  });

  it('compiles an empty payload to nothing granted', () => {
    expect(permissionOf(compilePermissions({}), 'entity', 'read')).toBe('not_allowed');
  });

  it('is opaque and immutable', () => {
    expect(Object.isFrozen(compiled)).toBe(true);
    expect(Object.keys(compiled)).toEqual([]);
    expect(JSON.stringify(compiled)).toBe('{}');
  });

  it('does not follow later changes to the source payload', () => {
    const action: { action_name: 'read'; permission: Permission } = { action_name: 'read', permission: 'allowed' };
    const c = compilePermissions({ objects: [{ object_type: 'tag', actions: [action] }] });
    action.permission = 'not_allowed';
    expect(permissionOf(c, 'tag', 'read')).toBe('allowed');
  });
});
