import { claimsOf, entityUserToken, Api, partner, Partner } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('the entity_user grant', () => {
  let sys: TestSystem;
  let p: Partner;
  let api: Api;
  let entityId: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    p = await partner(sys);
    api = new Api(sys, p.token);
    entityId = (await api.entity()).id;
  });
  afterAll(() => sys?.stop());

  const grant = (entity_user_id: unknown, cred: { client_id: string; client_secret: string } = p) =>
    sys.http.post('/v1/auth/token', { json: { grant_type: 'entity_user', client_id: cred.client_id, client_secret: cred.client_secret, entity_user_id } });

  it('mints a token naming the user, the entity and the project', async () => {
    const u = await api.user(entityId);
    const res = await grant(u.id);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 1800 });
    expect(claimsOf(res.json.access_token)).toMatchObject({ sub: u.id, entity_id: entityId, project_id: p.project_id, grant_type: 'entity_user' });
  });

  it('works in the OAuth dialect too', async () => {
    const u = await api.user(entityId);
    const res = await sys.http.post('/v1/auth/token', {
      form: { grant_type: 'entity_user', entity_user_id: u.id },
      headers: { authorization: 'Basic ' + Buffer.from(`${p.client_id}:${p.client_secret}`).toString('base64') },
    });
    expect(res.status).toBe(200);
  });

  it('400 invalid_grant: unknown user, user of another project, deleted user, inactive entity', async () => {
    const other = await partner(sys);
    const otherApi = new Api(sys, other.token);
    const foreignUser = await otherApi.user((await otherApi.entity()).id);
    const deleted = await api.user(entityId);
    await api.delete(`/v1/entity_users/${deleted.id}`, entityId);
    const inactiveEntity = (await api.entity()).id;
    const inInactive = await api.user(inactiveEntity);
    await api.post(`/v1/entities/${inactiveEntity}/deactivate`, undefined);

    for (const id of ['00000000-0000-4000-8000-000000000000', foreignUser.id, deleted.id, inInactive.id]) {
      const res = await grant(id);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { message: expect.any(String) } });
    }
    const form = await sys.http.post('/v1/auth/token', {
      form: { grant_type: 'entity_user', client_id: p.client_id, client_secret: p.client_secret, entity_user_id: deleted.id },
    });
    expect(form.status).toBe(400);
    expect(form.json.error).toBe('invalid_grant');
  });

  it('401 for wrong client credentials, whatever the user', async () => {
    const u = await api.user(entityId);
    const res = await grant(u.id, { client_id: p.client_id, client_secret: 'wrong' });
    expect(res.status).toBe(401);
  });

  it('400 without entity_user_id', async () => {
    const res = await sys.http.post('/v1/auth/token', { json: { grant_type: 'entity_user', client_id: p.client_id, client_secret: p.client_secret } });
    expect(res.status).toBe(400);
  });

  it('takes entity_user_id as urn:uuid: and in upper case, in both dialects, and names the user canonically', async () => {
    const u = await api.user(entityId);
    for (const spelling of [`urn:uuid:${u.id}`, `URN:UUID:${u.id.toUpperCase()}`, u.id.toUpperCase()]) {
      const json = await grant(spelling);
      expect(json.status).toBe(200);
      expect(claimsOf(json.json.access_token).sub).toBe(u.id);
      const form = await sys.http.post('/v1/auth/token', {
        form: { grant_type: 'entity_user', client_id: p.client_id, client_secret: p.client_secret, entity_user_id: spelling },
      });
      expect(form.status).toBe(200);
      expect(claimsOf(form.json.access_token).sub).toBe(u.id);
    }
  });

  it('says whether entity_user_id is missing or not a UUID', async () => {
    const missing = await sys.http.post('/v1/auth/token', { json: { grant_type: 'entity_user', client_id: p.client_id, client_secret: p.client_secret } });
    expect(missing.json).toEqual({ error: { message: 'entity_user_id is required for the entity_user grant' } });
    const form = (entity_user_id?: string) =>
      sys.http.post('/v1/auth/token', {
        form: { grant_type: 'entity_user', client_id: p.client_id, client_secret: p.client_secret, ...(entity_user_id === undefined ? {} : { entity_user_id }) },
      });
    for (const absent of [undefined, '']) {
      const res = await form(absent);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_request', error_description: 'entity_user_id is required for the entity_user grant' });
    }
    for (const junk of ['abc', 'urn:uuid:', '00000000-0000-4000-8000-00000000000g']) {
      const res = await form(junk);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_request', error_description: 'entity_user_id must be a UUID' });
    }
  });

  it('refuses an old token at once when its user is deleted or its entity deactivated', async () => {
    const u1 = await api.user(entityId);
    const t1 = await entityUserToken(sys, p, u1.id);
    expect((await sys.http.get('/v1/entity_users/me', { token: t1 })).status).toBe(200);
    await api.delete(`/v1/entity_users/${u1.id}`, entityId);
    expect((await sys.http.get('/v1/entity_users/me', { token: t1 })).status).toBe(403);
    expect((await sys.http.get('/v1/roles', { token: t1 })).status).toBe(403);

    const e2 = (await api.entity()).id;
    const u2 = await api.user(e2);
    const t2 = await entityUserToken(sys, p, u2.id);
    expect((await sys.http.get('/v1/entity_users/me', { token: t2 })).status).toBe(200);
    await api.post(`/v1/entities/${e2}/deactivate`, undefined);
    expect((await sys.http.get('/v1/entity_users/me', { token: t2 })).status).toBe(403);
    expect((await sys.http.get('/v1/entity_users', { token: t2 })).status).toBe(403);
  });
});
