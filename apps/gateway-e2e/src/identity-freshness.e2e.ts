import { freePort } from '@gatehouse/supervisor';
import { Api, partner, Partner, roleOf, userWithRole } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/** What an instance's /metrics says it served of `subject` (gatehouse_nats_served_total, outcome ok). */
async function served(sys: TestSystem, instance: string, subject: string): Promise<number> {
  const text = await (await fetch(sys.metricsUrl(instance))).text();
  const line = text.split('\n').find((l) => l.startsWith('gatehouse_nats_served_total{') && l.includes(`subject="${subject}"`) && l.includes('outcome="ok"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * identity keeps the users it reads by id in memory (common/read-cache.ts); two
 * instances share the work in their queue group. Whichever instance takes a write
 * and whichever answers the next read, the read sees the write.
 */
describe('identity reads are fresh after every write, on every identity instance', () => {
  let sys: TestSystem;
  let p: Partner;
  let partnerApi: Api;
  let entity: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    await sys.startService('identity', 'identity-2', { IDENTITY_HTTP_PORT: String(await freePort()) });
    p = await partner(sys);
    partnerApi = new Api(sys, p.token);
    entity = (await partnerApi.entity()).id;
  });
  afterAll(() => sys?.stop());

  it('GET /entity_users/{id} and /me see each change on the next request (200 rounds, two identity instances, writes through both routes)', async () => {
    const u = await userWithRole(sys, partnerApi, p, entity, roleOf('self reader', { entity_user: { actions: ['read'], permission: 'allowed' } }));
    const byId = `/v1/entity_users/${u.user.id}`;
    const stale: string[] = [];
    for (let i = 0; i < 200; i++) {
      const title = `title ${i}`;
      // Alternately the partner (PATCH /{id}) and the user itself (PATCH /me).
      const write = i % 2 === 0 ? await partnerApi.patch(byId, { title }, entity) : await u.api.patch('/v1/entity_users/me', { title });
      expect(write.status).toBe(200);
      const asPartner = await partnerApi.get(byId, entity);
      const asUser = await u.api.get('/v1/entity_users/me');
      if (asPartner.json.title !== title) stale.push(`round ${i}: GET /{id} answered ${JSON.stringify(asPartner.json.title)}`);
      if (asUser.json.title !== title) stale.push(`round ${i}: GET /me answered ${JSON.stringify(asUser.json.title)}`);
    }
    expect(stale).toEqual([]);

    // A deletion too: the user reads as deleted at once, and its token has no "me" any more.
    expect((await partnerApi.delete(byId, entity)).status).toBe(204);
    expect((await partnerApi.get(byId, entity)).json).toMatchObject({ id: u.user.id, status: 'deleted' });
    expect((await u.api.get('/v1/entity_users/me')).status).toBe(403);

    // Both instances took writes and answered reads, so reads followed writes made on the other one.
    for (const instance of ['identity', 'identity-2']) {
      expect(await served(sys, instance, 'identity.v1.entity_user.update')).toBeGreaterThan(0);
      expect(await served(sys, instance, 'identity.v1.entity_user.get')).toBeGreaterThan(0);
    }
  });

  it("GET /me feels its entity's deactivation and reactivation on the next request (60 rounds, two identity instances)", async () => {
    const e = (await partnerApi.entity()).id;
    const u = await userWithRole(sys, partnerApi, p, e, roleOf('self reader', { entity_user: { actions: ['read'], permission: 'allowed' } }));
    const stale: string[] = [];
    for (let i = 0; i < 60; i++) {
      const active = i % 2 === 1;
      const flip = await partnerApi.post(`/v1/entities/${e}/${active ? 'activate' : 'deactivate'}`, {});
      expect(flip.status).toBe(200);
      const me = await u.api.get('/v1/entity_users/me');
      if (me.status !== (active ? 200 : 403)) stale.push(`round ${i}: entity ${active ? 'active' : 'inactive'}, GET /me answered ${me.status}`);
    }
    expect(stale).toEqual([]);
    for (const instance of ['identity', 'identity-2']) {
      expect(await served(sys, instance, 'identity.v1.entity_user.me')).toBeGreaterThan(0);
      expect(await served(sys, instance, 'identity.v1.entity.deactivate')).toBeGreaterThan(0);
    }
  });
});
