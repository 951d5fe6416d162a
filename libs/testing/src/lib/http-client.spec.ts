import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateLocalhostCertificate } from '@gatehouse/supervisor';
import { API_VERSION, HttpClient } from './http-client';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  remoteAddress: string | undefined;
}

describe('HttpClient', () => {
  let server: Server;
  let ca: string;
  let baseUrl: string;
  let seen: Seen[];
  let client: HttpClient;

  beforeAll(async () => {
    const tls = await generateLocalhostCertificate(1);
    ca = tls.cert;
    server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, remoteAddress: req.socket.remoteAddress });
        if (req.url === '/text') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('not json');
        } else {
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    client = new HttpClient(baseUrl, { ca });
  });
  afterEach(() => client.close());
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends JSON with the API version and a bearer token, and parses the answer', async () => {
    const res = await client.post('/v1/things', { json: { a: 1 }, token: 'tok' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ ok: true });
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(seen[0].headers['x-monite-version']).toBe(API_VERSION);
    expect(seen[0].headers['authorization']).toBe('Bearer tok');
    expect(JSON.parse(seen[0].body)).toEqual({ a: 1 });
  });

  it('sends a form (repeated keys kept), without the version header when asked', async () => {
    await client.post('/form', { form: [['scope', 'a'], ['scope', 'b']], version: null });
    expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[0].headers['x-monite-version']).toBeUndefined();
    expect(seen[0].body).toBe('scope=a&scope=b');
  });

  it("uses the client's token when a request names none, and none when it names ''", async () => {
    client.token = 'default';
    await client.get('/a');
    await client.get('/b', { token: '' });
    expect(seen[0].headers['authorization']).toBe('Bearer default');
    expect(seen[1].headers['authorization']).toBeUndefined();
  });

  it('answers json undefined for a body that is not JSON', async () => {
    const res = await client.get('/text');
    expect(res.text).toBe('not json');
    expect(res.json).toBeUndefined();
  });

  it('raw mode: the path goes on the wire untouched, repeated headers too, and nothing is added', async () => {
    const res = await client.sendRaw({ method: 'GET', path: '/a/../b/%2e%2e/%00?x', headers: { 'x-twice': ['1', '2'] } });
    expect(res.status).toBe(201);
    expect(res.isJson).toBe(true);
    expect(seen[0].url).toBe('/a/../b/%2e%2e/%00?x');
    expect(seen[0].headers['x-twice']).toBe('1, 2');
    expect(seen[0].headers['x-monite-version']).toBeUndefined();
  });

  it('trusts only the CA it is given', async () => {
    const stranger = new HttpClient(baseUrl);
    await expect(stranger.get('/a')).rejects.toThrow();
    await stranger.close();
  });

  it('connects from the local address it is given', async () => {
    const elsewhere = new HttpClient(baseUrl, { ca, localAddress: '127.0.0.2' });
    await elsewhere.get('/a');
    await elsewhere.close();
    expect(seen[0].remoteAddress).toBe('127.0.0.2');
  });
});
