import { API_VERSIONS, resolveApiVersion } from './api-versions';

describe('resolveApiVersion', () => {
  it('accepts every supported version as itself', () => {
    for (const v of API_VERSIONS) expect(resolveApiVersion(v)).toEqual({ ok: true, version: v });
  });

  it('resolves a later unknown date to the newest version not after it', () => {
    expect(resolveApiVersion('2024-03-01')).toEqual({ ok: true, version: '2024-01-31' });
    expect(resolveApiVersion('2099-12-31')).toEqual({ ok: true, version: API_VERSIONS[0] });
  });

  it('refuses dates before the oldest version', () => {
    expect(resolveApiVersion('2020-01-01')).toEqual({ ok: false, reason: 'too_old' });
  });

  it.each(['', '2024-1-31', '2024-13-01', '2024-02-30', 'yesterday', '2024-01-31T00:00:00Z', ' 2024-01-31'])(
    'calls %j malformed',
    (value) => {
      expect(resolveApiVersion(value)).toEqual({ ok: false, reason: 'malformed' });
    },
  );
});
