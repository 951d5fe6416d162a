import { Api, partner, ROLE } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/**
 * Tenant isolation, endpoint by endpoint: another project's entity, or another
 * entity's user or role, answers exactly as a record that does not exist (same
 * status, same body), and nothing of it changes.
 */
describe('tenant isolation', () => {
  let sys: TestSystem;
  let mine: Api;
  let theirs: Api;
  let myEntity: string;
  let myOtherEntity: string;
  let their: { entity: string; user: string; role: string };
  const MISSING = '00000000-0000-4000-8000-00000000dead';

  beforeAll(async () => {
    sys = await TestSystem.start();
    mine = new Api(sys, (await partner(sys)).token);
    theirs = new Api(sys, (await partner(sys)).token);
    myEntity = (await mine.entity()).id;
    myOtherEntity = (await mine.entity()).id;
    const e = (await theirs.entity()).id;
    their = { entity: e, user: (await theirs.user(e)).id, role: (await theirs.role(e)).id };
  });
  afterAll(() => sys?.stop());

  type Call = (api: Api, id: string) => Promise<{ status: number; json: any }>;

  /** The same call with a foreign id and with an id that exists nowhere: same answer. */
  async function same(call: Call, foreignId: string): Promise<void> {
    const foreign = await call(mine, foreignId);
    const missing = await call(mine, MISSING);
    expect(foreign.status).toBe(missing.status);
    expect(foreign.json).toEqual(missing.json);
    expect(foreign.status).toBe(404);
  }

  const entityCalls: Array<[string, Call]> = [
    ['GET /entities/{id}', (a, id) => a.get(`/v1/entities/${id}`)],
    ['PATCH /entities/{id}', (a, id) => a.patch(`/v1/entities/${id}`, { phone: '1' })],
    ['POST /entities/{id}/deactivate', (a, id) => a.post(`/v1/entities/${id}/deactivate`, undefined)],
    ['POST /entities/{id}/activate', (a, id) => a.post(`/v1/entities/${id}/activate`, undefined)],
    ['GET /entities/{id}/settings', (a, id) => a.get(`/v1/entities/${id}/settings`)],
    ['PATCH /entities/{id}/settings', (a, id) => a.patch(`/v1/entities/${id}/settings`, { default_role_id: null })],
    ['GET /entity_users (foreign entity header)', (a, id) => a.get('/v1/entity_users', id)],
    ['POST /entity_users (foreign entity header)', (a, id) => a.post('/v1/entity_users', { login: 'x', first_name: 'x' }, id)],
    ['GET /roles (foreign entity header)', (a, id) => a.get('/v1/roles', id)],
    ['POST /roles (foreign entity header)', (a, id) => a.post('/v1/roles', ROLE(), id)],
  ];

  it.each(entityCalls)("%s: another project's entity answers as a missing one", async (_name, call) => {
    await same(call, their.entity);
  });

  const userCalls: Array<[string, Call]> = [
    ['GET /entity_users/{id}', (a, id) => a.get(`/v1/entity_users/${id}`, myEntity)],
    ['PATCH /entity_users/{id}', (a, id) => a.patch(`/v1/entity_users/${id}`, { title: 'x' }, myEntity)],
    ['DELETE /entity_users/{id}', (a, id) => a.delete(`/v1/entity_users/${id}`, myEntity)],
  ];
  const roleCalls: Array<[string, Call]> = [
    ['GET /roles/{id}', (a, id) => a.get(`/v1/roles/${id}`, myEntity)],
    ['PATCH /roles/{id}', (a, id) => a.patch(`/v1/roles/${id}`, { name: 'x' }, myEntity)],
    ['DELETE /roles/{id}', (a, id) => a.delete(`/v1/roles/${id}`, myEntity)],
  ];

  it.each(userCalls)("%s: another project's user answers as a missing one", async (_name, call) => {
    await same(call, their.user);
  });

  it.each(roleCalls)("%s: another project's role answers as a missing one", async (_name, call) => {
    await same(call, their.role);
  });

  it("a user or role of my other entity is missing under this entity's header", async () => {
    const u = await mine.user(myOtherEntity);
    const r = await mine.role(myOtherEntity);
    for (const [, call] of userCalls) await same(call, u.id);
    for (const [, call] of roleCalls) await same(call, r.id);
  });

  it('lists show only my own records; a foreign role cannot be assigned', async () => {
    const list = await mine.get('/v1/entities');
    expect(list.json.data.map((e: any) => e.id)).not.toContain(their.entity);
    const assign = await mine.post('/v1/entity_users', { login: 'steal', first_name: 'S', role_id: their.role }, myEntity);
    expect(assign.status).toBe(422);
  });

  it('left every foreign record unchanged', async () => {
    const e = await theirs.get(`/v1/entities/${their.entity}`);
    expect(e.json).toMatchObject({ status: 'active', version: 1 });
    expect((await theirs.get(`/v1/entity_users/${their.user}`, their.entity)).json).toMatchObject({ status: 'active', version: 1 });
    expect((await theirs.get(`/v1/roles/${their.role}`, their.entity)).json).toMatchObject({ status: 'active', version: 1 });
    expect((await theirs.get(`/v1/entities/${their.entity}/settings`)).json.version).toBe(1);
  });

  it('does not let a create with a foreign entity header land anywhere', async () => {
    const before = await theirs.get('/v1/entity_users', their.entity);
    await mine.post('/v1/entity_users', { login: 'intruder', first_name: 'I' }, their.entity);
    const after = await theirs.get('/v1/entity_users', their.entity);
    expect(after.json.data.length).toBe(before.json.data.length);
  });
});
