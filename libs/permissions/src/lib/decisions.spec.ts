import { compilePermissions } from './compile';
import { FIXED, roleDecisions } from './decisions';

describe('FIXED decisions', () => {
  it('allow only partner_root, deny the rest with scope null, and are frozen', () => {
    for (const [name, d] of Object.entries(FIXED)) {
      expect(Object.isFrozen(d)).toBe(true);
      if (name === 'partnerRoot') expect(d).toEqual({ allowed: true, scope: 'all', reason: 'partner_root' });
      else expect(d).toMatchObject({ allowed: false, scope: null });
    }
    expect(Object.isFrozen(FIXED)).toBe(true);
  });
});

describe('roleDecisions', () => {
  const permissions = compilePermissions({});

  it('builds the four decisions a role can take', () => {
    expect(roleDecisions(permissions, 'entity_default', 'd1')).toEqual({
      allowed: { allowed: true, scope: 'all', reason: 'entity_default_role:d1:allowed' },
      notAllowed: { allowed: false, scope: null, reason: 'entity_default_role:d1:not_allowed' },
      own: { allowed: true, scope: 'own', reason: 'entity_default_role:d1:allowed_for_own' },
      notOwner: { allowed: false, scope: null, reason: 'entity_default_role:d1:allowed_for_own:not_owner' },
    });
  });

  it('caches them per compiled permissions, source and role id', () => {
    const a = roleDecisions(permissions, 'role', 'r1');
    expect(roleDecisions(permissions, 'role', 'r1')).toBe(a);
    expect(roleDecisions(permissions, 'role', 'r2')).not.toBe(a);
    expect(roleDecisions(permissions, 'entity_default', 'r1')).not.toBe(a);
    expect(roleDecisions(compilePermissions({}), 'role', 'r1')).not.toBe(a);
    expect(roleDecisions(compilePermissions({}), 'role', 'r1')).toEqual(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.own)).toBe(true);
  });
});
