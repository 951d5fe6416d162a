import * as api from './index';

describe('public API', () => {
  it('exports exactly the documented runtime values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CATALOGUE',
        'DEFAULT_PERMISSION',
        'NOT_OWNER',
        'OBJECT_TYPES',
        'PERMISSIONS',
        'Reasons',
        'compilePermissions',
        'evaluate',
        'findEscalation',
        'isActionOf',
        'isObjectType',
        'isPermission',
        'normalizeRolePermissions',
        'permissionOf',
        'permissionRank',
        'roleReason',
        'validateRolePermissions',
      ].sort(),
    );
  });

  it('works end to end: validate, normalize, compile, evaluate', () => {
    const body: unknown = { objects: [{ object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] }] };
    expect(api.validateRolePermissions(body)).toEqual([]);
    const permissions = api.compilePermissions(api.normalizeRolePermissions(body as api.RolePermissionsPayload));
    const decision = api.evaluate({
      principal: { kind: 'entity_user', projectId: 'p', entityId: 'e', entityUserId: 'u' },
      entityId: 'e',
      objectType: 'entity_user',
      action: 'read',
      effectiveRole: { source: 'role', roleId: 'r', permissions },
    });
    expect(decision).toEqual({ allowed: true, scope: 'all', reason: 'role:r:allowed' });
  });
});
