import { DEFAULT_PERMISSION, PERMISSIONS, Permission, isPermission, permissionRank } from './permission';

describe('permissions', () => {
  it('are the three values, weakest first, and frozen', () => {
    expect([...PERMISSIONS]).toEqual(['not_allowed', 'allowed_for_own', 'allowed']);
    expect(Object.isFrozen(PERMISSIONS)).toBe(true);
  });

  it('default to not_allowed', () => {
    expect(DEFAULT_PERMISSION).toBe('not_allowed');
  });

  it('rank not_allowed < allowed_for_own < allowed', () => {
    expect(permissionRank('not_allowed')).toBe(0);
    expect(permissionRank('allowed_for_own')).toBe(1);
    expect(permissionRank('allowed')).toBe(2);
  });

  it('refuse to rank a non-permission', () => {
    expect(() => permissionRank('root' as Permission)).toThrow(RangeError);
  });

  it('are recognised by isPermission', () => {
    for (const p of PERMISSIONS) expect(isPermission(p)).toBe(true);
    for (const v of ['Allowed', 'allowed_for_all', '', null, undefined, 2]) expect(isPermission(v)).toBe(false);
  });
});
