import { TestSystem } from './support/system';

describe('brute-force brake on client authentication', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await TestSystem.start({
      env: { gateway: { GATEWAY_AUTH_FAILURES_PER_CLIENT: '3', GATEWAY_AUTH_FAILURES_PER_ADDRESS: '8', GATEWAY_AUTH_FAILURE_WINDOW_SECONDS: '30' } },
    });
  });
  afterAll(() => sys?.stop());

  const mint = (client_id: string, client_secret: string) =>
    sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id, client_secret } });

  it('429s a client id after repeated failures, with Retry-After, before checking the secret', async () => {
    const cred = await sys.createPartner();
    for (let i = 0; i < 3; i++) expect((await mint(cred.client_id, 'wrong')).status).toBe(401);
    const blocked = await mint(cred.client_id, 'wrong');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json).toEqual({ error: { message: expect.any(String) } });
    // Even the right secret is not checked while blocked.
    expect((await mint(cred.client_id, cred.client_secret)).status).toBe(429);
    // Another client from the same address still gets through (address limit not reached yet).
    const other = await sys.createPartner();
    expect((await mint(other.client_id, other.client_secret)).status).toBe(200);
  });

  it('429s an address that tries many client ids, in the OAuth dialect too', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
    let last = 0;
    for (const id of ids) last = (await mint(id, 'x')).status;
    // 3 failures above + these 6 exceed the address limit of 8.
    expect(last).toBe(429);
    const form = await sys.http.post('/v1/auth/token', { form: { grant_type: 'client_credentials', client_id: ids[0], client_secret: 'x' } });
    expect(form.status).toBe(429);
    expect(form.json).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(form.headers['retry-after']).toBeDefined();
  });
});
