import { Api, partner, ROLE, expectPage, expectSchema } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('/v1/entity_users', () => {
  let sys: TestSystem;
  let api: Api;
  let entityId: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    api = new Api(sys, (await partner(sys)).token);
    entityId = (await api.entity()).id;
  });
  afterAll(() => sys?.stop());

  it('creates a user in the reference shape, with a role of the same entity', async () => {
    const role = await api.role(entityId);
    const res = await api.post('/v1/entity_users', { login: 'casey', first_name: 'Casey', last_name: 'Peters', role_id: role.id }, entityId);
    expect([200, 201]).toContain(res.status);
    expectSchema(res.json, 'EntityUserResponse');
    expect(res.json).toMatchObject({ login: 'casey', role_id: role.id, status: 'active', created_by_entity_user_id: null, version: 1 });
  });

  it('409s a duplicate login within the entity, but not in another entity', async () => {
    await api.user(entityId, { login: 'dup' });
    const again = await api.post('/v1/entity_users', { login: 'dup', first_name: 'X' }, entityId);
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: { message: expect.any(String) } });
    const other = (await api.entity()).id;
    expect((await api.user(other, { login: 'dup' })).login).toBe('dup');
  });

  it("422s a role of another entity, and a missing first_name", async () => {
    const other = (await api.entity()).id;
    const foreignRole = await api.role(other);
    const res = await api.post('/v1/entity_users', { login: 'r1', first_name: 'R', role_id: foreignRole.id }, entityId);
    expect(res.status).toBe(422);
    expect(res.json.detail[0].loc).toEqual(['body', 'role_id']);
    const missing = await api.post('/v1/entity_users', { login: 'r2' }, entityId);
    expect(missing.status).toBe(422);
    expect(missing.json.detail).toContainEqual(expect.objectContaining({ loc: ['body', 'first_name'], type: 'missing' }));
  });

  it('reads, patches and deletes (204); a deleted user leaves the default list but stays readable', async () => {
    const u = await api.user(entityId);
    const got = await api.get(`/v1/entity_users/${u.id}`, entityId);
    expect(got.json).toEqual(u);
    const patched = await api.patch(`/v1/entity_users/${u.id}`, { title: 'CFO', last_name: 'Jones' }, entityId);
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ title: 'CFO', last_name: 'Jones', version: 2 });
    expectSchema(patched.json, 'EntityUserResponse');
    const del = await api.delete(`/v1/entity_users/${u.id}`, entityId);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await api.get(`/v1/entity_users/${u.id}`, entityId)).json.status).toBe('deleted');
    const listed = await api.get(`/v1/entity_users?id__in=${u.id}`, entityId);
    expect(listed.json.data).toEqual([]);
    const deleted = await api.get(`/v1/entity_users?id__in=${u.id}&status=deleted`, entityId);
    expect(deleted.json.data.map((x: any) => x.id)).toEqual([u.id]);
    expect((await api.delete(`/v1/entity_users/${u.id}`, entityId)).status).toBe(404);
    // Its login is free again.
    expect((await api.user(entityId, { login: u.login })).login).toBe(u.login);
  });

  it('lists in the reference page shape, filtered by login and name prefix', async () => {
    const u = await api.user(entityId, { login: 'filter-me', first_name: 'Zelda' });
    const byLogin = await api.get('/v1/entity_users?login=filter-me', entityId);
    expectPage(byLogin.json, 'EntityUserResponse', 'EntityUserPaginationResponse');
    expect(byLogin.json.data.map((x: any) => x.id)).toEqual([u.id]);
    const byPrefix = await api.get('/v1/entity_users?name__istartswith=zEL', entityId);
    expect(byPrefix.json.data.map((x: any) => x.id)).toContain(u.id);
  });

  it('needs x-monite-entity-id with a partner token: missing or malformed → 422', async () => {
    const missing = await sys.http.get('/v1/entity_users', { token: api.token });
    expect(missing.status).toBe(422);
    expect(missing.json.detail[0]).toMatchObject({ loc: ['header', 'x-monite-entity-id'], type: 'missing' });
    const bad = await sys.http.get('/v1/entity_users', { token: api.token, headers: { 'x-monite-entity-id': 'nope' } });
    expect(bad.status).toBe(422);
    expect(bad.json.detail[0].loc).toEqual(['header', 'x-monite-entity-id']);
  });

  it("keeps a deactivated entity's users and roles readable, and refuses writes with 409", async () => {
    const e = (await api.entity()).id;
    const u = await api.user(e);
    const role = await api.role(e);
    await api.post(`/v1/entities/${e}/deactivate`, undefined);
    expect((await api.get(`/v1/entity_users/${u.id}`, e)).status).toBe(200);
    expect((await api.get('/v1/roles', e)).status).toBe(200);
    const writes = [
      await api.post('/v1/entity_users', { login: 'late', first_name: 'L' }, e),
      await api.patch(`/v1/entity_users/${u.id}`, { title: 'x' }, e),
      await api.delete(`/v1/entity_users/${u.id}`, e),
      await api.post('/v1/roles', ROLE(), e),
      await api.patch(`/v1/roles/${role.id}`, { name: 'renamed' }, e),
      await api.delete(`/v1/roles/${role.id}`, e),
    ];
    for (const w of writes) {
      expect(w.status).toBe(409);
      expect(w.json).toEqual({ error: { message: expect.any(String) } });
    }
    await api.post(`/v1/entities/${e}/activate`, undefined);
    expect((await api.patch(`/v1/entity_users/${u.id}`, { title: 'x' }, e)).status).toBe(200);
  });
});
