import { HttpClient, HttpResponse } from './support/http-client';
import { TestSystem } from './support/system';

const DEFAULT_LIMIT = 30;
/** A path that needs a valid token and is answered by the gateway alone (422: not a UUID): cheap to repeat. */
const CHEAP = '/v1/entities/not-a-uuid';

const RATE_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-ratelimit-limit-second', 'x-ratelimit-remaining-second'];
const rateHeaders = (res: HttpResponse) => Object.fromEntries(RATE_HEADERS.map((h) => [h, res.headers[h]]));

/** Waits for the next second to begin (plus `offsetMs`): the budget counts whole seconds of the clock. */
async function nextSecond(offsetMs = 30): Promise<number> {
  const start = (Math.floor(Date.now() / 1000) + 1) * 1000 + offsetMs;
  await new Promise((r) => setTimeout(r, start - Date.now()));
  return start;
}

/** Sends requests from `workers` concurrent loops per client until `until`; every answer's status. */
async function hammer(clients: HttpClient[], token: string, workers: number, until: number): Promise<number[]> {
  const statuses: number[] = [];
  const loop = async (http: HttpClient) => {
    while (Date.now() < until) statuses.push((await http.get(CHEAP, { token })).status);
  };
  await Promise.all(clients.flatMap((http) => Array.from({ length: workers }, () => loop(http))));
  return statuses;
}

describe('API rate limits (one budget per project across gateway instances)', () => {
  let sys: TestSystem;
  let second: HttpClient;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { gateway: { GATEWAY_RATE_LIMIT_DEFAULT: String(DEFAULT_LIMIT) } } });
    second = await sys.startExtraGateway();
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('every answer to a counted request carries the budget headers, errors included', async () => {
    const token = await sys.partnerToken(await sys.createPartner());
    await nextSecond();
    const ok = await sys.http.get('/v1/settings', { token });
    expect(ok.status).toBe(200);
    expect(rateHeaders(ok)).toEqual({
      'ratelimit-limit': '30',
      'ratelimit-remaining': expect.stringMatching(/^\d+$/),
      'ratelimit-reset': '1',
      'x-ratelimit-limit-second': '30',
      'x-ratelimit-remaining-second': expect.stringMatching(/^\d+$/),
    });
    expect(Number(ok.headers['ratelimit-remaining'])).toBeLessThan(30);
    expect(ok.headers['x-ratelimit-remaining-second']).toBe(ok.headers['ratelimit-remaining']);
    const invalid = await sys.http.get(CHEAP, { token });
    expect(invalid.status).toBe(422);
    expect(invalid.headers['ratelimit-limit']).toBe('30');
    const missing = await sys.http.get('/v1/entities/00000000-0000-4000-8000-000000000000', { token });
    expect(missing.status).toBe(404);
    expect(missing.headers['x-ratelimit-limit-second']).toBe('30');
  });

  it('the token endpoint counts against the project of the client id', async () => {
    const cred = await sys.createPartner();
    await sys.partnerToken(cred); // the gateway learns the client's project
    const res = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret } });
    expect(res.status).toBe(200);
    expect(res.headers['ratelimit-limit']).toBe('30');
  });

  it('api_rate_limit is a project setting: the default shows, a PATCH changes it at every instance, null resets it', async () => {
    const token = await sys.partnerToken(await sys.createPartner());
    expect((await sys.http.get('/v1/settings', { token })).json.api_rate_limit).toBe(DEFAULT_LIMIT);
    for (const bad of [0, 100_001, 1.5, '30']) {
      const res = await sys.http.patch('/v1/settings', { token, json: { api_rate_limit: bad } });
      expect({ status: res.status, loc: res.json?.detail?.[0]?.loc }).toEqual({ status: 422, loc: ['body', 'api_rate_limit'] });
    }
    await nextSecond();
    const patched = await sys.http.patch('/v1/settings', { token, json: { api_rate_limit: 7 } });
    expect({ status: patched.status, limit: patched.json.api_rate_limit }).toEqual({ status: 200, limit: 7 });
    for (const gateway of [sys.http, second]) expect((await gateway.get(CHEAP, { token })).headers['ratelimit-limit']).toBe('7');
    await nextSecond();
    const reset = await sys.http.patch('/v1/settings', { token, json: { api_rate_limit: null } });
    expect(reset.json.api_rate_limit).toBe(DEFAULT_LIMIT);
    expect((await second.get(CHEAP, { token })).headers['ratelimit-limit']).toBe(String(DEFAULT_LIMIT));
  });

  it('over budget: 429 in the API error shape with Retry-After, at both instances', async () => {
    const cred = await sys.createPartner();
    const token = await sys.partnerToken(cred);
    expect((await sys.http.patch('/v1/settings', { token, json: { api_rate_limit: 5 } })).status).toBe(200);
    await nextSecond();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? second : sys.http).get(CHEAP, { token })));
    const refused = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 422).length).toBeLessThanOrEqual(5);
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused[0].json).toEqual({ error: { message: expect.stringContaining('5 requests per second') } });
    expect(refused[0].headers['retry-after']).toBe('1');
    expect(rateHeaders(refused[0])).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0', 'x-ratelimit-remaining-second': '0' });
    // The OAuth dialect of the token endpoint refuses in its own words.
    const form = await Promise.all(
      Array.from({ length: 3 }, () =>
        sys.http.post('/v1/auth/token', { form: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret } }),
      ),
    );
    const oauth429 = form.find((r) => r.status === 429);
    if (oauth429) expect(oauth429.json).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
  });

  it('with two gateway instances, a project is admitted within 10% of its limit per second', async () => {
    const limit = 40;
    const seconds = 3;
    const token = await sys.partnerToken(await sys.createPartner());
    expect((await sys.http.patch('/v1/settings', { token, json: { api_rate_limit: limit } })).status).toBe(200);
    await sys.http.get(CHEAP, { token }); // both instances know the project's limit before the clock starts
    await second.get(CHEAP, { token });
    const start = await nextSecond(20);
    // Stop sending early enough that every request is counted within the measured seconds.
    const statuses = await hammer([sys.http, second], token, 4, start + seconds * 1000 - 120);
    const admitted = statuses.filter((s) => s === 422).length;
    if (process.env.E2E_REPORT) process.stdout.write(`rate limit ${limit}/s, two instances, ${seconds} s: ${admitted} admitted of ${statuses.length}\n`);
    expect(statuses.filter((s) => s !== 422 && s !== 429)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(limit * seconds * 1.5); // the load exceeded the budget
    expect(admitted).toBeLessThanOrEqual(limit * seconds * 1.1);
    expect(admitted).toBeGreaterThanOrEqual(limit * seconds * 0.9);
  });

  it('a project over its budget never slows another one down', async () => {
    const noisy = await sys.partnerToken(await sys.createPartner());
    const quiet = await sys.partnerToken(await sys.createPartner());
    expect((await sys.http.patch('/v1/settings', { token: noisy, json: { api_rate_limit: 5 } })).status).toBe(200);
    const until = Date.now() + 2_500;
    const noise = hammer([sys.http, second], noisy, 4, until);
    // The quiet project: 10 requests a second, within its 30, the whole time the noisy one is refused.
    const quietStatuses: number[] = [];
    const quietLatencies: number[] = [];
    while (Date.now() < until) {
      const t = Date.now();
      quietStatuses.push((await (quietStatuses.length % 2 ? second : sys.http).get(CHEAP, { token: quiet })).status);
      quietLatencies.push(Date.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
    const noisyStatuses = await noise;
    expect(noisyStatuses.filter((s) => s === 429).length).toBeGreaterThan(noisyStatuses.length / 2);
    expect(quietStatuses.length).toBeGreaterThanOrEqual(15);
    expect(quietStatuses.filter((s) => s !== 422)).toEqual([]);
    quietLatencies.sort((x, y) => x - y);
    expect(quietLatencies[Math.floor(quietLatencies.length / 2)]).toBeLessThan(100);
  });
});
