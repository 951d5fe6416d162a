import { validateSettingsPatch } from './settings-patch.validator';

describe('validateSettingsPatch', () => {
  it('accepts the extension and reference fields', () => {
    expect(validateSettingsPatch({ access_token_ttl: 60 })).toEqual([]);
    expect(validateSettingsPatch({ access_token_ttl: 86_400, website: 'https://x', api_version: '2024-01-31' })).toEqual([]);
    expect(validateSettingsPatch({ access_token_ttl: null, default_role: null })).toEqual([]);
    expect(validateSettingsPatch({})).toEqual([]);
  });

  it.each([59, 86_401, 1.5, '60', true, {}])('refuses access_token_ttl %p at its location', (ttl) => {
    const issues = validateSettingsPatch({ access_token_ttl: ttl });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].loc).toEqual(['body', 'access_token_ttl']);
  });

  it('accepts api_rate_limit from 1 to 100000, or null (back to the default)', () => {
    expect(validateSettingsPatch({ api_rate_limit: 1 })).toEqual([]);
    expect(validateSettingsPatch({ api_rate_limit: 100_000 })).toEqual([]);
    expect(validateSettingsPatch({ api_rate_limit: null })).toEqual([]);
  });

  it.each([0, -1, 100_001, 2.5, '30', false])('refuses api_rate_limit %p at its location', (limit) => {
    const issues = validateSettingsPatch({ api_rate_limit: limit });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].loc).toEqual(['body', 'api_rate_limit']);
  });

  it('refuses unknown fields and an API version that does not exist', () => {
    expect(validateSettingsPatch({ nope: 1 })[0]).toMatchObject({ loc: ['body', 'nope'], type: 'extra_forbidden' });
    expect(validateSettingsPatch({ api_version: '2019-01-01' })[0].loc).toEqual(['body', 'api_version']);
  });

  it('validates default_role against the catalogue, naming the deepest location', () => {
    const ok = { permissions: { objects: [{ object_type: 'payable', actions: [{ action_name: 'reopen', permission: 'allowed_for_own' }] }] } };
    expect(validateSettingsPatch({ default_role: ok })).toEqual([]);
    const bad = { permissions: { objects: [{ object_type: 'payable', actions: [{ action_name: 'reopen', permission: 'sometimes' }] }] } };
    expect(validateSettingsPatch({ default_role: bad })[0].loc).toEqual([
      'body', 'default_role', 'permissions', 'objects', 0, 'actions', 0, 'permission',
    ]);
    expect(validateSettingsPatch({ default_role: {} })[0]).toMatchObject({ loc: ['body', 'default_role', 'permissions'], type: 'missing' });
    expect(validateSettingsPatch({ default_role: { permissions: {}, x: 1 } })[0].type).toBe('extra_forbidden');
  });
});

describe('validateSettingsPatch: the reference objects, closed', () => {
  it('accepts the fields the reference lists', () => {
    expect(
      validateSettingsPatch({
        mail: { from_name: 'Acme', attach_documents_as_pdf: false },
        payments: { support_email: 'help@example.com', payment_page_theme: { button: { primary_color: '#ffffff' }, card: null } },
        receivable: { create_without_personal_info: true },
        units: [{ designation: 'kg', name: 'Kilogram' }],
      }),
    ).toEqual([]);
  });

  it.each([
    [{ mail: { from_name: 'Acme', x: 1 } }, ['body', 'mail', 'x']],
    [{ payments: { payment_page_theme: { card: { shadow: 'yes' } } } }, ['body', 'payments', 'payment_page_theme', 'card', 'shadow']],
    [{ receivable: { create_without_personal_info: true, extra: [] } }, ['body', 'receivable', 'extra']],
    [{ units: [{ designation: 'kg', name: 'Kilogram', factor: 1 }] }, ['body', 'units', 0, 'factor']],
  ])('refuses a key the reference does not list: %j', (body, loc) => {
    expect(validateSettingsPatch(body)).toEqual([expect.objectContaining({ loc, type: 'extra_forbidden' })]);
  });

  it('refuses nesting deeper than 32 levels with one located issue, however deep (no recursion)', () => {
    const deep = (n: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < n; i++) v = { a: v };
      return v;
    };
    for (const field of ['mail', 'payments', 'default_role', 'currency']) {
      const issues = validateSettingsPatch({ [field]: deep(10_000) });
      expect(issues).toEqual([{ loc: ['body', field, ...Array(31).fill('a')], msg: expect.stringContaining('32'), type: 'value_error' }]);
    }
    expect(validateSettingsPatch({ commercial_conditions: JSON.parse('['.repeat(5_000) + ']'.repeat(5_000)) })[0].type).toBe('value_error');
  });
});
