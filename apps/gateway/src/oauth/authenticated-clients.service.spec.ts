import type { NatsService } from '@gatehouse/platform';
import { AuthenticatedClientsService } from './authenticated-clients.service';

/** The broker's part is the e2e tests'; here only what is kept, and when it is dropped. */
function service(): AuthenticatedClientsService {
  return new AuthenticatedClientsService({} as NatsService);
}

describe('AuthenticatedClientsService', () => {
  it('knows nothing until auth has accepted a secret', () => {
    expect(service().projectOf('c', 's')).toBeUndefined();
  });

  it("answers with the project for the very secret accepted, and never for another", () => {
    const s = service();
    s.remember('c', 'secret', 'p', s.epoch());
    expect(s.projectOf('c', 'secret')).toBe('p');
    expect(s.projectOf('c', 'secret2')).toBeUndefined();
    expect(s.projectOf('c', '')).toBeUndefined();
    expect(s.projectOf('other', 'secret')).toBeUndefined();
  });

  it('forgets a revoked client, and everything when told to', () => {
    const s = service();
    s.remember('a', 'x', 'p', s.epoch());
    s.remember('b', 'y', 'p', s.epoch());
    s.forget('a');
    expect(s.projectOf('a', 'x')).toBeUndefined();
    expect(s.projectOf('b', 'y')).toBe('p');
    s.forget();
    expect(s.projectOf('b', 'y')).toBeUndefined();
  });

  it('does not keep an answer that raced with an invalidation', () => {
    const s = service();
    const epoch = s.epoch();
    s.forget('a');
    s.remember('a', 'x', 'p', epoch);
    expect(s.projectOf('a', 'x')).toBeUndefined();
  });
});
