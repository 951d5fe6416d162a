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
});
