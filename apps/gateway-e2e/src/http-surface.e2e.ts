import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Api, ORG, partner, Partner, API_VERSION, isMoniteError, isOAuthError, openTls, HttpClient, rawExchange, whenClosed } from '@gatehouse/testing';
import { TestSystem } from './support/system';

describe('the HTTPS surface', () => {
  let sys: TestSystem;
  let port: number;

  beforeAll(async () => {
    sys = await TestSystem.start();
    port = Number(new URL(sys.baseUrl).port);
  });
  afterAll(() => sys?.stop());

  it('serves liveness and readiness at /health without any header', async () => {
    const live = await sys.http.get('/health', { version: null });
    expect(live.status).toBe(200);
    const ready = await sys.http.get('/health/ready', { version: null });
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ok', checks: { nats: 'up', signing_keys: 'up', revocation_list: 'up' } });
  });

  it('refuses plain HTTP before any handler, with a clear message, and keeps serving HTTPS', async () => {
    const res = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/health', method: 'GET' }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/HTTPS/);
    expect((await sys.http.get('/health')).status).toBe(200);
    // No request log line was written for it: it never reached the router.
    expect(sys.lines.some((l) => l.includes('"request"') && l.includes('"status":400') && l.includes('/health'))).toBe(false);
  });

  it('refuses TLS 1.1 and below', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, maxVersion: 'TLSv1.1', minVersion: 'TLSv1', rejectUnauthorized: false });
      socket.on('secureConnect', () => {
        resolve('connected');
        socket.destroy();
      });
      socket.on('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });

  /** What a TLS 1.2 client offering only `ciphers` gets: the suite agreed, or 'refused'. */
  const tls12With = (ciphers: string) =>
    new Promise<string>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, maxVersion: 'TLSv1.2', ciphers: `${ciphers}:@SECLEVEL=0`, rejectUnauthorized: false });
      socket.on('secureConnect', () => {
        resolve(socket.getCipher().standardName);
        socket.destroy();
      });
      socket.on('error', () => resolve('refused'));
    });

  it.each([
    ['CBC with SHA-1', 'ECDHE-ECDSA-AES128-SHA'],
    ['CBC with SHA-1, 256-bit', 'ECDHE-ECDSA-AES256-SHA'],
    ['CBC with SHA-256', 'ECDHE-ECDSA-AES128-SHA256'],
    ['CBC with SHA-384', 'ECDHE-ECDSA-AES256-SHA384'],
    ['no forward secrecy', 'AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA'],
    ['CCM', 'ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM'],
    ['ARIA and CAMELLIA', 'ECDHE-ECDSA-ARIA128-GCM-SHA256:ECDHE-ECDSA-CAMELLIA128-SHA256'],
  ])('refuses weak TLS 1.2 cipher suites: %s', async (_name, ciphers) => {
    expect(await tls12With(ciphers)).toBe('refused');
  });

  it('agrees on AEAD suites with forward secrecy (TLS 1.2 ECDHE-GCM/ChaCha20, TLS 1.3)', async () => {
    expect(await tls12With('ECDHE-ECDSA-AES128-GCM-SHA256')).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    expect(await tls12With('ECDHE-ECDSA-AES256-GCM-SHA384')).toBe('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
    expect(await tls12With('ECDHE-ECDSA-CHACHA20-POLY1305')).toBe('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
    const tls13 = await new Promise<string | undefined>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, minVersion: 'TLSv1.3', rejectUnauthorized: false });
      socket.on('secureConnect', () => {
        resolve(socket.getProtocol() ?? undefined);
        socket.destroy();
      });
      socket.on('error', () => resolve(undefined));
    });
    expect(tls13).toBe('TLSv1.3');
  });

  it('echoes a well-formed x-request-id and makes one up otherwise', async () => {
    const given = await sys.http.get('/health', { headers: { 'x-request-id': 'req-123' } });
    expect(given.headers['x-request-id']).toBe('req-123');
    const made = await sys.http.get('/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the request id over NATS into the auth service logs', async () => {
    const cred = await sys.createPartner();
    await sys.http.post('/v1/auth/token', {
      json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: 'wrong' },
      headers: { 'x-request-id': 'trace-me-42' },
    });
    const authLine = await sys.waitForLine((l) => l.includes('"service":"auth"') && l.includes('trace-me-42'));
    expect(authLine).toBeDefined();
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await sys.http.get('/v1/nope');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { message: expect.any(String) } });
  });

  describe('requests refused before the app: in the error shape, with a request id, never echoing the path', () => {
    it.each([
      ['percent-encoding that is not UTF-8', '/v1/entities/%ff%fe', 400],
      ['a path parameter over 200 characters', `/v1/entities/${'a'.repeat(201)}`, 414],
    ])('%s (Fastify routing)', async (_name, path, status) => {
      const res = await sys.http.get(path);
      expect(res.status).toBe(status);
      expect(res.json).toEqual({ error: { message: expect.any(String) } });
      expect(res.text).not.toMatch(/%ff|aaaa/i);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });

    it.each(['GET', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND'])('%s on a path that is not percent-encoded UTF-8: the same 400, never a 404', async (method) => {
      const res = await new HttpClient(sys.baseUrl, { ca: sys.ca }).sendRaw({ method, path: '/v1/entities/%ff%fe', headers: { 'x-monite-version': API_VERSION } });
      expect([res.status, res.json]).toEqual([400, { error: { message: 'The path is not valid percent-encoded UTF-8' } }]);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });

    // A method no route has (TRACE, PROPFIND) on such a path reached Nest's not-found handler without any
    // hook: a 404 echoing the path, no request id, and two Authorization headers unrefused (hostile-input, seed 1318220041).
    it.each(['/%', '/v1/%ff'])('PROPFIND %s with two Authorization headers: 400, never a 404 echoing the path', async (path) => {
      const res = await new HttpClient(sys.baseUrl, { ca: sys.ca }).sendRaw({
        method: 'PROPFIND',
        path,
        headers: { 'x-monite-version': API_VERSION, authorization: ['Bearer x', 'Basic ZmFsc2U='], 'content-type': 'application/json' },
        body: 'false',
      });
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('PROPFIND');
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });

    it('answers OPTIONS on a served path with 405 and the methods it allows', async () => {
      const res = await new HttpClient(sys.baseUrl, { ca: sys.ca }).sendRaw({ method: 'OPTIONS', path: '/v1/auth/token', headers: { 'x-monite-version': API_VERSION } });
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('POST');
    });

    const refused = (head: string) => Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from('Host: localhost\r\nX-Monite-Version: 2024-05-25\r\n\r\n')]);

    it.each([
      ['a raw byte above 0x7e in the target', 'GET /v1/entities/\xa1 HTTP/1.1\r\n', 400],
      ['a lower-case method', 'get /health HTTP/1.1\r\n', 400],
      ['a head over 16 KiB', `GET /health HTTP/1.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n`, 431],
    ])('%s (Node\'s HTTP parser): a JSON answer, then the connection closes', async (_name, head, status) => {
      const res = await rawExchange(port, sys.ca, refused(head));
      expect(res.status).toBe(status);
      expect(res.head).toMatch(/\r\nconnection: close/i);
      expect(res.head).toMatch(/\r\nx-request-id: [0-9a-f-]{36}/i);
      expect(isMoniteError(JSON.parse(res.body))).toBe(true);
    });

    it.each(['token', 'revoke', 'introspect'])('a form POST to the %s endpoint that the parser refuses: the OAuth shape', async (endpoint) => {
      const res = await rawExchange(port, sys.ca, refused(`POST /v1/auth/${endpoint}?x=\xa1 HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n`));
      expect(res.status).toBe(400);
      expect(isOAuthError(JSON.parse(res.body))).toBe(true);
    });

    it('a refused request on a kept-alive connection that already carried a response is answered too', async () => {
      const socket = await openTls(port, sys.ca);
      const closed = whenClosed(socket, Date.now(), 5_000);
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await new Promise((r) => socket.once('data', r));
      socket.write(refused('get /health HTTP/1.1\r\n'));
      const { data } = await closed;
      socket.destroy();
      expect(data.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
      expect(isMoniteError(JSON.parse(data.slice(data.lastIndexOf('\r\n\r\n') + 4)))).toBe(true);
    });
  });

  describe('headers a request carries at most once: Authorization, Content-Type, Host (400 before any guard or handler)', () => {
    let raw: HttpClient;
    let p: Partner;
    let other: Partner;

    beforeAll(async () => {
      raw = new HttpClient(sys.baseUrl, { ca: sys.ca, timeoutMs: 30_000 });
      p = await partner(sys);
      other = await partner(sys);
    });
    afterAll(() => raw?.close());

    const entityCount = async (token: string) => {
      const res = await sys.http.get('/v1/entities?limit=100', { token });
      expect(res.status).toBe(200);
      return (res.json.data as unknown[]).length;
    };

    it('refuses two Authorization headers, even two valid tokens, and creates nothing', async () => {
      const [mine, theirs] = [await entityCount(p.token), await entityCount(other.token)];
      const res = await raw.sendRaw({
        method: 'POST',
        path: '/v1/entities',
        headers: { authorization: [`Bearer ${p.token}`, `Bearer ${other.token}`], 'x-monite-version': API_VERSION, 'content-type': 'application/json' },
        body: JSON.stringify(ORG()),
      });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { message: 'The Authorization header is given more than once' } });
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      expect([await entityCount(p.token), await entityCount(other.token)]).toEqual([mine, theirs]);
      const read = await raw.sendRaw({ method: 'GET', path: '/v1/settings', headers: { authorization: [`Bearer ${p.token}`, 'Bearer x'], 'x-monite-version': API_VERSION } });
      expect(read.status).toBe(400);
    });

    it('answers the token endpoint in the request\'s dialect: a form with two Basic headers gets invalid_request', async () => {
      const basic = 'Basic ' + Buffer.from(`${p.client_id}:${p.client_secret}`).toString('base64');
      const form = await raw.sendRaw({
        method: 'POST',
        path: '/v1/auth/token',
        headers: { authorization: [basic, basic], 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(form.status).toBe(400);
      expect(form.json).toEqual({ error: 'invalid_request', error_description: 'The Authorization header is given more than once' });
      const json = await raw.sendRaw({
        method: 'POST',
        path: '/v1/auth/token',
        headers: { authorization: [basic, basic], 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      expect(json.status).toBe(400);
      expect(json.json).toEqual({ error: { message: 'The Authorization header is given more than once' } });
    });

    it('refuses two Content-Type headers (the first would decide how the body is read)', async () => {
      const before = await entityCount(p.token);
      const res = await raw.sendRaw({
        method: 'POST',
        path: '/v1/entities',
        headers: { authorization: `Bearer ${p.token}`, 'x-monite-version': API_VERSION, 'content-type': ['application/json', 'application/x-www-form-urlencoded'] },
        body: JSON.stringify(ORG()),
      });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { message: 'The Content-Type header is given more than once' } });
      expect(await entityCount(p.token)).toBe(before);
    });

    it('refuses two Host headers (RFC 9112 §3.2)', async () => {
      const res = await rawExchange(port, sys.ca, 'GET /health HTTP/1.1\r\nHost: localhost\r\nhost: elsewhere.example\r\nConnection: close\r\n\r\n');
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ error: { message: 'The Host header is given more than once' } });
    });

    it('x-monite-entity-id or x-monite-version twice: Node joins them with ", ", and their validation refuses the result (422 at the header)', async () => {
      const api = new Api(sys, p.token);
      const entityId = (await api.entity()).id;
      const entity = await raw.sendRaw({
        method: 'GET',
        path: '/v1/roles',
        headers: { authorization: `Bearer ${p.token}`, 'x-monite-version': API_VERSION, 'x-monite-entity-id': [entityId, entityId] },
      });
      expect(entity.status).toBe(422);
      expect(entity.json).toEqual({ detail: [expect.objectContaining({ loc: ['header', 'x-monite-entity-id'] })] });
      const version = await raw.sendRaw({
        method: 'GET',
        path: '/v1/settings',
        headers: { authorization: `Bearer ${p.token}`, 'x-monite-version': [API_VERSION, API_VERSION] },
      });
      expect(version.status).toBe(422);
      expect(version.json).toEqual({ detail: [expect.objectContaining({ loc: ['header', 'x-monite-version'] })] });
    });
  });

  describe('request bodies: JSON on the JSON routes, forms only on the token and revocation endpoints', () => {
    let p: Partner;
    let api: Api;
    let entityId: string;

    beforeAll(async () => {
      p = await partner(sys);
      api = new Api(sys, p.token);
      entityId = (await api.entity()).id;
    });

    const UNSUPPORTED = { error: { message: 'Unsupported content type: send application/json' } };

    it('415s a form body on a JSON route, and creates or changes nothing', async () => {
      const login = `form-${randomUUID().slice(0, 8)}`;
      const created = await sys.http.post('/v1/entity_users', {
        token: p.token,
        headers: { 'x-monite-entity-id': entityId },
        form: { login, first_name: 'Casey' },
      });
      expect(created.status).toBe(415);
      expect(created.json).toEqual(UNSUPPORTED);
      const users = await api.get(`/v1/entity_users?login=${login}`, entityId);
      expect(users.status).toBe(200);
      expect(users.json.data).toEqual([]);

      const before = await api.get(`/v1/entities/${entityId}`);
      const patched = await sys.http.patch(`/v1/entities/${entityId}`, { token: p.token, form: { phone: '+49 30 1234567' } });
      expect(patched.status).toBe(415);
      expect(patched.json).toEqual(UNSUPPORTED);
      expect((await api.get(`/v1/entities/${entityId}`)).json).toEqual(before.json);
    });

    it('still takes forms on /v1/auth/token and /v1/auth/revoke', async () => {
      const token = await sys.http.post('/v1/auth/token', { form: { grant_type: 'client_credentials', client_id: p.client_id, client_secret: p.client_secret } });
      expect(token.status).toBe(200);
      const revoke = await sys.http.post('/v1/auth/revoke', { form: { client_id: p.client_id, client_secret: p.client_secret, token: token.json.access_token } });
      expect(revoke.status).toBe(200);
    });

    const postBody = (body: string | Buffer, path = '/v1/entities') =>
      sys.http.post(path, { token: p.token, body, headers: { 'content-type': 'application/json' } });

    it.each([
      ['a __proto__ key', '{"type":"organization","__proto__":{"admin":true}}'],
      ['a nested __proto__ key', '{"organization":{"legal_name":"x","__proto__":{"admin":true}}}'],
      ['an escaped __proto__ key', '{"\\u005f_proto__":{"admin":true}}'],
      ['a constructor.prototype key', '{"constructor":{"prototype":{"admin":true}}}'],
    ])('says so when a JSON body holds %s', async (_name, body) => {
      const res = await postBody(body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { message: 'The request body must not contain a __proto__ or constructor.prototype key' } });
    });

    it('says so when a JSON body is not valid UTF-8 (on the token endpoint too)', async () => {
      const bad = Buffer.concat([Buffer.from('{"type":"organization","email":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('@example.com"}')]);
      for (const path of ['/v1/entities', '/v1/auth/token']) {
        const res = await postBody(bad, path);
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ error: { message: 'The request body is not valid UTF-8' } });
      }
      const surrogate = Buffer.concat([Buffer.from('{"grant_type":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
      expect((await postBody(surrogate, '/v1/auth/token')).json).toEqual({ error: { message: 'The request body is not valid UTF-8' } });
    });

    it('says so when a form body to the token endpoint is not valid UTF-8', async () => {
      const res = await sys.http.post('/v1/auth/token', {
        body: Buffer.concat([Buffer.from('grant_type=client_credentials&client_id='), Buffer.from([0xff, 0xfe])]),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_request', error_description: 'The request body is not valid UTF-8' });
    });

    it('keeps the other body messages: not JSON, empty, and UTF-8 text beyond ASCII is fine', async () => {
      const notJson = await postBody('{"type": ');
      expect(notJson.status).toBe(400);
      expect(notJson.json.error.message).toMatch(/not valid JSON/);
      const empty = await postBody('');
      expect(empty.status).toBe(400);
      expect(empty.json.error.message).toMatch(/empty/);
      const org = ORG();
      const res = await postBody(Buffer.from(JSON.stringify({ ...org, organization: { legal_name: 'Müller & Söhne 🦄 GmbH' } }), 'utf8'));
      expect(res.status).toBe(201);
      expect(res.json.organization.legal_name).toBe('Müller & Söhne 🦄 GmbH');
    });
  });

  it('writes structured JSON log lines', async () => {
    const lines = sys.lines.filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines.slice(0, 50)) expect(() => JSON.parse(l)).not.toThrow();
  });
});
