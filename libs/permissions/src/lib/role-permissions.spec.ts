import { RolePermissionsPayload, normalizeRolePermissions } from './role-permissions';

describe('normalizeRolePermissions', () => {
  const input: RolePermissionsPayload = {
    objects: [
      {
        object_type: 'payable',
        actions: [
          { action_name: 'reopen', permission: 'allowed' },
          { action_name: 'read', permission: 'not_allowed' },
          { action_name: 'create_from_mail', permission: 'allowed_for_own' },
          { action_name: 'create', permission: 'allowed' },
        ],
      },
      { object_type: 'workflow' },
      {
        object_type: 'approval_policy',
        actions: [
          { action_name: 'delete', permission: 'not_allowed' },
          { action_name: 'create', permission: 'allowed' },
        ],
      },
      { object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] },
      { object_type: 'entity_vat_ids', actions: [] },
    ],
  };

  it('sorts objects and actions into catalogue order, keeping every entry', () => {
    expect(normalizeRolePermissions(input)).toEqual({
      objects: [
        {
          object_type: 'approval_policy',
          actions: [
            { action_name: 'create', permission: 'allowed' },
            { action_name: 'delete', permission: 'not_allowed' },
          ],
        },
        { object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] },
        { object_type: 'entity_vat_ids', actions: [] },
        {
          object_type: 'payable',
          actions: [
            { action_name: 'create', permission: 'allowed' },
            { action_name: 'create_from_mail', permission: 'allowed_for_own' },
            { action_name: 'read', permission: 'not_allowed' },
            { action_name: 'reopen', permission: 'allowed' },
          ],
        },
        { object_type: 'workflow', actions: [] },
      ],
    });
  });

  it('keeps the same set of (object type, action, permission) entries', () => {
    const flat = (p: RolePermissionsPayload) =>
      (p.objects ?? [])
        .flatMap((o) => (o.actions ?? []).map((a) => `${o.object_type}:${a.action_name}:${a.permission}`))
        .sort();
    expect(flat(normalizeRolePermissions(input))).toEqual(flat(input));
  });

  it('is idempotent', () => {
    const once = normalizeRolePermissions(input);
    expect(normalizeRolePermissions(once)).toEqual(once);
  });

  it('does not mutate or alias its input', () => {
    const before = JSON.stringify(input);
    const out = normalizeRolePermissions(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(out.objects[3].actions[0]).not.toBe(input.objects?.[0].actions?.[3]);
  });

  it('turns a missing objects list into an empty one', () => {
    expect(normalizeRolePermissions({})).toEqual({ objects: [] });
  });
});
