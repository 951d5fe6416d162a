import { randomUUID } from 'node:crypto';
import { AuthSubjects } from '@gatehouse/contracts';
import { Api, claimsOf, currentSigningKey, entityUserToken, forge } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const FAILURES_PER_CLIENT = 3;

describe('POST /v1/auth/introspect (RFC 7662)', () => {
  let sys: TestSystem;
  let cred: { project_id: string; client_id: string; client_secret: string };
  let other: { project_id: string; client_id: string; client_secret: string };

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { gateway: { GATEWAY_AUTH_FAILURES_PER_CLIENT: String(FAILURES_PER_CLIENT) } } });
    cred = await sys.createPartner();
    other = await sys.createPartner();
  });
  afterAll(() => sys?.stop());

  const introspect = (token: string, c = cred) =>
    sys.http.post('/v1/auth/introspect', { json: { client_id: c.client_id, client_secret: c.client_secret, token } });
  const basic = (c: { client_id: string; client_secret: string }) =>
    'Basic ' + Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64');
  const expectInactive = (res: { status: number; json: unknown; headers: Record<string, unknown> }) => {
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ active: false });
    expect(res.headers['cache-control']).toBe('no-store');
  };

  it('is advertised in the RFC 8414 metadata', async () => {
    const res = await sys.http.get('/.well-known/oauth-authorization-server');
    expect(res.json.introspection_endpoint).toBe(`${res.json.issuer}/v1/auth/introspect`);
    expect(res.json.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_post', 'client_secret_basic']);
  });

  it("answers active with the token's claims for a live partner token of the caller's project", async () => {
    const token = await sys.partnerToken(cred);
    const c = claimsOf(token);
    const res = await introspect(token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({
      active: true,
      token_type: 'Bearer',
      client_id: cred.client_id,
      sub: cred.client_id,
      iss: c.iss,
      iat: c.iat,
      exp: c.exp,
      jti: c.jti,
      project_id: cred.project_id,
      grant_type: 'client_credentials',
    });
  });

  it('answers active for an entity-user token: sub is the user, entity_id and the minting client_id given', async () => {
    const api = new Api(sys, await sys.partnerToken(cred));
    const entity = await api.entity();
    const user = await api.user(entity.id);
    const token = await entityUserToken(sys, cred, user.id);
    const res = await introspect(token);
    expect(res.json).toEqual(
      expect.objectContaining({ active: true, sub: user.id, client_id: cred.client_id, entity_id: entity.id, grant_type: 'entity_user', project_id: cred.project_id }),
    );
    expect((await sys.http.get('/v1/entity_users/me', { token })).status).toBe(200);
  });

  it("answers active to another pair of the same project (the project is the principal, as for revocation)", async () => {
    const second = await sys.createCredentials(cred.project_id);
    const res = await introspect(await sys.partnerToken(cred), second);
    expect(res.json.active).toBe(true);
  });

  it('answers {"active": false} and nothing else for a revoked token', async () => {
    const token = await sys.partnerToken(cred);
    expect((await introspect(token)).json.active).toBe(true);
    await sys.http.post('/v1/auth/revoke', { json: { client_id: cred.client_id, client_secret: cred.client_secret, token } });
    expectInactive(await introspect(token));
    expect((await sys.http.get('/v1/settings', { token })).status).toBe(401);
  });

  it('answers {"active": false} for an expired token signed with the real key, and for a live forgery of it', async () => {
    const token = await sys.partnerToken(cred);
    const { kid, key } = await currentSigningKey(sys.env('auth').AUTH_DATABASE_URL, sys.env('auth').AUTH_KEY_ENCRYPTION_KEY);
    const now = Math.floor(Date.now() / 1000);
    const expired = forge({ alg: 'ES256', typ: 'JWT', kid }, { ...claimsOf(token), jti: randomUUID(), iat: now - 3600, exp: now - 60 }, key);
    expectInactive(await introspect(expired));
    // The same key and claims, live: active — so the refusal above is the expiry's.
    const live = forge({ alg: 'ES256', typ: 'JWT', kid }, { ...claimsOf(token), jti: randomUUID(), iat: now, exp: now + 600 }, key);
    expect((await introspect(live)).json.active).toBe(true);
    // What the gateway refuses on a request is inactive here too: a future iat, a crit header.
    expectInactive(await introspect(forge({ alg: 'ES256', typ: 'JWT', kid }, { ...claimsOf(token), jti: randomUUID(), iat: now + 600, exp: now + 1200 }, key)));
    expectInactive(await introspect(forge({ alg: 'ES256', typ: 'JWT', kid, crit: ['x'], x: 1 }, { ...claimsOf(token), jti: randomUUID() }, key)));
  });

  it('answers {"active": false} for malformed and unknown tokens', async () => {
    const token = await sys.partnerToken(cred);
    const [h, p] = token.split('.');
    for (const t of ['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.', `${h}.${p}.`, `${h}.${p}.${'A'.repeat(86)}`, 'x'.repeat(10_000)]) {
      expectInactive(await introspect(t));
    }
  });

  it("answers {\"active\": false} for another project's live token, which stays live", async () => {
    const theirs = await sys.partnerToken(other);
    expectInactive(await introspect(theirs, cred));
    expect((await introspect(theirs, other)).json.active).toBe(true);
  });

  it('speaks OAuth 2.0 too: form with Basic (client_secret_basic) and form with the secret in the body (client_secret_post)', async () => {
    const token = await sys.partnerToken(cred);
    const viaBasic = await sys.http.post('/v1/auth/introspect', { form: { token, token_type_hint: 'refresh_token' }, headers: { authorization: basic(cred) } });
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.json).toEqual(expect.objectContaining({ active: true, jti: claimsOf(token).jti }));
    const viaPost = await sys.http.post('/v1/auth/introspect', { form: { token, client_id: cred.client_id, client_secret: cred.client_secret } });
    expect(viaPost.json.active).toBe(true);
    // JSON with Basic, as on revoke.
    const jsonBasic = await sys.http.post('/v1/auth/introspect', { json: { token }, headers: { authorization: basic(cred) } });
    expect(jsonBasic.json.active).toBe(true);
  });

  it('401s a wrong secret like revoke, in each dialect, and says nothing of the token', async () => {
    const token = await sys.partnerToken(other);
    const json = await sys.http.post('/v1/auth/introspect', { json: { client_id: other.client_id, client_secret: 'wrong', token } });
    expect(json.status).toBe(401);
    expect(json.json).toEqual({ error: { message: expect.any(String) } });
    const form = await sys.http.post('/v1/auth/introspect', { form: { token }, headers: { authorization: basic({ ...other, client_secret: 'wrong' }) } });
    expect(form.status).toBe(401);
    expect(form.json.error).toBe('invalid_client');
    expect(form.headers['www-authenticate']).toContain('Basic');
    expect(JSON.stringify(form.json)).not.toContain('active');
  });

  it('refuses a revoked credential pair at once, though it introspected a moment before (its tokens are inactive too)', async () => {
    const pair = await sys.createCredentials(cred.project_id);
    const token = await sys.partnerToken(pair);
    expect((await introspect(token, pair)).json.active).toBe(true);
    expect((await introspect(token, pair)).json.active).toBe(true);
    await (await sys.nats()).request(AuthSubjects.credentialsRevoke, { client_id: pair.client_id });
    const res = await introspect(token, pair);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.json)).not.toContain('active');
    expectInactive(await introspect(token, cred));
  });

  it('400s a form without token or without client authentication, 422s JSON without token or with an unknown field', async () => {
    const form = await sys.http.post('/v1/auth/introspect', { form: { client_id: cred.client_id, client_secret: cred.client_secret } });
    expect(form.status).toBe(400);
    expect(form.json.error).toBe('invalid_request');
    const anonymous = await sys.http.post('/v1/auth/introspect', { form: { token: 'x' } });
    expect(anonymous.status).toBe(400);
    expect(anonymous.json.error).toBe('invalid_request');
    const json = await sys.http.post('/v1/auth/introspect', { json: { client_id: cred.client_id, client_secret: cred.client_secret } });
    expect(json.status).toBe(422);
    expect(json.json.detail).toEqual([{ loc: ['body', 'token'], msg: 'Field required', type: 'missing' }]);
    const extra = await sys.http.post('/v1/auth/introspect', { json: { client_id: cred.client_id, client_secret: cred.client_secret, token: 'x', hint: 1 } });
    expect(extra.status).toBe(422);
  });

  it('goes through the brute-force brake: failures here count, and past the limit even the right secret is not checked', async () => {
    const victim = await sys.createPartner();
    const token = await sys.partnerToken(victim);
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await introspect(token, { ...victim, client_secret: 'wrong' })).status).toBe(401);
    const blocked = await introspect(token, victim);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.stringify(blocked.json)).not.toContain('active');
    // One brake for every endpoint: the token endpoint is braked for this caller too.
    const mint = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: victim.client_id, client_secret: victim.client_secret } });
    expect(mint.status).toBe(429);
  });
});
