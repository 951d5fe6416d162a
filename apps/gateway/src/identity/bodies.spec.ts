import {
  parseCreateEntity,
  parseCreateEntityUser,
  parseCreateRole,
  parseEntitySettingsPatch,
  parseUpdateEntity,
  parseUpdateEntityUser,
  parseUpdateRole,
} from './bodies';

const ROLE = 'ea837e28-509b-4b6a-a600-d54b6aa0b1f5';
const address = { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'Unter den Linden 1' };
const PERMISSIONS = { objects: [{ object_type: 'payable', actions: [{ action_name: 'read', permission: 'allowed' }] }] };

describe('entity bodies', () => {
  it('accepts an organization and an individual', () => {
    expect(parseCreateEntity({ type: 'organization', email: 'a@b.de', address, organization: { legal_name: 'Acme' } }).issues).toEqual([]);
    expect(parseCreateEntity({ type: 'individual', email: 'a@b.de', address, individual: { first_name: 'A', last_name: 'B' } }).issues).toEqual([]);
  });

  it.each([
    ['organization', {}],
    ['organization', { organization: null }],
    ['individual', { organization: { legal_name: 'Acme' } }],
  ])('a %s without its part is 422 missing at that part', (type, extra) => {
    const { issues } = parseCreateEntity({ type, email: 'a@b.de', address, ...extra });
    expect(issues).toEqual([{ loc: ['body', type], msg: 'Field required', type: 'missing' }]);
  });

  it('reports the reference schema problems with the rule', () => {
    const locs = parseCreateEntity({ type: 'organization', nope: 1 }).issues.map((i) => i.loc);
    expect(locs).toEqual(expect.arrayContaining([['body', 'address'], ['body', 'email'], ['body', 'nope'], ['body', 'organization']]));
  });

  it('requires a body', () => {
    expect(parseCreateEntity(undefined).issues).toEqual([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
    expect(parseUpdateEntity(undefined).issues[0].type).toBe('missing');
    expect(parseUpdateEntity(null).issues[0]).toMatchObject({ loc: ['body'], type: 'dict_type' });
  });

  it('updates with UpdateEntityRequest', () => {
    expect(parseUpdateEntity({ email: 'x@y.de', address: { city: 'Bonn' } }).issues).toEqual([]);
    expect(parseUpdateEntity({ type: 'individual' }).issues[0]).toMatchObject({ loc: ['body', 'type'], type: 'extra_forbidden' });
  });

  it('takes only default_role_id in the entity settings', () => {
    expect(parseEntitySettingsPatch({ default_role_id: ROLE.toUpperCase() })).toEqual({ value: { default_role_id: ROLE }, issues: [] });
    expect(parseEntitySettingsPatch({ default_role_id: null }).issues).toEqual([]);
    expect(parseEntitySettingsPatch({}).issues).toEqual([]);
    expect(parseEntitySettingsPatch({ default_role_id: 'x' }).issues[0]).toMatchObject({ loc: ['body', 'default_role_id'], type: 'uuid_parsing' });
    expect(parseEntitySettingsPatch({ language: 'de' }).issues[0]).toMatchObject({ loc: ['body', 'language'], type: 'extra_forbidden' });
  });
});

describe('entity user bodies', () => {
  it('creates with login and first_name', () => {
    expect(parseCreateEntityUser({ login: 'casey', first_name: 'Casey', role_id: ROLE }).issues).toEqual([]);
    const locs = parseCreateEntityUser({ role_id: 'x' }).issues.map((i) => i.loc);
    expect(locs).toEqual(expect.arrayContaining([['body', 'login'], ['body', 'first_name'], ['body', 'role_id']]));
  });

  it('updates with any subset, role ids in one spelling', () => {
    expect(parseUpdateEntityUser({ role_id: ROLE.toUpperCase() }).value).toEqual({ role_id: ROLE });
    expect(parseUpdateEntityUser({ status: 'deleted' }).issues[0].type).toBe('extra_forbidden');
  });

  describe('the login rule, on create and on update', () => {
    const login = (parse: typeof parseCreateEntityUser, value: unknown) => parse({ login: value, first_name: 'Casey' }).issues.filter((i) => i.loc.join('.') === 'body.login');

    it.each([
      ['empty', ''],
      ['padded', ' casey '],
      ['a right-to-left override', '\u202eyesac'],
      ['a zero-width joiner', 'ca\u200dsey'],
      ['a control character', 'ca\u0007sey'],
      ['a Latin/Cyrillic twin', 'v\u0456ctim'],
    ])('refuses a login with %s: one value_error at ["body","login"]', (_name, value) => {
      for (const parse of [parseCreateEntityUser, parseUpdateEntityUser]) {
        expect(login(parse, value)).toEqual([{ loc: ['body', 'login'], msg: expect.stringMatching(/^Login should /), type: 'value_error' }]);
      }
    });

    it('reports one issue at the login when the schema or the string check already did', () => {
      expect(login(parseCreateEntityUser, 'a'.repeat(256))).toEqual([expect.objectContaining({ type: 'string_too_long' })]);
      expect(login(parseCreateEntityUser, 42)).toEqual([expect.objectContaining({ type: 'string_type' })]);
      expect(login(parseCreateEntityUser, 'ca\u0000sey')).toEqual([expect.objectContaining({ type: 'string_type' })]);
      expect(login(parseUpdateEntityUser, 'ca\ud800sey')).toEqual([expect.objectContaining({ type: 'string_unicode' })]);
    });

    it('checks the login with other problems in the body too', () => {
      const { issues } = parseCreateEntityUser({ login: '\u202eevil' });
      expect(issues.map((i) => i.loc)).toEqual([['body', 'first_name'], ['body', 'login']]);
    });

    it('takes good logins, and a null login on update (no change)', () => {
      expect(parseCreateEntityUser({ login: 'Ce\u0301line', first_name: 'C' }).issues).toEqual([]);
      expect(parseCreateEntityUser({ login: 'yamada\u5c71\u7530', first_name: 'Y' }).issues).toEqual([]);
      expect(parseUpdateEntityUser({ login: null }).issues).toEqual([]);
      expect(parseUpdateEntityUser({ login: 'Victim' }).issues).toEqual([]);
    });
  });
});

describe('role bodies', () => {
  it('creates with a name and catalogue permissions', () => {
    expect(parseCreateRole({ name: 'Admin', permissions: PERMISSIONS }).issues).toEqual([]);
    expect(parseCreateRole({ name: 'Admin', permissions: { objects: [] } }).issues).toEqual([]);
  });

  it('merges the name problems with the catalogue problems', () => {
    const bad = { objects: [{ object_type: 'entity', actions: [{ action_name: 'delete', permission: 'allowed' }] }] };
    const { issues } = parseCreateRole({ name: '', permissions: bad });
    expect(issues).toEqual([
      expect.objectContaining({ loc: ['body', 'name'], type: 'string_too_short' }),
      expect.objectContaining({ loc: ['body', 'permissions', 'objects', 0, 'actions', 0, 'action_name'], type: 'enum' }),
    ]);
  });

  it('reports a missing name or permissions once', () => {
    expect(parseCreateRole({}).issues.map((i) => i.loc)).toEqual([['body', 'name'], ['body', 'permissions']]);
    expect(parseCreateRole({ name: 'x', permissions: null }).issues).toEqual([
      expect.objectContaining({ loc: ['body', 'permissions'], type: 'dict_type' }),
    ]);
  });

  it('updates either part; null permissions are no change', () => {
    expect(parseUpdateRole({}).issues).toEqual([]);
    expect(parseUpdateRole({ name: null, permissions: null }).issues).toEqual([]);
    expect(parseUpdateRole({ permissions: PERMISSIONS }).issues).toEqual([]);
    expect(parseUpdateRole({ permissions: { objects: [{ object_type: 'spaceship' }] } }).issues[0]).toMatchObject({
      loc: ['body', 'permissions', 'objects', 0, 'object_type'],
      type: 'enum',
    });
    expect(parseUpdateRole({ name: 'x'.repeat(256) }).issues[0]).toMatchObject({ loc: ['body', 'name'], type: 'string_too_long' });
    expect(parseUpdateRole({ extra: 1 }).issues[0]).toMatchObject({ loc: ['body', 'extra'], type: 'extra_forbidden' });
  });
});
