import { freePort } from '@gatehouse/supervisor';
import { claimsOf } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('GET/PATCH /v1/settings', () => {
  let sys: TestSystem;
  let cred: { project_id: string; client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    cred = await sys.createPartner();
    token = await sys.partnerToken(cred);
  });
  afterAll(() => sys?.stop());

  const patch = (json: unknown, t = token) => sys.http.patch('/v1/settings', { token: t, json });

  it('reads the defaults of a new project', async () => {
    const res = await sys.http.get('/v1/settings', { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ access_token_ttl: 1800, default_role: null });
    expect(res.headers['x-monite-version']).toBe('2024-05-25');
  });

  it('changes the token lifetime, which applies to the next token minted', async () => {
    const res = await patch({ access_token_ttl: 120 });
    expect(res.status).toBe(200);
    expect(res.json.access_token_ttl).toBe(120);
    const minted = await sys.http.post('/v1/auth/token', {
      json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret },
    });
    expect(minted.json.expires_in).toBe(120);
    const c = claimsOf(minted.json.access_token);
    expect(c.exp - c.iat).toBe(120);
    expect((await sys.http.get('/v1/settings', { token })).json.access_token_ttl).toBe(120);
  });

  it('takes null as "back to the default"', async () => {
    await patch({ access_token_ttl: 300 });
    const res = await patch({ access_token_ttl: null });
    expect(res.status).toBe(200);
    expect(res.json.access_token_ttl).toBe(1800);
  });

  it.each([59, 86_401, 1.5, '600', true])('refuses access_token_ttl %p with 422 naming the field', async (value) => {
    const res = await patch({ access_token_ttl: value });
    expect(res.status).toBe(422);
    expect(res.json.detail[0].loc).toEqual(['body', 'access_token_ttl']);
  });

  it('accepts the bounds 60 and 86400', async () => {
    expect((await patch({ access_token_ttl: 60 })).status).toBe(200);
    expect((await patch({ access_token_ttl: 86_400 })).status).toBe(200);
    await patch({ access_token_ttl: null });
  });

  it('stores a valid default_role and refuses one the catalogue does not know, naming the place', async () => {
    const role = { permissions: { objects: [{ object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] }] } };
    const ok = await patch({ default_role: role });
    expect(ok.status).toBe(200);
    expect(ok.json.default_role).toEqual(role);

    const bad = await patch({
      default_role: { permissions: { objects: [{ object_type: 'entity', actions: [{ action_name: 'delete', permission: 'allowed' }] }] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.detail[0].loc).toEqual(['body', 'default_role', 'permissions', 'objects', 0, 'actions', 0, 'action_name']);
    // The refused change left the stored value alone.
    expect((await sys.http.get('/v1/settings', { token })).json.default_role).toEqual(role);
  });

  it('keeps reference fields it does not act on, and 422s unknown fields and wrong types', async () => {
    const ok = await patch({ website: 'https://example.com', api_version: '2024-01-31' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ website: 'https://example.com', api_version: '2024-01-31' });
    const unknown = await patch({ acces_token_ttl: 60 });
    expect(unknown.status).toBe(422);
    expect(unknown.json.detail[0]).toMatchObject({ loc: ['body', 'acces_token_ttl'], type: 'extra_forbidden' });
    const wrongType = await patch({ website: 42 });
    expect(wrongType.status).toBe(422);
    const notObject = await patch([1]);
    expect(notObject.status).toBe(422);
  });

  it("isolates projects: one project's change is not another's", async () => {
    const other = await sys.createPartner();
    const otherToken = await sys.partnerToken(other);
    await patch({ access_token_ttl: 900 });
    expect((await sys.http.get('/v1/settings', { token: otherToken })).json.access_token_ttl).toBe(1800);
    await patch({ access_token_ttl: null });
  });

  it('needs x-monite-version: missing → 400, malformed → 422, later → newest not after it', async () => {
    const missing = await sys.http.get('/v1/settings', { token, version: null });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error: { message: expect.stringContaining('x-monite-version') } });
    for (const bad of ['yesterday', '2024-02-30', '2024/01/31']) {
      const res = await sys.http.get('/v1/settings', { token, version: bad });
      expect(res.status).toBe(422);
      expect(res.json.detail[0].loc).toEqual(['header', 'x-monite-version']);
    }
    const tooOld = await sys.http.get('/v1/settings', { token, version: '2020-01-01' });
    expect(tooOld.status).toBe(422);
    const later = await sys.http.get('/v1/settings', { token, version: '2030-01-01' });
    expect(later.status).toBe(200);
    expect(later.headers['x-monite-version']).toBe('2025-06-23');
  });

  it('answers DELETE with 405', async () => {
    const res = await sys.http.delete('/v1/settings', { token });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toContain('GET');
  });

  it('is read fresh by every auth instance right after a change (each caches settings until told)', async () => {
    // Two auth instances in the queue group: reads and mints land on either, each with its own cache.
    await sys.startService('auth', 'auth-2', { AUTH_HTTP_PORT: String(await freePort()) });
    try {
      for (let round = 0; round < 40; round++) {
        const ttl = 60 + round;
        expect((await patch({ access_token_ttl: ttl })).status).toBe(200);
        expect((await sys.http.get('/v1/settings', { token })).json.access_token_ttl).toBe(ttl);
        const minted = await sys.http.post('/v1/auth/token', {
          json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret },
        });
        expect(minted.json.expires_in).toBe(ttl);
      }
    } finally {
      await sys.stopService('auth-2');
    }
  });
});
