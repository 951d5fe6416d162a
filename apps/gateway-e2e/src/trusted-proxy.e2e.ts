import { Agent, request } from 'undici';
import { TestSystem } from './support/system';

/**
 * Trusted-proxy mode (GATEWAY_TRUSTED_PROXIES): plain HTTP is taken from the
 * configured proxy (127.0.0.1 here) when it says X-Forwarded-Proto: https, and the
 * client address is X-Forwarded-For's right-most untrusted one; everyone else on
 * plain HTTP is refused as without the mode.
 */
describe('trusted-proxy mode', () => {
  let sys: TestSystem;
  let port: string;
  const agents: Agent[] = [];
  const REFUSAL = { error: { message: 'This API is served over HTTPS only: use https:// on this port.' } };

  /** Plain HTTP to the gateway's port from `localAddress`. */
  const plain = async (localAddress: string, method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const agent = new Agent({ localAddress });
    agents.push(agent);
    const res = await request(`http://127.0.0.1:${port}${path}`, {
      method,
      dispatcher: agent,
      headers: { 'x-monite-version': '2024-05-25', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, json };
  };
  const viaProxy = (client: string, path: string, body?: unknown) =>
    plain('127.0.0.1', body ? 'POST' : 'GET', path, { 'x-forwarded-proto': 'https', 'x-forwarded-for': client }, body);

  beforeAll(async () => {
    sys = await TestSystem.start({
      env: { gateway: { GATEWAY_TRUSTED_PROXIES: '127.0.0.1/32, ::1', GATEWAY_AUTH_FAILURES_PER_CLIENT: '2', GATEWAY_AUTH_FAILURE_WINDOW_SECONDS: '30' } },
    });
    port = sys.env('gateway').GATEWAY_PORT;
  });
  afterAll(async () => {
    for (const a of agents) await a.close();
    await sys?.stop();
  });

  it('serves plain HTTP from a trusted proxy that says the client used HTTPS', async () => {
    expect((await viaProxy('198.51.100.1', '/health/ready')).status).toBe(200);
    const cred = await sys.createPartner();
    const minted = await viaProxy('198.51.100.1', '/v1/auth/token', { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret });
    expect(minted.status).toBe(200);
    expect(minted.json.access_token).toEqual(expect.any(String));
  });

  it('refuses plain HTTP from the trusted proxy without X-Forwarded-Proto: https, as from anyone', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'http' }]) {
      const res = await plain('127.0.0.1', 'GET', '/health/ready', headers);
      expect({ status: res.status, body: res.json }).toEqual({ status: 400, body: REFUSAL });
    }
  });

  it('refuses plain HTTP from any other address exactly as without the mode, whatever it claims', async () => {
    const res = await plain('127.0.0.2', 'GET', '/health/ready', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.1' });
    expect({ status: res.status, body: res.json, connection: res.headers.connection }).toEqual({ status: 400, body: REFUSAL, connection: 'close' });
  });

  it('still serves HTTPS to everyone', async () => {
    expect((await sys.http.get('/health/ready')).status).toBe(200);
  });

  it("brakes the client's address (X-Forwarded-For's right-most untrusted), not the proxy's", async () => {
    const cred = await sys.createPartner();
    const mint = (xff: string, secret: string) =>
      viaProxy(xff, '/v1/auth/token', { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: secret });
    expect((await mint('198.51.100.7', 'wrong')).status).toBe(401);
    expect((await mint('198.51.100.7', 'wrong')).status).toBe(401);
    expect((await mint('198.51.100.7', cred.client_secret)).status).toBe(429);
    // An address the client wrote to the left is not believed; a trusted hop to the right is skipped.
    expect((await mint('203.0.113.9, 198.51.100.7', cred.client_secret)).status).toBe(429);
    expect((await mint('198.51.100.7, 127.0.0.1', cred.client_secret)).status).toBe(429);
    // Another client behind the same proxy is another address: not braked.
    expect((await mint('198.51.100.8', cred.client_secret)).status).toBe(200);
    expect((await mint('198.51.100.7, 198.51.100.8', cred.client_secret)).status).toBe(200);
  });
});
