import { compilePermissions } from './compile';
import { findEscalation } from './escalation';
import { RolePermissionsPayload } from './role-permissions';

const ceiling = compilePermissions({
  objects: [
    {
      object_type: 'payable',
      actions: [
        { action_name: 'read', permission: 'allowed' },
        { action_name: 'pay', permission: 'allowed_for_own' },
        { action_name: 'delete', permission: 'not_allowed' },
      ],
    },
  ],
});

const payables = (...actions: [string, string][]): RolePermissionsPayload =>
  ({
    objects: [{ object_type: 'payable', actions: actions.map(([action_name, permission]) => ({ action_name, permission })) }],
  }) as RolePermissionsPayload;

describe('findEscalation', () => {
  it('accepts exactly what is held', () => {
    expect(findEscalation(payables(['read', 'allowed'], ['pay', 'allowed_for_own'], ['delete', 'not_allowed']), ceiling)).toBeNull();
  });

  it('accepts less than what is held', () => {
    expect(findEscalation(payables(['read', 'allowed_for_own'], ['pay', 'not_allowed']), ceiling)).toBeNull();
  });

  it('never counts a requested not_allowed as escalation', () => {
    expect(findEscalation(payables(['approve', 'not_allowed'], ['delete', 'not_allowed']), ceiling)).toBeNull();
    expect(findEscalation(payables(['approve', 'not_allowed']), null)).toBeNull();
  });

  it('accepts an empty request', () => {
    expect(findEscalation({}, null)).toBeNull();
    expect(findEscalation({ objects: [{ object_type: 'tag' }] }, ceiling)).toBeNull();
  });

  it('finds a permission above the one held', () => {
    expect(findEscalation(payables(['pay', 'allowed']), ceiling)).toEqual({
      object_type: 'payable',
      action_name: 'pay',
      requested: 'allowed',
      held: 'allowed_for_own',
    });
  });

  it('finds a grant on a pair the ceiling does not list, or lists as not_allowed', () => {
    expect(findEscalation(payables(['approve', 'allowed_for_own']), ceiling)).toMatchObject({
      action_name: 'approve',
      held: 'not_allowed',
    });
    expect(findEscalation(payables(['delete', 'allowed_for_own']), ceiling)).toMatchObject({
      action_name: 'delete',
      held: 'not_allowed',
    });
  });

  it('reports the first escalation in the requested order', () => {
    const requested = {
      objects: [
        { object_type: 'payable', actions: [{ action_name: 'read', permission: 'allowed' }] },
        { object_type: 'tag', actions: [{ action_name: 'read', permission: 'allowed_for_own' }] },
        { object_type: 'payable', actions: [{ action_name: 'pay', permission: 'allowed' }] },
      ],
    } as RolePermissionsPayload;
    expect(findEscalation(requested, ceiling)).toEqual({
      object_type: 'tag',
      action_name: 'read',
      requested: 'allowed_for_own',
      held: 'not_allowed',
    });
  });

  it('treats a null ceiling as holding nothing', () => {
    expect(findEscalation(payables(['read', 'not_allowed'], ['read', 'allowed_for_own']), null)).toEqual({
      object_type: 'payable',
      action_name: 'read',
      requested: 'allowed_for_own',
      held: 'not_allowed',
    });
  });
});
