import { Api, partner } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('lists: limits, order, keyset pagination', () => {
  let sys: TestSystem;
  let api: Api;
  let entityId: string;
  let ids: string[];

  beforeAll(async () => {
    sys = await TestSystem.start();
    api = new Api(sys, (await partner(sys)).token);
    entityId = (await api.entity()).id;
    ids = [];
    for (let i = 0; i < 25; i++) ids.push((await api.user(entityId, { login: `user-${String(i).padStart(2, '0')}` })).id);
  });
  afterAll(() => sys?.stop());

  async function all(path: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let res = await api.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}`, entityId);
    for (;;) {
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(limit);
      seen.push(...res.json.data.map((u: any) => u.id));
      if (!res.json.next_pagination_token) return seen;
      res = await api.get(`/v1/entity_users?limit=${limit}&pagination_token=${encodeURIComponent(res.json.next_pagination_token)}`, entityId);
    }
  }

  it.each(['0', '101', '-1', '1.5', 'ten'])('422s limit=%s at its location', async (limit) => {
    const res = await api.get(`/v1/entity_users?limit=${limit}`, entityId);
    expect(res.status).toBe(422);
    expect(res.json.detail[0].loc).toEqual(['query', 'limit']);
  });

  it('422s an unknown order or sort field', async () => {
    expect((await api.get('/v1/entity_users?order=sideways', entityId)).json.detail[0].loc).toEqual(['query', 'order']);
    expect((await api.get('/v1/entity_users?sort=login', entityId)).json.detail[0].loc).toEqual(['query', 'sort']);
  });

  it('defaults to 100 per page, in creation order', async () => {
    const res = await api.get('/v1/entity_users', entityId);
    expect(res.json.data.map((u: any) => u.id)).toEqual(ids);
    expect(res.json.next_pagination_token).toBeNull();
    expect(res.json.prev_pagination_token).toBeNull();
  });

  it('pages through everything once, forwards and backwards, in both orders', async () => {
    expect(await all('/v1/entity_users', 7)).toEqual(ids);
    expect(await all('/v1/entity_users?order=desc', 7)).toEqual([...ids].reverse());
    // Forward two pages, then back one: the first page again.
    const p1 = await api.get('/v1/entity_users?limit=10', entityId);
    const p2 = await api.get(`/v1/entity_users?limit=10&pagination_token=${encodeURIComponent(p1.json.next_pagination_token)}`, entityId);
    expect(p2.json.prev_pagination_token).toEqual(expect.any(String));
    const back = await api.get(`/v1/entity_users?limit=10&pagination_token=${encodeURIComponent(p2.json.prev_pagination_token)}`, entityId);
    expect(back.json.data.map((u: any) => u.id)).toEqual(p1.json.data.map((u: any) => u.id));
    expect(back.json.prev_pagination_token).toBeNull();
  });

  it('keeps the filters in the token', async () => {
    const first = await api.get('/v1/entity_users?limit=2&name__istartswith=cas&id__in=' + ids.slice(0, 3).join('&id__in='), entityId);
    expect(first.json.data).toHaveLength(2);
    const next = await api.get(`/v1/entity_users?limit=2&pagination_token=${encodeURIComponent(first.json.next_pagination_token)}`, entityId);
    expect(next.json.data.map((u: any) => u.id)).toEqual([ids[2]]);
  });

  it('refuses a tampered or foreign-made token with 422', async () => {
    const p1 = await api.get('/v1/entity_users?limit=5', entityId);
    const [body, mac] = p1.json.next_pagination_token.split('.');
    const state = JSON.parse(Buffer.from(body, 'base64url').toString());
    state.filters = { login: 'someone-else' };
    const forged = `${Buffer.from(JSON.stringify(state)).toString('base64url')}.${mac}`;
    const res = await api.get(`/v1/entity_users?pagination_token=${encodeURIComponent(forged)}`, entityId);
    expect(res.status).toBe(422);
    expect(res.json.detail[0].loc).toEqual(['query', 'pagination_token']);
    expect((await api.get('/v1/entity_users?pagination_token=garbage', entityId)).status).toBe(422);
  });

  it("refuses with 422 a token of another project's, another entity's or another list (each valid where it was made)", async () => {
    const tokenOf = async (who: Api, path: string, entity?: string): Promise<string> => {
      const page = await who.get(path, entity);
      expect(page.status).toBe(200);
      expect(page.json.next_pagination_token).toEqual(expect.any(String));
      // Valid where it was made.
      expect((await who.get(`${path.split('?')[0]}?pagination_token=${encodeURIComponent(page.json.next_pagination_token)}`, entity)).status).toBe(200);
      return page.json.next_pagination_token;
    };
    const otherProject = new Api(sys, (await partner(sys)).token);
    const theirEntity = (await otherProject.entity()).id;
    await otherProject.user(theirEntity);
    await otherProject.user(theirEntity);
    const otherEntity = (await api.entity()).id;
    await api.user(otherEntity);
    await api.user(otherEntity);
    await api.role(entityId);
    await api.role(entityId);
    await api.entity();
    const foreign: Array<[string, string]> = [
      ['another project', await tokenOf(otherProject, '/v1/entity_users?limit=1', theirEntity)],
      ['another entity', await tokenOf(api, '/v1/entity_users?limit=1', otherEntity)],
      ['another list (roles)', await tokenOf(api, '/v1/roles?limit=1', entityId)],
      ['another list (entities)', await tokenOf(api, '/v1/entities?limit=1')],
    ];
    for (const [, token] of foreign) {
      const res = await api.get(`/v1/entity_users?pagination_token=${encodeURIComponent(token)}`, entityId);
      expect(res.status).toBe(422);
      expect(res.json.detail[0].loc).toEqual(['query', 'pagination_token']);
    }
    // And the other way round: this list's token is no good on the roles list.
    const mine = await tokenOf(api, '/v1/entity_users?limit=1', entityId);
    expect((await api.get(`/v1/roles?pagination_token=${encodeURIComponent(mine)}`, entityId)).status).toBe(422);
  });

  it("stays correct while rows are inserted: every row that existed is seen exactly once", async () => {
    const seen: string[] = [];
    let res = await api.get('/v1/entity_users?limit=5', entityId);
    let inserted = 0;
    for (;;) {
      seen.push(...res.json.data.map((u: any) => u.id));
      // Another client inserts between every two page requests.
      await Promise.all([api.user(entityId), api.user(entityId)]);
      inserted += 2;
      if (!res.json.next_pagination_token) break;
      res = await api.get(`/v1/entity_users?limit=5&pagination_token=${encodeURIComponent(res.json.next_pagination_token)}`, entityId);
    }
    expect(inserted).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
    // In creation order, new rows appear after the old ones, never in between.
    expect(seen.slice(0, ids.length)).toEqual(ids);
  });
});
