import { currentPermissions, defaultRoleFromForm, permissionField } from './default-role-form';

describe('the default role form', () => {
  it('builds the role from the set fields, in catalogue order, named when a name is given', () => {
    const role = defaultRoleFromForm({
      [permissionField('role', 'read')]: 'allowed',
      [permissionField('entity_user', 'read')]: 'allowed_for_own',
      [permissionField('entity_user', 'create')]: '',
      [permissionField('not_a_type', 'read')]: 'allowed',
      default_role_name: ' Readers ',
    });
    expect(role).toEqual({
      name: 'Readers',
      permissions: {
        objects: [
          { object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed_for_own' }] },
          { object_type: 'role', actions: [{ action_name: 'read', permission: 'allowed' }] },
        ],
      },
    });
  });

  it('is null when nothing is set', () => {
    expect(defaultRoleFromForm({ default_role_name: 'x' })).toBeNull();
  });

  it('reads a stored role back into fields', () => {
    const fields = currentPermissions({ permissions: { objects: [{ object_type: 'payable', actions: [{ action_name: 'approve', permission: 'allowed' }] }] } });
    expect(fields.get(permissionField('payable', 'approve'))).toBe('allowed');
    expect(currentPermissions(null).size).toBe(0);
  });
});
