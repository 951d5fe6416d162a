import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
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

  it('writes structured JSON log lines', async () => {
    const lines = sys.lines.filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines.slice(0, 50)) expect(() => JSON.parse(l)).not.toThrow();
  });
});
