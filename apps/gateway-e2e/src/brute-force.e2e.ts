import { entityUserToken, HttpClient, Api } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const FAILURES_PER_CLIENT = 3;
const FAILURES_PER_ADDRESS = 12;

/** A client of the same gateway from another loopback address: another place on the network. */
function clientFrom(sys: TestSystem, localAddress: string): HttpClient {
  return new HttpClient(sys.baseUrl, { ca: sys.ca, localAddress });
}

describe('brute-force brake on client authentication', () => {
  let sys: TestSystem;
  let elsewhere: HttpClient;

  beforeAll(async () => {
    sys = await TestSystem.start({
      env: {
        gateway: {
          GATEWAY_AUTH_FAILURES_PER_CLIENT: String(FAILURES_PER_CLIENT),
          GATEWAY_AUTH_FAILURES_PER_ADDRESS: String(FAILURES_PER_ADDRESS),
          GATEWAY_AUTH_FAILURE_WINDOW_SECONDS: '30',
        },
      },
    });
    elsewhere = clientFrom(sys, '127.0.0.2');
  });
  afterAll(async () => {
    await elsewhere?.close();
    await sys?.stop();
  });

  const mint = (client_id: string, client_secret: string, http = sys.http) =>
    http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id, client_secret } });

  it('429s a client id after repeated failures from one address, with Retry-After, before checking the secret', async () => {
    const cred = await sys.createPartner();
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await mint(cred.client_id, 'wrong')).status).toBe(401);
    const blocked = await mint(cred.client_id, 'wrong');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json).toEqual({ error: { message: expect.any(String) } });
    // Even the right secret is not checked while this address is blocked for this client id.
    expect((await mint(cred.client_id, cred.client_secret)).status).toBe(429);
    // Another client from the same address still gets through (address limit not reached yet).
    const other = await sys.createPartner();
    expect((await mint(other.client_id, other.client_secret)).status).toBe(200);
  });

  it("never refuses the right secret from another address: a guesser cannot lock a client's owner out", async () => {
    const cred = await sys.createPartner();
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await mint(cred.client_id, 'wrong')).status).toBe(401);
    expect((await mint(cred.client_id, 'wrong')).status).toBe(429);
    // The owner, elsewhere: every way it authenticates still works.
    const token = await mint(cred.client_id, cred.client_secret, elsewhere);
    expect(token.status).toBe(200);
    const basic = `Basic ${Buffer.from(`${cred.client_id}:${cred.client_secret}`).toString('base64')}`;
    const form = await elsewhere.post('/v1/auth/token', { form: { grant_type: 'client_credentials' }, headers: { authorization: basic } });
    expect(form.status).toBe(200);
    const partnerApi = new Api(sys, token.json.access_token);
    const entity = await partnerApi.entity();
    const user = await partnerApi.user(entity.id);
    const grant = await elsewhere.post('/v1/auth/token', {
      json: { grant_type: 'entity_user', client_id: cred.client_id, client_secret: cred.client_secret, entity_user_id: user.id },
    });
    expect(grant.status).toBe(200);
    const revoke = await elsewhere.post('/v1/auth/revoke', {
      json: { client_id: cred.client_id, client_secret: cred.client_secret, token: form.json.access_token },
    });
    expect(revoke.status).toBe(200);
    // ...and still nothing from the guesser's address, whatever the endpoint.
    expect((await mint(cred.client_id, cred.client_secret)).status).toBe(429);
    expect((await sys.http.post('/v1/auth/revoke', { json: { client_id: cred.client_id, client_secret: cred.client_secret, token: 'x' } })).status).toBe(429);
    expect(await entityUserToken(sys, cred, user.id).catch((e: Error) => e.message)).toMatch(/429/);
  });

  it('counts a client id in another letter case, or as urn:uuid:, against the same budget', async () => {
    const cred = await sys.createPartner();
    const spellings = [cred.client_id.toUpperCase(), `urn:uuid:${cred.client_id}`, cred.client_id];
    for (const id of spellings) expect((await mint(id, 'wrong')).status).toBe(401);
    // Three failures in three spellings are three failures of one client id.
    for (const id of spellings) expect((await mint(id, cred.client_secret)).status).toBe(429);
    // The canonical spelling is what the token carries, whichever spelling minted it.
    const token = await mint(cred.client_id.toUpperCase(), cred.client_secret, elsewhere);
    expect(token.status).toBe(200);
    const claims = JSON.parse(Buffer.from(token.json.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: cred.client_id, client_id: cred.client_id });
  });

  it('429s an address that tries many client ids, in the OAuth dialect too; other addresses go on', async () => {
    const scanner = clientFrom(sys, '127.0.0.3');
    try {
      const ids = Array.from({ length: FAILURES_PER_ADDRESS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      for (const id of ids) expect((await mint(id, 'x', scanner)).status).toBe(401);
      const cred = await sys.createPartner();
      // Its own budget is spent: even a right secret of a client it never tried is not checked.
      expect((await mint(cred.client_id, cred.client_secret, scanner)).status).toBe(429);
      const form = await scanner.post('/v1/auth/token', { form: { grant_type: 'client_credentials', client_id: ids[0], client_secret: 'x' } });
      expect(form.status).toBe(429);
      expect(form.json).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
      expect(form.headers['retry-after']).toBeDefined();
      expect((await mint(cred.client_id, cred.client_secret, elsewhere)).status).toBe(200);
    } finally {
      await scanner.close();
    }
  });
});
