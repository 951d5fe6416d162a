import { CheckResponse, IdentitySubjects, PolicySubjects } from '@gatehouse/contracts';
import { roleOf, userWithRole, Api, partner, Partner } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const CRUD = ['create', 'read', 'update', 'delete'] as const;
const CRUD_ALLOWED = { actions: CRUD, permission: 'allowed' } as const;

describe('RBAC guards: escalation, me, freshness, failing closed', () => {
  let sys: TestSystem;
  let p: Partner;
  let partnerApi: Api;
  let entity: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    p = await partner(sys);
    partnerApi = new Api(sys, p.token);
    entity = (await partnerApi.entity()).id;
  });
  afterAll(() => sys?.stop());

  it('refuses privilege escalation, naming the first permission that exceeds the caller', async () => {
    const admin = await userWithRole(
      sys,
      partnerApi,
      p,
      entity,
      roleOf('role admin', {
        role: { actions: CRUD, permission: 'allowed' },
        entity_user: { actions: CRUD, permission: 'allowed_for_own' },
      }),
    );
    const within = await admin.api.post(
      '/v1/roles',
      roleOf('within', { entity_user: { actions: ['read'], permission: 'allowed_for_own' } }),
      entity,
    );
    expect(within.status).toBe(200);
    const above = await admin.api.post('/v1/roles', roleOf('above', { entity_user: { actions: ['read'], permission: 'allowed' } }), entity);
    expect(above.status).toBe(403);
    expect(above.json.error.message).toContain('entity_user.read');
    const patchAbove = await admin.api.patch(`/v1/roles/${within.json.id}`, roleOf('x', { payable: { actions: ['pay'], permission: 'allowed' } }), entity);
    expect(patchAbove.status).toBe(403);
    expect(patchAbove.json.error.message).toContain('payable.pay');
    // Assigning a stronger role to a user is the same escalation.
    const strong = await partnerApi.role(entity, roleOf('strong', { entity_user: { actions: CRUD, permission: 'allowed' } }));
    const assign = await admin.api.post('/v1/entity_users', { login: `esc-${Date.now()}`, first_name: 'E', role_id: strong.id }, entity);
    expect(assign.status).toBe(403);
    // Partners are not limited.
    expect((await partnerApi.post('/v1/roles', roleOf('partner-made', { payable: { actions: ['pay'], permission: 'allowed' } }), entity)).status).toBe(200);
  });

  describe("escalation through a default role: a user without a role gets its entity's, else the project's", () => {
    const admin = () =>
      roleOf(`admin-${Math.random()}`, {
        entity_user: { actions: CRUD, permission: 'allowed' },
        payable: { actions: ['read', 'pay'], permission: 'allowed' },
      });
    const limited = () => roleOf(`own-users-${Math.random()}`, { entity_user: { actions: CRUD, permission: 'allowed_for_own' } });

    it("refuses to create a user without a role in an entity whose default role is above the caller (403 naming it); creates none", async () => {
      const e = (await partnerApi.entity()).id;
      const adminRole = await partnerApi.role(e, admin());
      expect((await partnerApi.patch(`/v1/entities/${e}/settings`, { default_role_id: adminRole.id })).status).toBe(200);
      const caller = await userWithRole(sys, partnerApi, p, e, limited());
      const login = `via-default-${Date.now()}`;
      const res = await caller.api.post('/v1/entity_users', { login, first_name: 'V' }, e);
      expect(res.status).toBe(403);
      expect(res.json.error.message).toMatch(/^Privilege escalation: entity_user\.create is allowed in the entity's default role, which the user would get, but allowed_for_own for you$/);
      expect((await partnerApi.get(`/v1/entity_users?login=${login}`, e)).json.data).toEqual([]);
      // With a default role at most the caller's, the same request is fine.
      const mild = await partnerApi.role(e, roleOf(`mild-${Math.random()}`, { entity_user: { actions: ['read'], permission: 'allowed_for_own' } }));
      expect((await partnerApi.patch(`/v1/entities/${e}/settings`, { default_role_id: mild.id })).status).toBe(200);
      expect((await caller.api.post('/v1/entity_users', { login, first_name: 'V' }, e)).status).toBe(200);
    });

    it("refuses the same through the project's default role, when the entity has none", async () => {
      const e = (await partnerApi.entity()).id;
      const caller = await userWithRole(sys, partnerApi, p, e, limited());
      expect((await sys.http.patch('/v1/settings', { token: p.token, json: { default_role: admin() } })).status).toBe(200);
      try {
        const res = await caller.api.post('/v1/entity_users', { login: `via-project-${Date.now()}`, first_name: 'V' }, e);
        expect(res.status).toBe(403);
        expect(res.json.error.message).toContain("entity_user.create is allowed in the project's default role, which the user would get");
      } finally {
        await sys.http.patch('/v1/settings', { token: p.token, json: { default_role: null } });
      }
      expect((await caller.api.post('/v1/entity_users', { login: `via-none-${Date.now()}`, first_name: 'V' }, e)).status).toBe(200);
    });
  });

  describe('no demotion or deletion of those above you', () => {
    // Rights over roles and users, none over payables.
    const manager = () =>
      roleOf(`manager-${Math.random()}`, {
        role: { actions: CRUD, permission: 'allowed' },
        entity_user: { actions: CRUD, permission: 'allowed' },
      });
    const payables = () => roleOf(`payables-${Math.random()}`, { payable: { actions: ['read', 'create', 'pay'], permission: 'allowed' } });

    it('refuses to change or delete a role that holds more than the caller; the role stays as it was', async () => {
      const caller = await userWithRole(sys, partnerApi, p, entity, manager());
      const above = await partnerApi.role(entity, payables());
      const demote = await caller.api.patch(`/v1/roles/${above.id}`, roleOf(above.name, { receivable: { actions: ['read'], permission: 'allowed' } }), entity);
      expect(demote.status).toBe(403);
      expect(demote.json.error.message).toBe('Privilege escalation: payable.create is allowed in the role as it stands, but not_allowed for you');
      const rename = await caller.api.patch(`/v1/roles/${above.id}`, { name: `renamed-${Math.random()}` }, entity);
      expect(rename.status).toBe(403);
      const remove = await caller.api.delete(`/v1/roles/${above.id}`, entity);
      expect(remove.status).toBe(403);
      expect(remove.json.error.message).toContain('payable.create');
      const after = await partnerApi.get(`/v1/roles/${above.id}`, entity);
      expect(after.json).toMatchObject({ status: 'active', name: above.name, permissions: above.permissions, version: above.version });
      // A role within the caller's own rights: changed and deleted.
      const within = await partnerApi.role(entity, roleOf(`within-${Math.random()}`, { role: { actions: ['read'], permission: 'allowed' } }));
      expect((await caller.api.patch(`/v1/roles/${within.id}`, roleOf(within.name, { entity_user: { actions: ['read'], permission: 'allowed' } }), entity)).status).toBe(200);
      expect((await caller.api.delete(`/v1/roles/${within.id}`, entity)).status).toBe(204);
    });

    it("checks the caller's own standing in the write's transaction: a write decided on permissions that have since changed is refused", async () => {
      const caller = await userWithRole(sys, partnerApi, p, entity, manager());
      const nats = await sys.nats();
      const principal = { kind: 'entity_user', project_id: p.project_id, entity_id: entity, entity_user_id: caller.user.id };
      const decide = () =>
        nats.request<CheckResponse>(PolicySubjects.check, { principal, entity_id: entity, object_type: 'role', action: 'create', with_ceiling: true });
      const decided = await decide();
      expect(decided).toMatchObject({ allowed: true, ceiling: { permissions: caller.role.permissions } });
      const access = { project_id: p.project_id, entity_id: entity, actor_entity_user_id: caller.user.id, scope: 'all', ceiling: decided.ceiling };
      const body = () => roleOf(`raced-${Math.random()}`, { role: { actions: ['read'], permission: 'allowed' } });
      // The caller's role changes between the decision and the write.
      const changed = roleOf(caller.role.name, { role: CRUD_ALLOWED, entity_user: { actions: ['read'], permission: 'allowed' } });
      expect((await partnerApi.patch(`/v1/roles/${caller.role.id}`, changed, entity)).status).toBe(200);
      await expect(nats.request(IdentitySubjects.roleCreate, { access, body: body() })).rejects.toMatchObject({ body: { code: 'conflict' } });
      // Decided afresh, the same write goes through; without the decision's permissions, it is refused.
      await expect(nats.request(IdentitySubjects.roleCreate, { access: { ...access, ceiling: (await decide()).ceiling }, body: body() })).resolves.toMatchObject({
        created_by_entity_user_id: caller.user.id,
      });
      await expect(nats.request(IdentitySubjects.roleCreate, { access: { ...access, ceiling: undefined }, body: body() })).rejects.toMatchObject({
        body: { code: 'forbidden' },
      });
    });

    it('refuses to change or delete a user who holds more than the caller (its role, or the default it falls back to)', async () => {
      const caller = await userWithRole(sys, partnerApi, p, entity, manager());
      const aboveRole = await partnerApi.role(entity, payables());
      const above = await partnerApi.user(entity, { role_id: aboveRole.id });
      const edit = await caller.api.patch(`/v1/entity_users/${above.id}`, { first_name: 'Demoted' }, entity);
      expect(edit.status).toBe(403);
      expect(edit.json.error.message).toBe('Privilege escalation: payable.create is allowed in its role, which the entity user holds, but not_allowed for you');
      const within = await partnerApi.role(entity, roleOf(`plain-${Math.random()}`, { entity_user: { actions: ['read'], permission: 'allowed' } }));
      expect((await caller.api.patch(`/v1/entity_users/${above.id}`, { role_id: within.id }, entity)).status).toBe(403);
      const remove = await caller.api.delete(`/v1/entity_users/${above.id}`, entity);
      expect(remove.status).toBe(403);
      expect((await partnerApi.get(`/v1/entity_users/${above.id}`, entity)).json).toMatchObject({ status: 'active', role_id: aboveRole.id, first_name: above.first_name });
      // Through a default role too: a user without a role in an entity whose default is above the caller.
      const e = (await partnerApi.entity()).id;
      const eCaller = await userWithRole(sys, partnerApi, p, e, manager());
      const bare = await partnerApi.user(e);
      const eAbove = await partnerApi.role(e, payables());
      expect((await partnerApi.patch(`/v1/entities/${e}/settings`, { default_role_id: eAbove.id })).status).toBe(200);
      const viaDefault = await eCaller.api.delete(`/v1/entity_users/${bare.id}`, e);
      expect(viaDefault.status).toBe(403);
      expect(viaDefault.json.error.message).toContain("in the entity's default role, which the entity user holds");
      // A user within the caller's rights: changed and deleted.
      const peer = await partnerApi.user(entity, { role_id: within.id });
      expect((await caller.api.patch(`/v1/entity_users/${peer.id}`, { first_name: 'Fine' }, entity)).status).toBe(200);
      expect((await caller.api.delete(`/v1/entity_users/${peer.id}`, entity)).status).toBe(204);
    });
  });

  it('me, my_role and my_entity answer entity-user tokens; me cannot change its login or role', async () => {
    const u = await userWithRole(sys, partnerApi, p, entity, roleOf('reader', { entity: { actions: ['read'], permission: 'allowed' } }));
    const me = await u.api.get('/v1/entity_users/me');
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(u.user.id);
    const patched = await u.api.patch('/v1/entity_users/me', { title: 'Boss' });
    expect(patched.json.title).toBe('Boss');
    expect((await u.api.patch('/v1/entity_users/me', { login: 'new' })).status).toBe(422);
    expect((await u.api.patch('/v1/entity_users/me', { role_id: u.role.id })).status).toBe(422);
    const myRole = await u.api.get('/v1/entity_users/my_role');
    expect(myRole.json).toMatchObject({ id: u.role.id, source: 'role' });
    expect((await u.api.get('/v1/entity_users/my_entity')).json.id).toBe(entity);
    expect((await partnerApi.get('/v1/entity_users/me')).status).toBe(403);
  });

  it("falls back to the entity's default role, then the project's, and says which", async () => {
    const e = (await partnerApi.entity()).id;
    const bare = await partnerApi.user(e);
    const token = (await sys.http.post('/v1/auth/token', { json: { grant_type: 'entity_user', client_id: p.client_id, client_secret: p.client_secret, entity_user_id: bare.id } })).json.access_token;
    const api = new Api(sys, token);
    expect((await api.get('/v1/entity_users/my_role')).json).toMatchObject({ source: 'none' });
    expect((await api.get('/v1/roles', e)).status).toBe(403);

    await sys.http.patch('/v1/settings', { token: p.token, json: { default_role: roleOf('project default', { role: { actions: ['read'], permission: 'allowed' } }) } });
    expect((await api.get('/v1/entity_users/my_role')).json).toMatchObject({ source: 'project_default' });
    expect((await api.get('/v1/roles', e)).status).toBe(200);

    const entityDefault = await partnerApi.role(e, roleOf('entity default', { entity_user: { actions: ['read'], permission: 'allowed' } }));
    await partnerApi.patch(`/v1/entities/${e}/settings`, { default_role_id: entityDefault.id });
    expect((await api.get('/v1/entity_users/my_role')).json).toMatchObject({ source: 'entity_default', id: entityDefault.id });
    expect((await api.get('/v1/roles', e)).status).toBe(403);
    expect((await api.get('/v1/entity_users', e)).status).toBe(200);
    await sys.http.patch('/v1/settings', { token: p.token, json: { default_role: null } });
  });

  it('feels every change on the next request, on every policy instance (200 rounds, two instances)', async () => {
    await sys.startExtraPolicy();
    const u = await userWithRole(sys, partnerApi, p, entity, roleOf('flip', { role: { actions: ['read'], permission: 'allowed' } }));
    const stale: number[] = [];
    for (let i = 0; i < 200; i++) {
      const allow = i % 2 === 0;
      const change = await partnerApi.patch(
        `/v1/roles/${u.role.id}`,
        roleOf('flip', { role: { actions: ['read'], permission: allow ? 'allowed' : 'not_allowed' } }),
        entity,
      );
      expect(change.status).toBe(200);
      const res = await u.api.get('/v1/roles?limit=1', entity);
      if (res.status !== (allow ? 200 : 403)) stale.push(i);
    }
    expect(stale).toEqual([]);
    await sys.stopService('policy-2');
  });

  it('fails closed: with no policy instance, entity-user requests get 503 (never allowed); partners go on', async () => {
    const u = await userWithRole(sys, partnerApi, p, entity, roleOf('any', { role: { actions: ['read'], permission: 'allowed' } }));
    expect((await u.api.get('/v1/roles', entity)).status).toBe(200);
    await sys.stopService('policy');
    try {
      const res = await u.api.get('/v1/roles', entity);
      expect(res.status).toBe(503);
      expect(res.json).toEqual({ error: { message: expect.any(String) } });
      // An outage is logged once, at warn, with its reason: not as a failure with a stack (many come at once).
      const requestId = res.headers['x-request-id'];
      const line = await sys.waitForLine((l) => l.includes(`"request_id":"${requestId}"`) && l.includes('request unavailable'));
      expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'warn', reason: expect.any(String) });
      expect(sys.lines.filter((l) => l.includes(`"request_id":"${requestId}"`) && l.includes('"level":"error"'))).toEqual([]);
      expect((await partnerApi.get('/v1/roles', entity)).status).toBe(200);
    } finally {
      await sys.startService('policy');
    }
    expect((await u.api.get('/v1/roles', entity)).status).toBe(200);
  });
});
