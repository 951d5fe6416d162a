import { Api, INDIVIDUAL, ORG, partner, ROLE, expectPage, expectSchema } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('/v1/entities', () => {
  let sys: TestSystem;
  let api: Api;

  beforeAll(async () => {
    sys = await TestSystem.start();
    api = new Api(sys, (await partner(sys)).token);
  });
  afterAll(() => sys?.stop());

  it('creates an organization (201) in the reference shape, recording no creator for a partner token', async () => {
    const res = await api.createEntity(ORG());
    expect(res.status).toBe(201);
    expectSchema(res.json, 'EntityResponse');
    expect(res.json).toMatchObject({ type: 'organization', status: 'active', created_by_entity_user_id: null, version: 1 });
  });

  it('creates an individual', async () => {
    const res = await api.createEntity(INDIVIDUAL());
    expect(res.status).toBe(201);
    expectSchema(res.json, 'EntityResponse');
    expect(res.json.individual).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });
  });

  it('422s a missing address, email, or sub-object, an unknown field and a bad type, with locations', async () => {
    const { address: _a, ...noAddress } = ORG();
    const { organization: _o, ...noOrg } = ORG();
    const cases: Array<[unknown, (string | number)[]]> = [
      [noAddress, ['body', 'address']],
      [noOrg, ['body', 'organization']],
      [{ ...ORG(), extra: 1 }, ['body', 'extra']],
      [{ ...ORG(), type: 'robot' }, ['body', 'type']],
      [{ ...ORG(), email: 'not-an-email' }, ['body', 'email']],
    ];
    for (const [body, loc] of cases) {
      const res = await api.createEntity(body);
      expect(res.status).toBe(422);
      expect(res.json.detail.map((d: any) => d.loc)).toContainEqual(loc);
    }
  });

  it('reads, patches (merging the address) and bumps the version', async () => {
    const e = await api.entity();
    const got = await api.get(`/v1/entities/${e.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(e);
    const patched = await api.patch(`/v1/entities/${e.id}`, { phone: '+4930123', address: { city: 'Potsdam' } });
    expect(patched.status).toBe(200);
    expectSchema(patched.json, 'EntityResponse');
    expect(patched.json).toMatchObject({ phone: '+4930123', version: 2, address: { city: 'Potsdam', line1: e.address.line1 } });
  });

  it('deactivates and activates', async () => {
    const e = await api.entity();
    const off = await api.post(`/v1/entities/${e.id}/deactivate`, undefined);
    expect(off.status).toBe(200);
    expect(off.json.status).toBe('inactive');
    expectSchema(off.json, 'EntityResponse');
    const on = await api.post(`/v1/entities/${e.id}/activate`, undefined);
    expect(on.json.status).toBe('active');
  });

  it('reads and sets default_role_id in the entity settings (a role of this entity only)', async () => {
    const e = await api.entity();
    const other = await api.entity();
    const role = await api.role(e.id, ROLE());
    const foreignRole = await api.role(other.id, ROLE());
    expect((await api.get(`/v1/entities/${e.id}/settings`)).json.default_role_id).toBeNull();
    const set = await api.patch(`/v1/entities/${e.id}/settings`, { default_role_id: role.id });
    expect(set.status).toBe(200);
    expect(set.json.default_role_id).toBe(role.id);
    const foreign = await api.patch(`/v1/entities/${e.id}/settings`, { default_role_id: foreignRole.id });
    expect(foreign.status).toBe(422);
    expect(foreign.json.detail[0].loc).toEqual(['body', 'default_role_id']);
    expect((await api.get(`/v1/entities/${e.id}/settings`)).json.default_role_id).toBe(role.id);
  });

  it('lists with filters, in the reference page shape', async () => {
    const a = await api.entity(INDIVIDUAL());
    const list = await api.get(`/v1/entities?type=individual&id__in=${a.id}`);
    expect(list.status).toBe(200);
    expectPage(list.json, 'EntityResponse', 'EntityPaginationResponse');
    expect(list.json.data.map((x: any) => x.id)).toEqual([a.id]);
  });

  it('422s a malformed path id, 404s an unknown one', async () => {
    const bad = await api.get('/v1/entities/not-a-uuid');
    expect(bad.status).toBe(422);
    expect(bad.json.detail[0].loc).toEqual(['path', 'entity_id']);
    const missing = await api.get('/v1/entities/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { message: expect.any(String) } });
  });
});
