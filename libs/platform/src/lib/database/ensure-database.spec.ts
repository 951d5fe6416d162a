import { ConfigMismatchError } from '../config/load-config';
import { freePort } from '../test-support/free-port';
import { ensureDatabase, explainConnectFailure } from './ensure-database';

describe('ensureDatabase at start', () => {
  it('says which server and database it cannot reach, in one line, without the password', async () => {
    const port = await freePort();
    const err = await ensureDatabase(`postgres://app:hunter2@127.0.0.1:${port}/gatehouse_auth`).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`cannot reach PostgreSQL at 127.0.0.1:${port} for database gatehouse_auth: ECONNREFUSED`);
  });

  it('calls refused credentials a configuration that does not fit, naming the user, never the password', () => {
    const err = explainConnectFailure({ code: '28P01' }, new URL('postgres://app:hunter2@db:5432/gatehouse_identity'), 'gatehouse_identity');
    expect(err).toBeInstanceOf(ConfigMismatchError);
    expect(err.message).toContain('user "app" for database gatehouse_identity');
    expect(err.message).not.toContain('hunter2');
  });
});
