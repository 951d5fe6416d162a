import { generateKeyPairSync, createHmac, randomUUID, createPublicKey } from 'node:crypto';
import { claimsOf, currentSigningKey, forge, headerOf } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/** Tokens that must never be accepted, each one against a protected route. */
describe('JWT tampering', () => {
  let sys: TestSystem;
  let cred: { project_id: string; client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    sys = await TestSystem.start();
    cred = await sys.createPartner();
    token = await sys.partnerToken(cred);
  });
  afterAll(() => sys?.stop());

  const call = (t: string) => sys.http.get('/v1/settings', { token: t });

  it('accepts the genuine token (the control)', async () => {
    expect((await call(token)).status).toBe(200);
  });

  it('refuses alg "none"', async () => {
    const t = forge({ alg: 'none', typ: 'JWT', kid: headerOf(token).kid }, claimsOf(token));
    const res = await call(t);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { message: expect.any(String) } });
  });

  it('refuses an altered payload under the original signature', async () => {
    const [h, , s] = token.split('.');
    const claims = { ...claimsOf(token), project_id: randomUUID() };
    const t = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect((await call(t)).status).toBe(401);
  });

  it('refuses a token signed by another key under a kid we do not know', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const t = forge({ alg: 'ES256', typ: 'JWT', kid: randomUUID() }, claimsOf(token), privateKey);
    expect((await call(t)).status).toBe(401);
  });

  it('refuses a token signed by another key under the real kid', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const t = forge(headerOf(token), claimsOf(token), privateKey);
    expect((await call(t)).status).toBe(401);
  });

  it('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const jwks = (await sys.http.get('/v1/auth/jwks', { version: null })).json;
    const jwk = jwks.keys.find((k: any) => k.kid === headerOf(token).kid);
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const header = { alg: 'HS256', typ: 'JWT', kid: jwk.kid };
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${token.split('.')[1]}`;
    const sig = createHmac('sha256', pem).update(input).digest('base64url');
    expect((await call(`${input}.${sig}`)).status).toBe(401);
  });

  it('refuses an expired token signed with the real key', async () => {
    const { kid, key } = await currentSigningKey(sys.env('auth').AUTH_DATABASE_URL, sys.env('auth').AUTH_KEY_ENCRYPTION_KEY);
    const now = Math.floor(Date.now() / 1000);
    const t = forge({ alg: 'ES256', typ: 'JWT', kid }, { ...claimsOf(token), jti: randomUUID(), iat: now - 3600, exp: now - 60 }, key);
    const res = await call(t);
    expect(res.status).toBe(401);
    expect(res.json.error.message).toMatch(/expired/);
    // The same forging path with a live exp is accepted: the refusal above is the expiry, not the forging.
    const live = forge({ alg: 'ES256', typ: 'JWT', kid }, { ...claimsOf(token), jti: randomUUID(), iat: now, exp: now + 600 }, key);
    expect((await call(live)).status).toBe(200);
  });

  it('refuses a real-key token from another issuer', async () => {
    const { kid, key } = await currentSigningKey(sys.env('auth').AUTH_DATABASE_URL, sys.env('auth').AUTH_KEY_ENCRYPTION_KEY);
    const t = forge({ alg: 'ES256', typ: 'JWT', kid }, { ...claimsOf(token), jti: randomUUID(), iss: 'https://evil.example' }, key);
    expect((await call(t)).status).toBe(401);
  });

  it('refuses a missing, empty or non-Bearer Authorization header with 401 and a challenge', async () => {
    const none = await sys.http.get('/v1/settings');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    for (const authorization of ['Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', token]) {
      const res = await sys.http.get('/v1/settings', { headers: { authorization } });
      expect(res.status).toBe(401);
    }
  });

  it('refuses a truncated signature and a token with extra segments', async () => {
    expect((await call(token.slice(0, -4))).status).toBe(401);
    expect((await call(`${token}.x`)).status).toBe(401);
  });

  describe('defence in depth for tokens signed with our own key', () => {
    /** A token with chosen header and claims, signed with the real current key; and the same one without the change, which must pass. */
    async function realKey(header: object, claims: (now: number) => object): Promise<{ forged: string; control: string }> {
      const { kid, key } = await currentSigningKey(sys.env('auth').AUTH_DATABASE_URL, sys.env('auth').AUTH_KEY_ENCRYPTION_KEY);
      const now = Math.floor(Date.now() / 1000);
      const base = { ...claimsOf(token), iat: now, exp: now + 600 };
      return {
        forged: forge({ alg: 'ES256', typ: 'JWT', kid, ...header }, { ...base, jti: randomUUID(), ...claims(now) }, key),
        control: forge({ alg: 'ES256', typ: 'JWT', kid }, { ...base, jti: randomUUID() }, key),
      };
    }

    it.each([
      ['an unknown critical header (RFC 7515 §4.1.11)', { crit: ['exp'], exp: 1 }, () => ({})],
      ['an empty crit list', { crit: [] }, () => ({})],
      ['an iat in the future beyond the clock leeway', {}, (now: number) => ({ iat: now + 120, exp: now + 720 })],
      ['a lifetime longer than any project may set (86,400 s)', {}, (now: number) => ({ iat: now - 10, exp: now + 86_400 })],
      ['no iat', {}, () => ({ iat: undefined })],
      ['no client_id on an entity-user grant', {}, () => ({ grant_type: 'entity_user', entity_id: randomUUID(), client_id: undefined })],
      ['a partner token whose sub is not its client_id', {}, () => ({ sub: randomUUID() })],
    ])('refuses %s', async (_name, header, claims) => {
      const { forged, control } = await realKey(header, claims);
      const res = await call(forged);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { message: 'The access token is invalid or revoked' } });
      expect((await call(control)).status).toBe(200);
    });

    it("refuses a project_id that is not the project of the token's client", async () => {
      const other = await sys.createPartner();
      const { forged, control } = await realKey({}, () => ({ project_id: other.project_id }));
      expect((await call(forged)).status).toBe(401);
      // The same claims with an unknown client id are refused too.
      const { forged: unknownClient } = await realKey({}, () => {
        const id = randomUUID();
        return { sub: id, client_id: id };
      });
      expect((await call(unknownClient)).status).toBe(401);
      expect((await call(control)).status).toBe(200);
    });
  });
});
