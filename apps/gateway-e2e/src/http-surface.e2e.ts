import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { isMoniteError, isOAuthError, openTls, rawExchange, whenClosed } from './support/raw-client';
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

    it('a form POST to the token endpoint that the parser refuses: the OAuth shape', async () => {
      const res = await rawExchange(port, sys.ca, refused('POST /v1/auth/token?x=\xa1 HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n'));
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

  it('writes structured JSON log lines', async () => {
    const lines = sys.lines.filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines.slice(0, 50)) expect(() => JSON.parse(l)).not.toThrow();
  });
});
