import { HttpClient } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const FAILURES_PER_CLIENT = 4;
const FAILURES_PER_ADDRESS = 8;

/**
 * The brute-force brake with two gateway instances behind one address space: its
 * budget is one budget across both (the JetStream KV bucket GATEWAY_BRAKE), so
 * spreading guesses over the instances buys nothing.
 */
describe('brute-force brake across gateway instances', () => {
  let sys: TestSystem;
  let a: HttpClient;
  let b: HttpClient;
  const opened: HttpClient[] = [];

  /** A client of gateway `url` from another loopback address. */
  const from = (url: string, localAddress: string) => {
    const client = new HttpClient(url, { ca: sys.ca, localAddress });
    opened.push(client);
    return client;
  };

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
    a = sys.http;
    b = await sys.startExtraGateway();
  });
  afterAll(async () => {
    for (const c of opened) await c.close();
    await sys?.stop();
  });

  const mint = (http: HttpClient, client_id: string, client_secret: string) =>
    http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id, client_secret } });

  it('counts failures at either instance against one per-client budget: past it, both refuse', async () => {
    const cred = await sys.createPartner();
    // Alternating: each instance sees half the failures, fewer than the limit on its own.
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await mint(i % 2 ? b : a, cred.client_id, 'wrong')).status).toBe(401);
    for (const gateway of [a, b]) {
      const blocked = await mint(gateway, cred.client_id, cred.client_secret);
      expect({ status: blocked.status, body: blocked.json }).toEqual({ status: 429, body: { error: { message: expect.any(String) } } });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(30);
    }
    // The owner, from another address, at either instance: not locked out.
    for (const url of [a.baseUrl, b.baseUrl]) expect((await mint(from(url, '127.0.0.2'), cred.client_id, cred.client_secret)).status).toBe(200);
  });

  it('counts an address across instances too: many client ids spread over both are one budget', async () => {
    const scannerA = from(a.baseUrl, '127.0.0.3');
    const scannerB = from(b.baseUrl, '127.0.0.3');
    const ids = Array.from({ length: FAILURES_PER_ADDRESS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const [i, id] of ids.entries()) expect((await mint(i % 2 ? scannerB : scannerA, id, 'x')).status).toBe(401);
    const cred = await sys.createPartner();
    expect((await mint(scannerA, cred.client_id, cred.client_secret)).status).toBe(429);
    const form = await scannerB.post('/v1/auth/token', { form: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret } });
    expect({ status: form.status, error: form.json?.error }).toEqual({ status: 429, error: 'temporarily_unavailable' });
    // Another address is not affected.
    expect((await mint(from(b.baseUrl, '127.0.0.4'), cred.client_id, cred.client_secret)).status).toBe(200);
  });

  it('holds under a burst spread over both instances: no more than the budget reaches auth', async () => {
    const cred = await sys.createPartner();
    const guesser = [from(a.baseUrl, '127.0.0.5'), from(b.baseUrl, '127.0.0.5')];
    // Sequential rounds of two concurrent guesses, one at each instance.
    const statuses: number[] = [];
    for (let round = 0; round < 6; round++) {
      const answers = await Promise.all(guesser.map((g) => mint(g, cred.client_id, 'wrong')));
      statuses.push(...answers.map((r) => r.status));
    }
    // Two at a time may both pass the check while the counter stands one short: at most one over.
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeGreaterThanOrEqual(FAILURES_PER_CLIENT);
    expect(checked).toBeLessThanOrEqual(FAILURES_PER_CLIENT + 1);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });
});
