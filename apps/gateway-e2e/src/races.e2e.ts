import { Api, partner, ROLE } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('concurrent writers', () => {
  let sys: TestSystem;
  let api: Api;
  let entityId: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    api = new Api(sys, (await partner(sys)).token);
    entityId = (await api.entity()).id;
  });
  afterAll(() => sys?.stop());

  it('two PATCHes of the same user never lose one of the changes', async () => {
    for (let round = 0; round < 10; round++) {
      const u = await api.user(entityId);
      const [a, b] = await Promise.all([
        api.patch(`/v1/entity_users/${u.id}`, { title: `title-${round}` }, entityId),
        api.patch(`/v1/entity_users/${u.id}`, { last_name: `last-${round}` }, entityId),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const final = (await api.get(`/v1/entity_users/${u.id}`, entityId)).json;
      expect(final).toMatchObject({ title: `title-${round}`, last_name: `last-${round}`, version: 3 });
    }
  });

  it('a duplicate login under a race is one success and 409s, never a 500', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => api.post('/v1/entity_users', { login: 'racer', first_name: 'R' }, entityId)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200 || s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
  });

  it('a duplicate role name under a race is one success and 409s, never a 500', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => api.post('/v1/roles', ROLE('Racing role'), entityId)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200 || s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
  });

  it('concurrent role PATCHes of name and permissions both land', async () => {
    const r = await api.role(entityId);
    const [a, b] = await Promise.all([
      api.patch(`/v1/roles/${r.id}`, { name: `${r.name}-renamed` }, entityId),
      api.patch(`/v1/roles/${r.id}`, { permissions: ROLE('x', 'allowed_for_own').permissions }, entityId),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const final = (await api.get(`/v1/roles/${r.id}`, entityId)).json;
    expect(final.name).toBe(`${r.name}-renamed`);
    expect(final.permissions.objects[0].actions[0].permission).toBe('allowed_for_own');
  });
});
