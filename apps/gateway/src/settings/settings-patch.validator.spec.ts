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
