import { CATALOGUE, OBJECT_TYPES } from './catalogue';
import { PERMISSIONS } from './permission';
import { validateRolePermissions } from './validate-role-permissions';

const P = ['body', 'permissions'];
const obj = (i: number, ...rest: (string | number)[]) => [...P, 'objects', i, ...rest];

describe('validateRolePermissions: valid payloads', () => {
  it('accepts the seed role from the Monite docs (entity_user CRUD, all allowed)', () => {
    const seed = {
      objects: [
        {
          object_type: 'entity_user',
          actions: [
            { action_name: 'create', permission: 'allowed' },
            { action_name: 'read', permission: 'allowed' },
            { action_name: 'update', permission: 'allowed' },
            { action_name: 'delete', permission: 'allowed' },
          ],
        },
      ],
    };
    expect(validateRolePermissions(seed)).toEqual([]);
  });

  it("accepts payable's extra actions", () => {
    const actions = ['create_from_mail', 'submit', 'approve', 'pay', 'cancel', 'reopen'].map((action_name) => ({
      action_name,
      permission: 'allowed_for_own',
    }));
    expect(validateRolePermissions({ objects: [{ object_type: 'payable', actions }] })).toEqual([]);
  });

  it('accepts every action of every type with every permission value', () => {
    for (const permission of PERMISSIONS) {
      const objects = OBJECT_TYPES.map((object_type) => ({
        object_type,
        actions: CATALOGUE[object_type].map((action_name) => ({ action_name, permission })),
      }));
      expect(validateRolePermissions({ objects })).toEqual([]);
    }
  });

  it('treats missing lists as empty', () => {
    expect(validateRolePermissions({})).toEqual([]);
    expect(validateRolePermissions({ objects: [] })).toEqual([]);
    expect(validateRolePermissions({ objects: [{ object_type: 'tag' }] })).toEqual([]);
    expect(validateRolePermissions({ objects: [{ object_type: 'tag', actions: [] }] })).toEqual([]);
  });
});

describe('validateRolePermissions: wrong JSON types', () => {
  it.each([null, 'x', 3, true, []])('payload %p is not an object', (payload) => {
    expect(validateRolePermissions(payload)).toEqual([
      { loc: P, type: 'dict_type', msg: 'Input should be a valid dictionary or object' },
    ]);
  });

  it('reports an absent payload as missing', () => {
    expect(validateRolePermissions(undefined)).toEqual([{ loc: P, type: 'missing', msg: 'Field required' }]);
  });

  it.each([null, {}, 'tag', 1])('objects %p is not a list', (objects) => {
    expect(validateRolePermissions({ objects })).toEqual([
      { loc: [...P, 'objects'], type: 'list_type', msg: 'Input should be a valid list' },
    ]);
  });

  it('checks the type of each entry and field', () => {
    const payload = {
      objects: [
        'entity',
        { object_type: 7, actions: {} },
        { object_type: 'tag', actions: [null, { action_name: 1, permission: false }] },
      ],
    };
    expect(validateRolePermissions(payload).map((i) => [i.loc, i.type])).toEqual([
      [obj(0), 'dict_type'],
      [obj(1, 'object_type'), 'string_type'],
      [obj(1, 'actions'), 'list_type'],
      [obj(2, 'actions', 0), 'dict_type'],
      [obj(2, 'actions', 1, 'action_name'), 'string_type'],
      [obj(2, 'actions', 1, 'permission'), 'string_type'],
    ]);
  });
});

describe('validateRolePermissions: values', () => {
  it('reports missing required fields', () => {
    const payload = { objects: [{ actions: [{}] }] };
    expect(validateRolePermissions(payload)).toEqual([
      { loc: obj(0, 'object_type'), type: 'missing', msg: 'Field required' },
      { loc: obj(0, 'actions', 0, 'action_name'), type: 'missing', msg: 'Field required' },
      { loc: obj(0, 'actions', 0, 'permission'), type: 'missing', msg: 'Field required' },
    ]);
  });

  it('rejects an unknown object type', () => {
    expect(validateRolePermissions({ objects: [{ object_type: 'entities' }] })).toEqual([
      { loc: obj(0, 'object_type'), type: 'enum', msg: "Unknown object type 'entities'" },
    ]);
  });

  it.each([
    ['entity', 'create'],
    ['comment', 'delete'],
    ['payment_record', 'update'],
    ['receivable', 'pay'],
    ['payable', 'foo'],
  ])('rejects %s:%s, an action the type does not have', (object_type, action_name) => {
    const payload = {
      objects: [
        { object_type: 'tag', actions: [] },
        { object_type, actions: [{ action_name: 'read', permission: 'allowed' }, { action_name, permission: 'allowed' }] },
      ],
    };
    expect(validateRolePermissions(payload)).toEqual([
      {
        loc: obj(1, 'actions', 1, 'action_name'),
        type: 'enum',
        msg: `Action '${action_name}' is not an action of object type '${object_type}'`,
      },
    ]);
  });

  it('rejects an unknown permission value', () => {
    const payload = { objects: [{ object_type: 'tag', actions: [{ action_name: 'read', permission: 'Allowed' }] }] };
    expect(validateRolePermissions(payload)).toEqual([
      {
        loc: obj(0, 'actions', 0, 'permission'),
        type: 'enum',
        msg: "Input should be 'not_allowed', 'allowed_for_own' or 'allowed'",
      },
    ]);
  });

  it('rejects duplicates, pointing at the second occurrence', () => {
    const read = { action_name: 'read', permission: 'allowed' };
    const payload = { objects: [{ object_type: 'tag', actions: [read, read] }, { object_type: 'tag' }] };
    expect(validateRolePermissions(payload)).toEqual([
      { loc: obj(0, 'actions', 1, 'action_name'), type: 'value_error', msg: "Duplicate action 'read'" },
      { loc: obj(1, 'object_type'), type: 'value_error', msg: "Duplicate object type 'tag'" },
    ]);
  });

  it('rejects unknown keys at every level', () => {
    const payload = {
      objects: [{ object_type: 'tag', actions: [{ action_name: 'read', permission: 'allowed', scope: 'all' }], x: 1 }],
      name: 'r',
    };
    const extra = { type: 'extra_forbidden', msg: 'Extra inputs are not permitted' };
    expect(validateRolePermissions(payload)).toEqual([
      { loc: obj(0, 'actions', 0, 'scope'), ...extra },
      { loc: obj(0, 'x'), ...extra },
      { loc: [...P, 'name'], ...extra },
    ]);
  });
});

describe('validateRolePermissions: several issues and locations', () => {
  it('reports every issue together, each at its exact location', () => {
    const payload = {
      objects: [
        { object_type: 'payable', actions: [{ action_name: 'pay', permission: 'allowed' }] },
        { object_type: 'nope', actions: [{ action_name: 'read', permission: 'sometimes' }] },
        { object_type: 'receivable', actions: [{ action_name: 'read', permission: 'allowed' }, { action_name: 'pay' }] },
      ],
    };
    expect(validateRolePermissions(payload).map((i) => [i.loc, i.type])).toEqual([
      [obj(1, 'object_type'), 'enum'],
      [obj(1, 'actions', 0, 'permission'), 'enum'],
      [obj(2, 'actions', 1, 'action_name'), 'enum'],
      [obj(2, 'actions', 1, 'permission'), 'missing'],
    ]);
  });

  it('prefixes locations with the given loc', () => {
    const issues = validateRolePermissions({ objects: [{ object_type: 'x' }] }, ['body', 'roles', 0]);
    expect(issues.map((i) => i.loc)).toEqual([['body', 'roles', 0, 'objects', 0, 'object_type']]);
  });

  it('cuts a huge value short in the message', () => {
    const [issue] = validateRolePermissions({ objects: [{ object_type: 'x'.repeat(10_000) }] });
    expect(issue.type).toBe('enum');
    expect(issue.msg.length).toBeLessThan(100);
  });
});
