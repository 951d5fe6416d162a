import { AuthSubjects } from '@gatehouse/contracts';
import { claimsOf, headerOf } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const ID_SECRET = (c: { client_id: string; client_secret: string }) => ({ client_id: c.client_id, client_secret: c.client_secret });
const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');

const ID_PAIRS = (c: { client_id: string; client_secret: string }): Array<[string, string]> => [
  ['client_id', c.client_id],
  ['client_secret', c.client_secret],
];

describe('POST /v1/auth/token', () => {
  let sys: TestSystem;
  let cred: { project_id: string; client_id: string; client_secret: string };

  beforeAll(async () => {
    sys = await TestSystem.start();
    cred = await sys.createPartner();
  });
  afterAll(() => sys?.stop());

  describe('client_credentials, JSON (Monite dialect)', () => {
    it('returns a Bearer JWT with the documented fields and no-store caching', async () => {
      const res = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', ...ID_SECRET(cred) } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(res.json.token_type).toBe('Bearer');
      expect(res.json.expires_in).toBe(1800);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
      const header = headerOf(res.json.access_token);
      expect(header.alg).toBe('ES256');
      expect(typeof header.kid).toBe('string');
      const claims = claimsOf(res.json.access_token);
      expect(claims).toMatchObject({
        iss: 'https://localhost:8443',
        sub: cred.client_id,
        project_id: cred.project_id,
        grant_type: 'client_credentials',
      });
      expect(claims.exp - claims.iat).toBe(1800);
      expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('works without x-monite-version (recommended, not required, here) and echoes it when given', async () => {
      const without = await sys.http.post('/v1/auth/token', { version: null, json: { grant_type: 'client_credentials', ...ID_SECRET(cred) } });
      expect(without.status).toBe(200);
      const withLater = await sys.http.post('/v1/auth/token', { version: '2024-03-01', json: { grant_type: 'client_credentials', ...ID_SECRET(cred) } });
      expect(withLater.status).toBe(200);
      expect(withLater.headers['x-monite-version']).toBe('2024-01-31');
    });

    it('gives every token a new jti', async () => {
      const a = await sys.partnerToken(cred);
      const b = await sys.partnerToken(cred);
      expect(claimsOf(a).jti).not.toEqual(claimsOf(b).jti);
    });

    it('refuses a wrong secret with 401 in the Monite error shape', async () => {
      const res = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: 'nope' } });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { message: expect.any(String) } });
    });

    it('refuses an unknown client id exactly like a wrong secret', async () => {
      const unknown = await sys.http.post('/v1/auth/token', {
        json: { grant_type: 'client_credentials', client_id: '00000000-0000-4000-8000-000000000000', client_secret: cred.client_secret },
      });
      const wrong = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: 'x' } });
      expect(unknown.status).toBe(401);
      expect(unknown.json).toEqual(wrong.json);
    });

    it('422s an unknown field, a missing field, a bad uuid and an unsupported grant type, naming the location', async () => {
      const extra = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', ...ID_SECRET(cred), scope: 'x' } });
      expect(extra.status).toBe(422);
      expect(extra.json.detail).toEqual([{ loc: ['body', 'scope'], msg: expect.any(String), type: 'extra_forbidden' }]);

      const missing = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: cred.client_id } });
      expect(missing.status).toBe(422);
      expect(missing.json.detail).toEqual([{ loc: ['body', 'client_secret'], msg: 'Field required', type: 'missing' }]);

      const badId = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: 'abc', client_secret: 'x' } });
      expect(badId.status).toBe(422);
      expect(badId.json.detail[0].loc).toEqual(['body', 'client_id']);

      const grant = await sys.http.post('/v1/auth/token', { json: { grant_type: 'password', ...ID_SECRET(cred) } });
      expect(grant.status).toBe(422);
      expect(grant.json.detail[0]).toMatchObject({ loc: ['body', 'grant_type'], type: 'enum' });
    });

    it('400s a body that is not JSON, and 422s a JSON body that is not an object', async () => {
      const bad = await sys.http.post('/v1/auth/token', { body: '{"grant_type": ', headers: { 'content-type': 'application/json' } });
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual({ error: { message: expect.any(String) } });
      const arr = await sys.http.post('/v1/auth/token', { json: [1, 2] });
      expect(arr.status).toBe(422);
      expect(arr.json.detail[0].loc).toEqual(['body']);
    });

    it('413s a body over 64 KiB, and keeps serving', async () => {
      const res = await sys.http.post('/v1/auth/token', {
        json: { grant_type: 'client_credentials', ...ID_SECRET(cred), pad: 'x'.repeat(70 * 1024) },
      });
      expect(res.status).toBe(413);
      expect(res.json).toEqual({ error: { message: expect.any(String) } });
      expect((await sys.http.get('/health')).status).toBe(200);
    });

    it('answers GET with 405 and an Allow header', async () => {
      const res = await sys.http.get('/v1/auth/token');
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('POST');
      expect(res.json).toEqual({ error: { message: expect.any(String) } });
    });
  });

  describe('OAuth 2.0 dialect (form body, HTTP Basic)', () => {
    it('mints with client_secret_basic', async () => {
      const res = await sys.http.post('/v1/auth/token', {
        form: { grant_type: 'client_credentials' },
        headers: { authorization: basic(cred.client_id, cred.client_secret) },
      });
      expect(res.status).toBe(200);
      expect(res.json.token_type).toBe('Bearer');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('mints with client_secret_post, ignoring unknown parameters', async () => {
      const res = await sys.http.post('/v1/auth/token', { form: { grant_type: 'client_credentials', ...ID_SECRET(cred), scope: 'anything' } });
      expect(res.status).toBe(200);
    });

    it('decodes form-urlencoded Basic credentials (RFC 6749 appendix B)', async () => {
      const encodedId = cred.client_id.replace(/-/g, '%2D');
      const header = 'Basic ' + Buffer.from(`${encodedId}:${cred.client_secret}`).toString('base64');
      const res = await sys.http.post('/v1/auth/token', { form: { grant_type: 'client_credentials' }, headers: { authorization: header } });
      expect(res.status).toBe(200);
    });

    it('answers a wrong Basic secret with 401 invalid_client and a Basic challenge', async () => {
      const res = await sys.http.post('/v1/auth/token', {
        form: { grant_type: 'client_credentials' },
        headers: { authorization: basic(cred.client_id, 'wrong') },
      });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=".*", error="invalid_client"$/);
    });

    it.each([
      ['missing grant_type', { ...{} }, 'invalid_request'],
      ['unknown grant_type', { grant_type: 'password' }, 'unsupported_grant_type'],
    ])('%s → 400 %s', async (_name, extra, error) => {
      const res = await sys.http.post('/v1/auth/token', { form: { ...ID_SECRET(cred), ...extra } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error, error_description: expect.any(String) });
    });

    it('400s a parameter given twice', async () => {
      const res = await sys.http.post('/v1/auth/token', {
        form: [
          ['grant_type', 'client_credentials'],
          ['client_id', cred.client_id],
          ['client_id', cred.client_id],
          ['client_secret', cred.client_secret],
        ],
      });
      expect(res.status).toBe(400);
      expect(res.json.error).toBe('invalid_request');
    });

    it('400s a parameter given twice even behind 1,000 padding pairs (no parser cap drops it)', async () => {
      const padding = Array.from({ length: 1_000 }, (_, i): [string, string] => [`pad${i}`, 'x']);
      for (const repeated of [
        ['client_id', cred.client_id],
        ['grant_type', 'client_credentials'],
        ['client_secret', 'a-second-secret'],
      ] as Array<[string, string]>) {
        const res = await sys.http.post('/v1/auth/token', {
          form: [['grant_type', 'client_credentials'], ...ID_PAIRS(cred), ...padding, repeated],
        });
        expect(res.status).toBe(400);
        expect(res.json.error).toBe('invalid_request');
      }
    });

    it.each(['2024-5-25', '2019-01-01'])('answers x-monite-version %s with 400 invalid_request (JSON: a 422 at the header)', async (version) => {
      for (const path of ['/v1/auth/token', '/v1/auth/revoke']) {
        const form = await sys.http.post(path, { version, form: { grant_type: 'client_credentials', ...ID_SECRET(cred), token: 'x' } });
        expect(form.status).toBe(400);
        expect(form.json).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('x-monite-version') });
        const json = await sys.http.post(path, { version, json: { grant_type: 'client_credentials', ...ID_SECRET(cred) } });
        expect(json.status).toBe(422);
        expect(json.json.detail).toEqual([expect.objectContaining({ loc: ['header', 'x-monite-version'] })]);
      }
    });

    it('400s no client authentication, two methods at once, a differing id, and a malformed Basic header', async () => {
      const none = await sys.http.post('/v1/auth/token', { form: { grant_type: 'client_credentials' } });
      const both = await sys.http.post('/v1/auth/token', {
        form: { grant_type: 'client_credentials', client_secret: cred.client_secret },
        headers: { authorization: basic(cred.client_id, cred.client_secret) },
      });
      const differing = await sys.http.post('/v1/auth/token', {
        form: { grant_type: 'client_credentials', client_id: '00000000-0000-4000-8000-000000000000' },
        headers: { authorization: basic(cred.client_id, cred.client_secret) },
      });
      const noColon = await sys.http.post('/v1/auth/token', {
        form: { grant_type: 'client_credentials' },
        headers: { authorization: 'Basic ' + Buffer.from('nocolon').toString('base64') },
      });
      const otherScheme = await sys.http.post('/v1/auth/token', {
        form: { grant_type: 'client_credentials' },
        headers: { authorization: 'Bearer abc' },
      });
      for (const res of [none, both, differing, noColon, otherScheme]) {
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      }
    });
  });

  describe('credential pairs', () => {
    it('lets a project hold several pairs, and a revoked pair stops minting at once', async () => {
      const second = await sys.createCredentials(cred.project_id);
      expect(second.client_id).not.toEqual(cred.client_id);
      expect(second.project_id).toBe(cred.project_id);
      await sys.partnerToken(second);
      await sys.partnerToken(cred);
      const nats = await sys.nats();
      await nats.request('auth.v1.admin.credentials.revoke', { client_id: second.client_id });
      const refused = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', ...ID_SECRET(second) } });
      expect(refused.status).toBe(401);
      expect((await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', ...ID_SECRET(cred) } })).status).toBe(200);
    });
  });

  describe('the token requests of one event-loop turn, in one message to auth', () => {
    it('answers each request of a batch exactly as alone, and batches under concurrency', async () => {
      const nats = await sys.nats();
      const batches: number[] = [];
      const sub = nats.connection.subscribe(nats.subject(AuthSubjects.tokenIssueBatch), {
        callback: (_err, msg) => batches.push((JSON.parse(Buffer.from(msg.data).toString()) as { data: { items: unknown[] } }).data.items.length),
      });
      await nats.flush();
      try {
        const other = await sys.createPartner();
        const json = (body: Record<string, unknown>) => () => sys.http.post('/v1/auth/token', { json: body });
        const form = (fields: Record<string, string>) => () => sys.http.post('/v1/auth/token', { form: fields, version: null });
        const minted = [
          { who: cred, send: json({ grant_type: 'client_credentials', ...ID_SECRET(cred) }) },
          { who: other, send: json({ grant_type: 'client_credentials', ...ID_SECRET(other) }) },
          { who: other, send: form({ grant_type: 'client_credentials', ...ID_SECRET(other) }) },
        ];
        // Refused ones, among them two auth's contract refuses (a NUL, a secret over 1,024 characters): in a batch they would refuse it whole.
        // A pair of its own: its failures stay far below the brake's limit per client id.
        const target = await sys.createPartner();
        const refused = [
          json({ grant_type: 'client_credentials', client_id: target.client_id, client_secret: 'not the secret' }),
          form({ grant_type: 'client_credentials', client_id: '00000000-0000-4000-8000-000000000000', client_secret: target.client_secret }),
          json({ grant_type: 'client_credentials', client_id: target.client_id, client_secret: 'nul\u0000inside' }),
          json({ grant_type: 'client_credentials', client_id: target.client_id, client_secret: 'x'.repeat(1_100) }),
        ];
        const alone = [];
        for (const send of refused) alone.push(await send());
        expect(alone.map((r) => r.status)).toEqual([401, 401, expect.any(Number), expect.any(Number)]);

        // Warm connections, then bursts: requests sent together reach the gateway in the same turns.
        await Promise.all(Array.from({ length: 24 }, () => sys.http.get('/health/ready', { version: null })));
        const jtis = new Set<string>();
        for (let burst = 0; burst < 5 && !batches.some((n) => n > 1); burst++) {
          const plan = [...Array.from({ length: 20 }, (_, i) => minted[i % minted.length]), ...refused.map((send) => ({ who: undefined, send }))];
          const answers = await Promise.all(plan.map((p) => p.send()));
          answers.forEach((res, i) => {
            const who = plan[i].who;
            if (!who) {
              const lone = alone[i - 20];
              expect({ status: res.status, body: res.json }).toEqual({ status: lone.status, body: lone.json });
              return;
            }
            expect(res.status).toBe(200);
            const claims = claimsOf(res.json.access_token);
            expect(claims).toMatchObject({ sub: who.client_id, client_id: who.client_id, project_id: who.project_id, grant_type: 'client_credentials' });
            expect(jtis.has(claims.jti)).toBe(false);
            jtis.add(claims.jti);
          });
        }
        expect(Math.max(0, ...batches)).toBeGreaterThan(1);
      } finally {
        sub.unsubscribe();
      }
    });
  });

  it('never writes a client secret or an access token to the logs', async () => {
    const token = await sys.partnerToken(cred);
    await sys.http.get('/v1/settings', { token });
    await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: 'wrong-secret-value' } });
    const all = sys.lines.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(cred.client_secret);
    expect(all).not.toContain('wrong-secret-value');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[2]);
  });
});
