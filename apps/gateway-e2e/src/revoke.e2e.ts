import { AuthSubjects } from '@gatehouse/contracts';
import { entityUserToken, Api } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('POST /v1/auth/revoke', () => {
  let sys: TestSystem;
  let cred: { project_id: string; client_id: string; client_secret: string };
  let other: { project_id: string; client_id: string; client_secret: string };

  beforeAll(async () => {
    sys = await TestSystem.start();
    cred = await sys.createPartner();
    other = await sys.createPartner();
  });
  afterAll(() => sys?.stop());

  const revoke = (token: string, c = cred) =>
    sys.http.post('/v1/auth/revoke', { json: { client_id: c.client_id, client_secret: c.client_secret, token } });

  it('revokes a token: 200 {"message":"ok"}, then the token is refused on a protected route', async () => {
    const token = await sys.partnerToken(cred);
    expect((await sys.http.get('/v1/settings', { token })).status).toBe(200);
    const res = await revoke(token);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ message: 'ok' });
    const after = await sys.http.get('/v1/settings', { token });
    expect(after.status).toBe(401);
    expect(after.json).toEqual({ error: { message: expect.any(String) } });
    expect(after.headers['www-authenticate']).toContain('invalid_token');
  });

  it('keeps other tokens of the same project working', async () => {
    const a = await sys.partnerToken(cred);
    const b = await sys.partnerToken(cred);
    await revoke(a);
    expect((await sys.http.get('/v1/settings', { token: b })).status).toBe(200);
  });

  it('answers 200 for garbage, unknown and already revoked tokens (no oracle)', async () => {
    const token = await sys.partnerToken(cred);
    await revoke(token);
    for (const t of ['garbage', 'a.b.c', token, 'eyJhbGciOiJub25lIn0.e30.']) {
      const res = await revoke(t);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ message: 'ok' });
    }
  });

  it("never revokes another project's token, and says 200 all the same", async () => {
    const theirs = await sys.partnerToken(other);
    const res = await revoke(theirs, cred);
    expect(res.status).toBe(200);
    expect((await sys.http.get('/v1/settings', { token: theirs })).status).toBe(200);
  });

  it('401s bad client authentication, and does not revoke', async () => {
    const token = await sys.partnerToken(cred);
    const res = await sys.http.post('/v1/auth/revoke', { json: { client_id: cred.client_id, client_secret: 'wrong', token } });
    expect(res.status).toBe(401);
    expect((await sys.http.get('/v1/settings', { token })).status).toBe(200);
  });

  it('speaks OAuth 2.0 too: form body with Basic, token_type_hint ignored even when wrong', async () => {
    const token = await sys.partnerToken(cred);
    const res = await sys.http.post('/v1/auth/revoke', {
      form: { token, token_type_hint: 'refresh_token' },
      headers: { authorization: 'Basic ' + Buffer.from(`${cred.client_id}:${cred.client_secret}`).toString('base64') },
    });
    expect(res.status).toBe(200);
    expect((await sys.http.get('/v1/settings', { token })).status).toBe(401);
  });

  it('400s a form without token, 422s JSON without token or with an unknown field', async () => {
    const form = await sys.http.post('/v1/auth/revoke', { form: { client_id: cred.client_id, client_secret: cred.client_secret } });
    expect(form.status).toBe(400);
    expect(form.json.error).toBe('invalid_request');
    const json = await sys.http.post('/v1/auth/revoke', { json: { client_id: cred.client_id, client_secret: cred.client_secret } });
    expect(json.status).toBe(422);
    expect(json.json.detail).toEqual([{ loc: ['body', 'token'], msg: 'Field required', type: 'missing' }]);
    const extra = await sys.http.post('/v1/auth/revoke', { json: { client_id: cred.client_id, client_secret: cred.client_secret, token: 'x', hint: 1 } });
    expect(extra.status).toBe(422);
  });

  it('is durable: a gateway that restarts reloads the list from auth before it serves', async () => {
    const token = await sys.partnerToken(cred);
    await revoke(token);
    await sys.stopService('gateway');
    await sys.startService('gateway');
    expect((await sys.http.get('/v1/settings', { token })).status).toBe(401);
  });

  it('reaches a second gateway instance through the broadcast', async () => {
    const token = await sys.partnerToken(cred);
    const second = await sys.startExtraGateway();
    try {
      expect((await second.get('/v1/settings', { token })).status).toBe(200);
      await revoke(token);
      expect((await second.get('/v1/settings', { token })).status).toBe(401);
    } finally {
      await sys.stopExtraGateway();
    }
  });

  describe('revoking a credential pair ends every token minted with it', () => {
    /** A fresh project with two pairs, a partner token and an entity-user token of the first pair. */
    async function projectWithTokens() {
      const a = await sys.createPartner();
      const b = await sys.createCredentials(a.project_id);
      const partnerA = await sys.partnerToken(a);
      const api = new Api(sys, partnerA);
      const entity = await api.entity();
      const user = await api.user(entity.id);
      const userA = await entityUserToken(sys, a, user.id);
      const partnerB = await sys.partnerToken(b);
      return { a, b, partnerA, userA, partnerB, entity };
    }

    const revokePair = async (clientId: string) => (await sys.nats()).request(AuthSubjects.credentialsRevoke, { client_id: clientId });
    const settings = (token: string) => sys.http.get('/v1/settings', { token });
    const me = (token: string) => sys.http.get('/v1/entity_users/me', { token });

    it('at once, at every gateway; the pair mints no more; the project\'s other pairs go on', async () => {
      const t = await projectWithTokens();
      const second = await sys.startExtraGateway();
      try {
        expect((await settings(t.partnerA)).status).toBe(200);
        expect((await me(t.userA)).status).toBe(200);
        expect((await second.get('/v1/settings', { token: t.partnerA })).status).toBe(200);
        await revokePair(t.a.client_id);
        for (const res of [await settings(t.partnerA), await me(t.userA), await second.get('/v1/settings', { token: t.partnerA }), await second.get('/v1/entity_users/me', { token: t.userA })]) {
          expect(res.status).toBe(401);
          expect(res.json).toEqual({ error: { message: 'The access token is invalid or revoked' } });
        }
        // Writes too: the probe created entities with such a token.
        expect((await new Api(sys, t.partnerA).createEntity()).status).toBe(401);
        expect((await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: t.a.client_id, client_secret: t.a.client_secret } })).status).toBe(401);
        expect((await settings(t.partnerB)).status).toBe(200);
        expect((await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: t.b.client_id, client_secret: t.b.client_secret } })).status).toBe(200);
      } finally {
        await sys.stopExtraGateway();
      }
    });

    it('durably: a gateway that starts after the revocation refuses the tokens too', async () => {
      const t = await projectWithTokens();
      await sys.stopService('gateway');
      await revokePair(t.a.client_id);
      await sys.startService('gateway');
      expect((await settings(t.partnerA)).status).toBe(401);
      expect((await me(t.userA)).status).toBe(401);
      expect((await settings(t.partnerB)).status).toBe(200);
    });
  });

  describe('ending every live token of a project at once (auth.v1.admin.project.revoke_tokens, `npm run cli -- tokens revoke-all`)', () => {
    it('refuses every token of the project issued before, at every gateway and after a restart; new tokens and other projects work', async () => {
      const a = await sys.createPartner();
      const b = await sys.createCredentials(a.project_id);
      const tokens = [await sys.partnerToken(a), await sys.partnerToken(b)];
      const api = new Api(sys, tokens[0]);
      const entity = await api.entity();
      const user = await api.user(entity.id);
      tokens.push(await entityUserToken(sys, b, user.id));
      const theirs = await sys.partnerToken(other);
      const second = await sys.startExtraGateway();
      try {
        const answer = await (await sys.nats()).request<{ project_id: string; not_before: number }>(AuthSubjects.projectRevokeTokens, { project_id: a.project_id });
        expect(answer.project_id).toBe(a.project_id);
        expect(answer.not_before).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
        for (const token of tokens) {
          expect((await sys.http.get('/v1/entity_users/me', { token, headers: { 'x-monite-entity-id': entity.id } })).status).toBe(401);
          expect((await second.get('/v1/entity_users/me', { token, headers: { 'x-monite-entity-id': entity.id } })).status).toBe(401);
        }
        // Tokens minted once the answer came are not caught by the cutoff; the pairs still work.
        const fresh = await sys.partnerToken(a);
        expect((await sys.http.get('/v1/settings', { token: fresh })).status).toBe(200);
        expect((await second.get('/v1/settings', { token: await sys.partnerToken(b) })).status).toBe(200);
        expect((await sys.http.get('/v1/settings', { token: theirs })).status).toBe(200);
      } finally {
        await sys.stopExtraGateway();
      }
      await sys.stopService('gateway');
      await sys.startService('gateway');
      expect((await sys.http.get('/v1/settings', { token: tokens[0] })).status).toBe(401);
      expect((await sys.http.get('/v1/settings', { token: theirs })).status).toBe(200);
    });

    it('answers not_found for a project that does not exist', async () => {
      await expect((await sys.nats()).request(AuthSubjects.projectRevokeTokens, { project_id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ body: { code: 'not_found' } });
    });
  });
});
