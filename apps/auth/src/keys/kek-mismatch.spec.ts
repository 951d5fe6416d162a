import { ConfigMismatchError } from '@gatehouse/platform';
import { describeDatabase, KekMismatchError, kekMismatchMessage } from './kek-mismatch';

describe('the key-encryption key does not open the signing keys', () => {
  it('names the database and its server, never the user or the password', () => {
    expect(describeDatabase('postgres://admin:s3cret@db.internal:6543/gatehouse_auth')).toBe(
      'database gatehouse_auth (db.internal:6543)',
    );
    expect(describeDatabase('postgres://postgres@127.0.0.1/gatehouse_auth')).toBe('database gatehouse_auth (127.0.0.1:5432)');
  });

  it('says the cause, the variable and the way out, in one line', () => {
    const message = kekMismatchMessage('postgres://admin:s3cret@127.0.0.1:5432/gatehouse_auth');
    expect(message).toBe(
      'the signing keys in database gatehouse_auth (127.0.0.1:5432) were sealed under another AUTH_KEY_ENCRYPTION_KEY: ' +
        'set the key they were sealed under, or on a development machine start over with `npm start -- --reset`',
    );
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');
  });

  it('is a configuration mismatch (the service exits 78 with that line)', () => {
    const err = new KekMismatchError('postgres://postgres@127.0.0.1:5432/gatehouse_auth');
    expect(err).toBeInstanceOf(ConfigMismatchError);
    expect(err.message).toBe(kekMismatchMessage('postgres://postgres@127.0.0.1:5432/gatehouse_auth'));
  });
});
