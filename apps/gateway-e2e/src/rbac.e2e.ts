import { CATALOGUE } from '@gatehouse/permissions';
import { CheckBatchResponse, CheckRequest, PolicySubjects } from '@gatehouse/contracts';
import { Permission, roleOf, userWithRole, Api, partner, Partner } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const CRUD = ['create', 'read', 'update', 'delete'] as const;
const PERMISSIONS: Permission[] = ['allowed', 'allowed_for_own', 'not_allowed'];

/**
 * One table of cases: each permission value × own/other's record × token kind ×
 * same/other entity × same/other project. Through the HTTPS API for the object
 * types that have endpoints here (entity_user, role, entity), and through
 * policy.v1.check for every other object type and action of the catalogue.
 */
describe('RBAC', () => {
  let sys: TestSystem;
  let p: Partner;
  let partnerApi: Api;
  let entity: string;
  let otherEntity: string;
  let foreignEntity: string;
  const as: Record<Permission, { api: Api; user: any; token: string }> = {} as any;

  beforeAll(async () => {
    sys = await TestSystem.start();
    p = await partner(sys);
    partnerApi = new Api(sys, p.token);
    entity = (await partnerApi.entity()).id;
    otherEntity = (await partnerApi.entity()).id;
    const q = await partner(sys);
    foreignEntity = (await new Api(sys, q.token).entity()).id;
    for (const perm of PERMISSIONS) {
      const role = roleOf(`http-${perm}`, {
        entity_user: { actions: CRUD, permission: perm },
        role: { actions: CRUD, permission: perm },
        entity: { actions: ['read', 'update'], permission: perm },
      });
      const made = await userWithRole(sys, partnerApi, p, entity, role);
      as[perm] = { api: made.api, user: made.user, token: made.token };
    }
  }, 120_000);
  afterAll(() => sys?.stop());

  const ok = (s: number) => s >= 200 && s < 300;

  describe.each(PERMISSIONS)('entity users and roles with %s', (perm) => {
    const may = perm !== 'not_allowed';
    const mayOthers = perm === 'allowed';

    it.each([
      ['entity_users', { login: `made-${perm}-${Math.random()}`, first_name: 'M' }],
      ['roles', { name: `made-${perm}-${Math.random()}`, permissions: { objects: [] } }],
    ])('create %s: %s', async (path, body) => {
      const res = await as[perm].api.post(`/v1/${path}`, body, entity);
      expect(ok(res.status)).toBe(may);
      if (!may) expect(res.status).toBe(403);
      if (may) expect(res.json.created_by_entity_user_id).toBe(as[perm].user.id);
    });

    it.each(['entity_users', 'roles'])("%s: read, update, delete someone else's record", async (path) => {
      const theirs =
        path === 'roles' ? await partnerApi.role(entity) : await partnerApi.user(entity);
      const me = as[perm].api;
      const body = path === 'roles' ? { name: `${theirs.name}-x` } : { title: 'x' };
      expect(ok((await me.get(`/v1/${path}/${theirs.id}`, entity)).status)).toBe(mayOthers);
      expect(ok((await me.patch(`/v1/${path}/${theirs.id}`, body, entity)).status)).toBe(mayOthers);
      const del = await me.delete(`/v1/${path}/${theirs.id}`, entity);
      expect(ok(del.status)).toBe(mayOthers);
      if (!mayOthers) expect(del.status).toBe(403);
    });

    it.each(['entity_users', 'roles'])('%s: read, update, delete my own record, and lists', async (path) => {
      if (!may) {
        expect((await as[perm].api.get(`/v1/${path}`, entity)).status).toBe(403);
        return;
      }
      const me = as[perm].api;
      const mine =
        path === 'roles'
          ? (await me.post('/v1/roles', { name: `own-${Math.random()}`, permissions: { objects: [] } }, entity)).json
          : (await me.post('/v1/entity_users', { login: `own-${Math.random()}`, first_name: 'O' }, entity)).json;
      const theirs = path === 'roles' ? await partnerApi.role(entity) : await partnerApi.user(entity);
      expect((await me.get(`/v1/${path}/${mine.id}`, entity)).status).toBe(200);
      const list = (await me.get(`/v1/${path}?limit=100`, entity)).json.data.map((r: any) => r.id);
      expect(list).toContain(mine.id);
      // allowed_for_own filters the list to the user's own records.
      expect(list.includes(theirs.id)).toBe(mayOthers);
      if (!mayOthers) for (const r of (await me.get(`/v1/${path}?limit=100`, entity)).json.data) expect(r.created_by_entity_user_id).toBe(as[perm].user.id);
      const body = path === 'roles' ? { name: `${mine.name}-2` } : { title: 'mine' };
      expect((await me.patch(`/v1/${path}/${mine.id}`, body, entity)).status).toBe(200);
      expect((await me.delete(`/v1/${path}/${mine.id}`, entity)).status).toBe(204);
    });

    it('my entity: read and update (the entity was created by the partner, so "own" does not reach it)', async () => {
      const read = await as[perm].api.get('/v1/entity_users/my_entity');
      const update = await as[perm].api.patch('/v1/entity_users/my_entity', { phone: '+49 1' });
      expect(ok(read.status)).toBe(mayOthers);
      expect(ok(update.status)).toBe(mayOthers);
      if (!mayOthers) expect(read.status).toBe(403);
    });

    it('another entity of the project, or of another project, is refused whatever the role', async () => {
      for (const e of [otherEntity, foreignEntity]) {
        const res = await as[perm].api.get('/v1/entity_users', e);
        expect(res.status).toBe(403);
        expect(res.json).toEqual({ error: { message: expect.any(String) } });
      }
    });

    it('partner-only operations are refused to entity users', async () => {
      expect((await as[perm].api.get('/v1/entities')).status).toBe(403);
      expect((await as[perm].api.post('/v1/entities', {})).status).toBe(403);
      expect((await sys.http.get('/v1/settings', { token: as[perm].token })).status).toBe(403);
      expect((await as[perm].api.get(`/v1/entities/${entity}`)).status).toBe(403);
    });
  });

  it('partner tokens are root in their project', async () => {
    const theirs = await partnerApi.user(entity);
    expect((await partnerApi.get(`/v1/entity_users/${theirs.id}`, entity)).status).toBe(200);
    expect((await partnerApi.get(`/v1/entities/${foreignEntity}`)).status).toBe(404);
  });

  describe('every other object type and action, through policy.v1.check', () => {
    const SKIP = new Set(['entity_user', 'role', 'entity']);
    const others = Object.entries(CATALOGUE).filter(([t]) => !SKIP.has(t));
    const users: Partial<Record<Permission, string>> = {};

    beforeAll(async () => {
      for (const perm of PERMISSIONS) {
        const grants = Object.fromEntries(others.map(([t, actions]) => [t, { actions, permission: perm }]));
        users[perm] = (await userWithRole(sys, partnerApi, p, entity, roleOf(`catalogue-${perm}`, grants))).user.id;
      }
    }, 60_000);

    it.each(PERMISSIONS)('%s: every (object type, action) × own/other/no resource × same/other entity × partner', async (perm) => {
      const me = users[perm] as string;
      const someoneElse = as.allowed.user.id;
      const checks: Array<{ req: CheckRequest; expect: { allowed: boolean; scope?: 'all' | 'own' } }> = [];
      const principal = { kind: 'entity_user' as const, project_id: p.project_id, entity_user_id: me, entity_id: entity };
      for (const [object_type, actions] of others) {
        for (const action of actions) {
          const base = { principal, entity_id: entity, object_type, action };
          const all = perm === 'allowed';
          const own = perm === 'allowed_for_own';
          checks.push({ req: base, expect: { allowed: all || own, scope: all ? 'all' : own ? 'own' : undefined } });
          checks.push({ req: { ...base, resource_created_by: me }, expect: { allowed: all || own } });
          checks.push({ req: { ...base, resource_created_by: someoneElse }, expect: { allowed: all } });
          checks.push({ req: { ...base, entity_id: otherEntity }, expect: { allowed: false } });
          checks.push({ req: { ...base, principal: { kind: 'partner', project_id: p.project_id } }, expect: { allowed: true, scope: 'all' } });
          checks.push({ req: { ...base, principal: { kind: 'partner', project_id: '00000000-0000-4000-8000-000000000001' } }, expect: { allowed: false } });
        }
      }
      const nats = await sys.nats();
      const results: CheckBatchResponse['results'] = [];
      for (let i = 0; i < checks.length; i += 200) {
        const batch = await nats.request<CheckBatchResponse>(PolicySubjects.checkBatch, { checks: checks.slice(i, i + 200).map((c) => c.req) });
        results.push(...batch.results);
      }
      expect(results).toHaveLength(checks.length);
      results.forEach((r, i) => {
        const want = checks[i].expect;
        const label = JSON.stringify(checks[i].req);
        expect({ label, allowed: r.allowed }).toEqual({ label, allowed: want.allowed });
        if (want.scope) expect({ label, scope: r.scope }).toEqual({ label, scope: want.scope });
        expect(typeof r.reason).toBe('string');
      });
    });
  });
});
