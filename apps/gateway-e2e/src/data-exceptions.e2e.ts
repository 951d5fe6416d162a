import { Api, partner } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/**
 * Values PostgreSQL refuses are the caller's mistake: 422 in the validation
 * shape, never 500. The gateway refuses NUL and lone surrogates at their
 * location; what still reaches a service (a year-0000 date) is mapped there.
 */
describe('values the database refuses', () => {
  let sys: TestSystem;
  let api: Api;
  let entityId: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    api = new Api(sys, (await partner(sys)).token);
    entityId = (await api.entity()).id;
  });
  afterAll(() => sys?.stop());

  it('names the field that holds the NUL', async () => {
    const res = await api.post('/v1/entity_users', { login: 'nul2', first_name: 'Ca\u0000sey' }, entityId);
    expect(res.json.detail[0].loc).toEqual(['body', 'first_name']);
  });

  it.each([
    ['NUL in a stored string', () => api.post('/v1/entity_users', { login: 'nul', first_name: 'Ca\u0000sey' }, entityId)],
    ['NUL in a list filter', () => api.get('/v1/entity_users?login=%00', entityId)],
    ['a year-0000 date filter', () => api.get('/v1/entities?created_at__gt=0000-01-01T00%3A00%3A00Z')],
    ['a lone surrogate in a jsonb field', () => api.patch(`/v1/entities/${entityId}`, { address: { city: '\ud800' } })],
  ])('%s → 422', async (_name, call) => {
    const res = await call();
    expect(res.status).toBe(422);
    expect(res.json.detail[0]).toMatchObject({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
  });
});
