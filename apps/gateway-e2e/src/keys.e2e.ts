import { AuthSubjects, KeysRotateResponse } from '@gatehouse/contracts';
import { freePort } from '@gatehouse/supervisor';
import { headerOf } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('signing keys: JWKS, discovery and rotation', () => {
  let sys: TestSystem;
  let cred: { project_id: string; client_id: string; client_secret: string };

  beforeAll(async () => {
    sys = await TestSystem.start();
    cred = await sys.createPartner();
  });
  afterAll(() => sys?.stop());

  it('publishes public keys only, each with a kid, at /v1/auth/jwks (no headers needed)', async () => {
    const res = await sys.http.get('/v1/auth/jwks', { version: null });
    expect(res.status).toBe(200);
    expect(res.json.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of res.json.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
      expect(k.d).toBeUndefined();
    }
  });

  it('serves RFC 8414 metadata whose endpoints exist', async () => {
    const res = await sys.http.get('/.well-known/oauth-authorization-server', { version: null });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      issuer: 'https://localhost:8443',
      token_endpoint: 'https://localhost:8443/v1/auth/token',
      revocation_endpoint: 'https://localhost:8443/v1/auth/revoke',
      jwks_uri: 'https://localhost:8443/v1/auth/jwks',
      grant_types_supported: expect.arrayContaining(['client_credentials']),
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    });
  });

  it('rotates: old tokens stay valid, new tokens carry the new kid, both keys are published', async () => {
    const before = await sys.partnerToken(cred);
    const oldKid = headerOf(before).kid;
    const rotated = await (await sys.nats()).request<KeysRotateResponse>(AuthSubjects.keysRotate, {});
    expect(rotated.kid).not.toEqual(oldKid);

    const after = await sys.partnerToken(cred);
    expect(headerOf(after).kid).toBe(rotated.kid);
    expect((await sys.http.get('/v1/settings', { token: after })).status).toBe(200);
    expect((await sys.http.get('/v1/settings', { token: before })).status).toBe(200);

    const kids = (await sys.http.get('/v1/auth/jwks', { version: null })).json.keys.map((k: any) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
  });

  it('keeps both keys valid across an auth and a gateway restart', async () => {
    const token = await sys.partnerToken(cred);
    await sys.stopService('gateway');
    await sys.stopService('auth');
    await sys.startService('auth');
    await sys.startService('gateway');
    expect((await sys.http.get('/v1/settings', { token })).status).toBe(200);
    expect((await sys.http.get('/v1/settings', { token: await sys.partnerToken(cred) })).status).toBe(200);
  });

  it('rotates every auth instance at once: with two, every token after the rotation carries the new kid, and each instance revokes it', async () => {
    await sys.startService('auth', 'auth-2', { AUTH_HTTP_PORT: String(await freePort()) });
    try {
      // Both instances serve the queue group: 20 mints reach both.
      const rotated = await (await sys.nats()).request<KeysRotateResponse>(AuthSubjects.keysRotate, {});
      const tokens = await Promise.all(Array.from({ length: 20 }, () => sys.partnerToken(cred)));
      expect(tokens.map((t) => headerOf(t).kid)).toEqual(tokens.map(() => rotated.kid));
      // Revocation verifies the token with the keys it holds: every instance knows the new one.
      for (const token of tokens.slice(0, 10)) {
        const res = await sys.http.post('/v1/auth/revoke', { json: { client_id: cred.client_id, client_secret: cred.client_secret, token } });
        expect(res.status).toBe(200);
        expect((await sys.http.get('/v1/settings', { token })).status).toBe(401);
      }
    } finally {
      await sys.stopService('auth-2');
    }
  });
});
