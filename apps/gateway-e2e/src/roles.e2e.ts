import { Api, partner, ROLE, expectPage, expectSchema } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('/v1/roles', () => {
  let sys: TestSystem;
  let api: Api;
  let entityId: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    api = new Api(sys, (await partner(sys)).token);
    entityId = (await api.entity()).id;
  });
  afterAll(() => sys?.stop());

  it('creates the seed example role in the reference shape', async () => {
    const res = await api.post('/v1/roles', ROLE('Manage entity users'), entityId);
    expect([200, 201]).toContain(res.status);
    expectSchema(res.json, 'RoleResponse');
    expect(res.json.permissions.objects[0].object_type).toBe('entity_user');
  });

  it.each([
    ['an unknown object type', { object_type: 'spaceship', actions: [] }, ['body', 'permissions', 'objects', 0, 'object_type']],
    ['an action the type does not have', { object_type: 'entity', actions: [{ action_name: 'delete', permission: 'allowed' }] }, ['body', 'permissions', 'objects', 0, 'actions', 0, 'action_name']],
    ['an unknown permission', { object_type: 'payable', actions: [{ action_name: 'pay', permission: 'maybe' }] }, ['body', 'permissions', 'objects', 0, 'actions', 0, 'permission']],
  ])('422s %s, naming the location', async (_name, object, loc) => {
    const res = await api.post('/v1/roles', { name: `bad-${Math.random()}`, permissions: { objects: [object] } }, entityId);
    expect(res.status).toBe(422);
    expect(res.json.detail.map((d: any) => d.loc)).toContainEqual(loc);
  });

  it('409s a duplicate name in the entity', async () => {
    await api.role(entityId, ROLE('Accountant'));
    const again = await api.post('/v1/roles', ROLE('Accountant'), entityId);
    expect(again.status).toBe(409);
  });

  it('reads, patches name and permissions, lists', async () => {
    const r = await api.role(entityId);
    const patched = await api.patch(`/v1/roles/${r.id}`, { name: `${r.name}-2`, permissions: ROLE('x', 'allowed_for_own').permissions }, entityId);
    expect(patched.status).toBe(200);
    expectSchema(patched.json, 'RoleResponse');
    expect(patched.json.permissions.objects[0].actions[0].permission).toBe('allowed_for_own');
    const list = await api.get(`/v1/roles?id__in=${r.id}`, entityId);
    expectPage(list.json, 'RoleResponse', 'RolePaginationResponse');
    expect(list.json.data[0].name).toBe(`${r.name}-2`);
  });

  it('refuses to delete a role held by an active user or set as the default role (409), then deletes it (204)', async () => {
    const r = await api.role(entityId);
    const u = await api.user(entityId, { role_id: r.id });
    expect((await api.delete(`/v1/roles/${r.id}`, entityId)).status).toBe(409);
    await api.delete(`/v1/entity_users/${u.id}`, entityId);
    await api.patch(`/v1/entities/${entityId}/settings`, { default_role_id: r.id });
    expect((await api.delete(`/v1/roles/${r.id}`, entityId)).status).toBe(409);
    await api.patch(`/v1/entities/${entityId}/settings`, { default_role_id: null });
    const del = await api.delete(`/v1/roles/${r.id}`, entityId);
    expect(del.status).toBe(204);
    expect((await api.get(`/v1/roles?id__in=${r.id}`, entityId)).json.data).toEqual([]);
  });
});
