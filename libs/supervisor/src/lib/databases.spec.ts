import { databaseName, maintenanceUrl, testDatabaseName, withDatabase } from './databases';

describe('database URL helpers', () => {
  it('reads and validates the database name', () => {
    expect(databaseName('postgres://postgres@127.0.0.1:5432/gh_test_ab12_auth')).toBe('gh_test_ab12_auth');
    expect(() => databaseName('postgres://postgres@127.0.0.1:5432/bad";drop')).toThrow(/must match/);
    expect(() => databaseName('postgres://postgres@127.0.0.1:5432/')).toThrow(/must match/);
  });

  it('points at the maintenance database of the same server, keeping credentials and options', () => {
    expect(maintenanceUrl('postgres://u:p@db:6543/gatehouse_auth?sslmode=disable')).toBe(
      'postgres://u:p@db:6543/postgres?sslmode=disable',
    );
  });

  it('swaps the database of a URL', () => {
    expect(withDatabase('postgres://postgres@127.0.0.1:5432/gatehouse_auth', 'x_auth')).toBe(
      'postgres://postgres@127.0.0.1:5432/x_auth',
    );
  });

  it('names test databases gh_test_<random>_<service>', () => {
    const a = testDatabaseName('auth');
    expect(a).toMatch(/^gh_test_[0-9a-f]{10}_auth$/);
    expect(testDatabaseName('auth')).not.toBe(a);
    expect(testDatabaseName('identity', 'run1')).toBe('gh_test_run1_identity');
  });
});
