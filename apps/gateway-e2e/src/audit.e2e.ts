import { randomUUID } from 'node:crypto';
import { Api, entityUserToken, partner, Partner, roleOf } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/**
 * GET /v1/audit_logs, Monite's audit trail: every call to an entity's resources is a
 * request and a response entry, stored by the audit service from the AUDIT stream.
 */
describe('the audit trail (GET /v1/audit_logs)', () => {
  let sys: TestSystem;
  let p: Partner;
  let api: Api;
  let entity: { id: string };
  let user: { id: string };
  let userToken: string;

  const logs = (token: string, query = '', entityId?: string) =>
    sys.http.get(`/v1/audit_logs${query}`, { token, headers: entityId ? { 'x-monite-entity-id': entityId } : {} });
  /** The trail is written asynchronously: wait until `pred` holds of a page. */
  const until = async (token: string, query: string, entityId: string | undefined, pred: (data: any[]) => boolean) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await logs(token, query, entityId);
      if ((res.status === 200 && pred(res.json.data)) || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    sys = await TestSystem.start();
    p = await partner(sys);
    api = new Api(sys, p.token);
    entity = await api.entity();
    const role = await api.role(entity.id, roleOf('reader', { entity_user: { actions: ['read'], permission: 'allowed' } }));
    user = await api.user(entity.id, { role_id: role.id });
    // Refused (422), and recorded too: its body's password must not be.
    await sys.http.post('/v1/entity_users', { token: p.token, json: { login: 'x', password: 'hunter2-never-logged' }, headers: { 'x-monite-entity-id': entity.id, 'user-agent': 'audit-e2e/1.0' } });
    userToken = await entityUserToken(sys, p, user.id);
  }, 120_000);
  afterAll(() => sys?.stop());

  it('records a call as a request and a response entry with the caller, address, agent, status, and no secret', async () => {
    const res = await until(p.token, '', entity.id, (d) => d.filter((e) => e.path === '/v1/entity_users' && e.method === 'POST').length >= 4);
    expect(res.status).toBe(200);
    const created = res.json.data.filter((e: any) => e.path === '/v1/entity_users' && e.method === 'POST');
    const response = created.find((e: any) => e.type === 'response' && e.status_code === 200);
    const request = created.find((e: any) => e.id === response?.parent_log_id);
    const refused = created.find((e: any) => e.type === 'response' && e.status_code === 422);
    expect(refused).toBeDefined();
    const refusedRequest = created.find((e: any) => e.id === refused.parent_log_id);
    expect(refusedRequest.body).toEqual({ login: 'x' });
    expect(refusedRequest.user_agent).toBe('audit-e2e/1.0');
    expect(request).toMatchObject({ entity_id: entity.id, client_id: p.client_id, entity_user_id: null, status_code: null, target_service: 'gateway' });
    expect(request.body).toMatchObject({ first_name: 'Casey', role_id: expect.any(String) });
    expect(request.client_ip).toEqual(expect.any(String));
    expect(request.request_id).toEqual(expect.any(String));
    expect(response).toMatchObject({ status_code: 200, parent_log_id: request.id, request_id: request.request_id });
    expect(response.body.id).toBe(user.id);
    const text = JSON.stringify(res.json);
    expect(text).not.toContain('hunter2-never-logged');
    expect(text).not.toContain(p.token);
    expect(text).not.toContain(p.client_secret);
    expect(text.toLowerCase()).not.toContain('authorization');
  });

  it("shows an entity user only the entries it triggered, and a partner the user's too", async () => {
    expect((await sys.http.get(`/v1/entity_users/${user.id}`, { token: userToken })).status).toBe(200);
    const own = await until(userToken, '', undefined, (d) => d.length >= 2);
    expect(own.status).toBe(200);
    expect(own.json.data.length).toBeGreaterThanOrEqual(2);
    expect(own.json.data.every((e: any) => e.entity_user_id === user.id)).toBe(true);
    const partnerView = await until(p.token, `?entity_user_id=${user.id}`, entity.id, (d) => d.length >= 2);
    expect(partnerView.json.data.map((e: any) => e.id).sort()).toEqual(own.json.data.map((e: any) => e.id).sort());
  });

  it('stores calls whose bodies hold what jsonb cannot (U+0000, a lone surrogate), and keeps storing the calls after them', async () => {
    // JSON may carry both; PostgreSQL's jsonb refuses them. An entry it refused failed its whole batch, again at every redelivery.
    const headers = { 'x-monite-entity-id': entity.id, 'user-agent': 'audit-e2e-nul/1.0', 'content-type': 'application/json' };
    for (const body of ['{"login":"nul\\u0000login","first_name":"a\\u0000b"}', '{"login":"surrogate","first_name":"\\ud800"}'])
      await sys.http.post('/v1/entity_users', { token: p.token, body, headers });
    await sys.http.get(`/v1/entity_users/${user.id}`, { token: p.token, headers });
    const res = await until(p.token, '', entity.id, (d) => d.filter((e) => e.user_agent === 'audit-e2e-nul/1.0' && e.type === 'response').length >= 3);
    const requests = res.json.data.filter((e: any) => e.user_agent === 'audit-e2e-nul/1.0' && e.type === 'request');
    expect(requests.map((e: any) => e.method).sort()).toEqual(['GET', 'POST', 'POST']);
    const bodies = requests.filter((e: any) => e.method === 'POST').map((e: any) => e.body.first_name);
    expect(bodies.sort()).toEqual(['\ud800', 'a\u0000b'].sort());
  });

  it("records a call whose headers run past the trail's limits, cut to them: a 300-character Content-Type, a 1,500-character User-Agent", async () => {
    // The contract holds content_type to 200 characters and user_agent to 1,000: an entry past either was refused, and its batch with it.
    const agent = `audit-e2e-long/${'a'.repeat(1_500)}`;
    const contentType = `application/json; note=${'b'.repeat(300)}`;
    expect((await sys.http.get(`/v1/entity_users/${user.id}`, { token: p.token, headers: { 'x-monite-entity-id': entity.id, 'user-agent': agent, 'content-type': contentType } })).status).toBe(200);
    const long = (e: any) => typeof e.user_agent === 'string' && e.user_agent.startsWith('audit-e2e-long/');
    const res = await until(p.token, '', entity.id, (d) => d.filter(long).length >= 2);
    const [request, response] = ['request', 'response'].map((type) => res.json.data.find((e: any) => long(e) && e.type === type));
    expect(request).toMatchObject({ method: 'GET', path: `/v1/entity_users/${user.id}`, user_agent: agent.slice(0, 1_000), content_type: contentType.slice(0, 200) });
    expect(response).toMatchObject({ status_code: 200, parent_log_id: request.id });
  });

  it('filters by type and pages with tokens that carry the filters', async () => {
    const first = await logs(p.token, '?type=request&page_size=1', entity.id);
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(1);
    expect(first.json.prev_pagination_token).toBeNull();
    const next = await logs(p.token, `?pagination_token=${encodeURIComponent(first.json.next_pagination_token)}&page_size=1`, entity.id);
    expect(next.status).toBe(200);
    expect(next.json.data.every((e: any) => e.type === 'request')).toBe(true);
    expect(next.json.data[0].id).not.toBe(first.json.data[0].id);
  });

  it('shows another project and another entity none of it', async () => {
    const other = await partner(sys);
    const foreign = await logs(other.token, '', entity.id);
    expect(foreign.status).toBe(200);
    expect(foreign.json.data).toEqual([]);
    const otherEntity = await api.entity();
    const res = await logs(p.token, '', otherEntity.id);
    expect(res.json.data.every((e: any) => e.entity_id === otherEntity.id)).toBe(true);
    expect(JSON.stringify(res.json)).not.toContain(user.id);
  });

  it.each([
    ['a date without a time', '?timestamp__gte=2026-01-01', 'timestamp__gte'],
    ['the year 0000 (no such year in PostgreSQL)', '?timestamp__lt=0000-06-01T00:00:00Z', 'timestamp__lt'],
    ['an offset of 16 hours or more (PostgreSQL takes at most 15:59)', '?timestamp__gt=2026-06-01T00:00:00%2B16:00', 'timestamp__gt'],
    ['an offset of 16 hours or more, without a colon', '?timestamp__lte=2026-06-01T00:00:00-2300', 'timestamp__lte'],
    ['page_size 0', '?page_size=0', 'page_size'],
    ['page_size 101', '?page_size=101', 'page_size'],
    ['an unknown type', '?type=event', 'type'],
  ])('refuses %s with 422 naming the parameter', async (_what, query, name) => {
    const res = await logs(p.token, query, entity.id);
    expect(res.status).toBe(422);
    expect(res.json.detail[0].loc).toEqual(['query', name]);
  });

  it('refuses a tampered page token with 422', async () => {
    const first = await logs(p.token, '?page_size=1', entity.id);
    const token: string = first.json.next_pagination_token;
    const [body, mac] = token.split('.');
    const state = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...state, scope: `${randomUUID()}:${entity.id}:` })).toString('base64url')}.${mac}`;
    const res = await logs(p.token, `?pagination_token=${encodeURIComponent(forged)}`, entity.id);
    expect(res.status).toBe(422);
  });

  it('gives a partner without x-monite-entity-id the project trail: credentials, tokens issued and refused, settings; no secret, no entity call', async () => {
    const refused = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: p.client_id, client_secret: 'wrong-secret-never-stored' } });
    expect(refused.status).toBe(401);
    expect((await sys.http.patch('/v1/settings', { token: p.token, json: { access_token_ttl: 600 } })).status).toBe(200);
    const res = await until(p.token, '', undefined, (d) => ['credentials.created', 'token.issued', 'token.refused', 'settings.updated'].every((k) => d.some((e) => e.kind === k)));
    expect(res.status).toBe(200);
    const data: any[] = res.json.data;
    expect(data.every((e) => e.type === 'event' && e.entity_id === null)).toBe(true);
    expect(data.find((e) => e.kind === 'credentials.created')).toMatchObject({ client_id: p.client_id, details: { client_id: p.client_id } });
    const issued = data.filter((e) => e.kind === 'token.issued');
    expect(issued.find((e) => e.details.grant_type === 'client_credentials')).toMatchObject({ client_id: p.client_id, entity_user_id: null });
    expect(issued.find((e) => e.details.grant_type === 'entity_user')).toMatchObject({ client_id: p.client_id, entity_user_id: user.id, details: { entity_id: entity.id } });
    expect(data.find((e) => e.kind === 'token.refused')).toMatchObject({ client_id: p.client_id, details: { reason: 'invalid_client', grant_type: 'client_credentials' } });
    expect(data.find((e) => e.kind === 'settings.updated').details).toMatchObject({ before: { access_token_ttl: 1800 }, after: { access_token_ttl: 600 } });
    const text = JSON.stringify(data);
    for (const secret of [p.client_secret, 'wrong-secret-never-stored', p.token, userToken]) expect(text).not.toContain(secret);
    // The entity user sees none of it; another project neither.
    expect((await logs(userToken)).json.data.every((e: any) => e.type !== 'event')).toBe(true);
    const other = await partner(sys);
    const theirs = await until(other.token, '', undefined, (d) => d.some((e) => e.kind === 'token.issued'));
    expect(theirs.json.data.every((e: any) => e.client_id === other.client_id)).toBe(true);
  });

  it('records an RBAC denial in the project trail with the caller and the rule', async () => {
    // The user's role may read entity users, not create roles.
    const denied = await sys.http.post('/v1/roles', { token: userToken, json: roleOf('x', {}) });
    expect(denied.status).toBe(403);
    const res = await until(p.token, '', undefined, (d) => d.some((e) => e.kind === 'access.denied'));
    expect(res.json.data.find((e: any) => e.kind === 'access.denied')).toMatchObject({
      entity_user_id: user.id,
      client_id: p.client_id,
      status_code: 403,
      details: { object_type: 'role', action: 'create', entity_id: entity.id, reason: expect.any(String) },
    });
  });

  it('10,000 mints give 10,000 token.issued events', async () => {
    const q = await partner(sys);
    const MINTS = 10_000;
    let next = 0;
    const worker = async () => {
      while (next < MINTS) {
        next++;
        const r = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: q.client_id, client_secret: q.client_secret } });
        if (r.status !== 200) throw new Error(`mint: ${r.status}`);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    // partner() minted one more.
    const count = async () => {
      let n = 0;
      let token: string | null = null;
      do {
        const page: any = await logs(q.token, token ? `?pagination_token=${encodeURIComponent(token)}` : '');
        n += page.json.data.filter((e: any) => e.kind === 'token.issued').length;
        token = page.json.next_pagination_token;
      } while (token);
      return n;
    };
    const deadline = Date.now() + 60_000;
    let n = await count();
    while (n < MINTS + 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      n = await count();
    }
    expect(n).toBe(MINTS + 1);
  }, 300_000);
});
