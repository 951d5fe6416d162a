/**
 * Actions an object type does NOT have (e.g. entity:create, comment:delete,
 * payment_record:update, payable:foo): evaluate denies them as unknown_action
 * for everyone, and validation rejects them at the action_name's location.
 * Generated from the catalogue: for each type, every action some other type has.
 */
import { CATALOGUE, OBJECT_TYPES } from './catalogue';
import { compilePermissions } from './compile';
import { evaluate } from './evaluate';
import { RolePermissionsPayload } from './role-permissions';
import { validateRolePermissions } from './validate-role-permissions';

const ALL_ACTIONS = [...new Set(OBJECT_TYPES.flatMap((t) => [...CATALOGUE[t]]))];
const missingActions = (t: (typeof OBJECT_TYPES)[number]) => [
  ...ALL_ACTIONS.filter((a) => !(CATALOGUE[t] as readonly string[]).includes(a)),
  'foo',
  '',
];

it('the specification examples are among the generated cases', () => {
  expect(missingActions('entity')).toEqual(expect.arrayContaining(['create', 'delete']));
  expect(missingActions('comment')).toContain('delete');
  expect(missingActions('payment_record')).toContain('update');
  expect(missingActions('receivable')).toEqual(expect.arrayContaining(['pay', 'approve', 'cancel']));
  expect(missingActions('payable')).toEqual(['foo', '']);
});

describe.each(OBJECT_TYPES)('actions that %s does not have', (t) => {
  test.each(missingActions(t))(`${t}:%p is unknown_action and fails validation`, (a) => {
    // Even a role that (wrongly) lists the pair as allowed can't grant it.
    const payload = { objects: [{ object_type: t, actions: [{ action_name: a, permission: 'allowed' }] }] };
    const permissions = compilePermissions(payload as RolePermissionsPayload);
    const common = { entityId: 'e1', entityProjectId: 'p1', objectType: t, action: a } as const;
    const unknown = { allowed: false, scope: null, reason: 'unknown_action' };

    expect(evaluate({ ...common, principal: { kind: 'partner', projectId: 'p1' }, effectiveRole: null })).toEqual(
      unknown,
    );
    expect(
      evaluate({
        ...common,
        principal: { kind: 'entity_user', projectId: 'p1', entityId: 'e1', entityUserId: 'u1' },
        effectiveRole: { source: 'role', roleId: 'r1', permissions },
      }),
    ).toEqual(unknown);

    expect(validateRolePermissions(payload)).toEqual([
      {
        loc: ['body', 'permissions', 'objects', 0, 'actions', 0, 'action_name'],
        type: 'enum',
        msg: `Action '${a}' is not an action of object type '${t}'`,
      },
    ]);
  });
});

it('unknown object types are unknown_action too', () => {
  for (const t of ['entities', 'constructor', '__proto__', '']) {
    const d = evaluate({
      principal: { kind: 'partner', projectId: 'p1' },
      entityId: null,
      objectType: t,
      action: 'read',
      effectiveRole: null,
    });
    expect(d).toEqual({ allowed: false, scope: null, reason: 'unknown_action' });
  }
});
