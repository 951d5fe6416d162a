import { connect, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Command, IPv4Address, IPv4ProxyAddress, TransportProtocol, V2ProxyProtocol } from 'proxy-protocol-js';
import { HttpClient, TcpProxy } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const FAILURES_PER_CLIENT = 3;
/** The balancer's address on the loopback: the gateway takes PROXY headers from it only. */
const BALANCER = '127.0.0.3';
/** A balancer the gateway was not told about (no header). */
const PLAIN_BALANCER = '127.0.0.4';

const v4 = (address: string) => IPv4Address.createFrom(address.split('.').map(Number));
const header = (client: Socket): Buffer =>
  Buffer.from(
    new V2ProxyProtocol(
      Command.PROXY,
      TransportProtocol.STREAM,
      new IPv4ProxyAddress(v4((client.remoteAddress ?? '0.0.0.0').replace(/^::ffff:/, '')), client.remotePort ?? 0, v4('127.0.0.1'), 8443),
    ).build(),
  );

/**
 * A TCP load balancer in passthrough mode, like HAProxy's `mode tcp`: each client
 * connection is relayed to the gateway from the balancer's own address, with a
 * PROXY v2 header first when `sendProxy` (HAProxy's `send-proxy-v2`).
 */
async function balancer(gateway: URL, from: string, sendProxy: boolean): Promise<{ url: string; proxy: TcpProxy }> {
  const proxy = new TcpProxy('127.0.0.1', Number(gateway.port), { localAddress: from, ...(sendProxy ? { preamble: header } : {}) });
  return { url: `https://localhost:${await proxy.start()}`, proxy };
}

describe('PROXY protocol from a passthrough load balancer', () => {
  let sys: TestSystem;
  let viaProxy: { url: string; proxy: TcpProxy };
  let viaPlain: { url: string; proxy: TcpProxy };
  const clients: HttpClient[] = [];
  const client = (url: string, localAddress: string) => {
    const c = new HttpClient(url, { ca: sys.ca, localAddress });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sys = await TestSystem.start({
      env: {
        gateway: {
          GATEWAY_PROXY_PROTOCOL_FROM: `${BALANCER}/32`,
          GATEWAY_AUTH_FAILURES_PER_CLIENT: String(FAILURES_PER_CLIENT),
          GATEWAY_AUTH_FAILURE_WINDOW_SECONDS: '30',
        },
      },
    });
    viaProxy = await balancer(new URL(sys.baseUrl), BALANCER, true);
    viaPlain = await balancer(new URL(sys.baseUrl), PLAIN_BALANCER, false);
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await viaProxy?.proxy.stop();
    await viaPlain?.proxy.stop();
    await sys?.stop();
  });

  const mint = (http: HttpClient, client_id: string, client_secret: string) =>
    http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id, client_secret } });

  it("the brake sees each client's own address behind the balancer: a guesser cannot lock the owner out", async () => {
    const guesser = client(viaProxy.url, '127.0.0.1');
    const owner = client(viaProxy.url, '127.0.0.2');
    const cred = await sys.createPartner();
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await mint(guesser, cred.client_id, 'wrong')).status).toBe(401);
    expect((await mint(guesser, cred.client_id, cred.client_secret)).status).toBe(429);
    expect((await mint(owner, cred.client_id, cred.client_secret)).status).toBe(200);
  });

  it('without the header (a balancer not configured for it), every client is the balancer: the owner is locked out too', async () => {
    const guesser = client(viaPlain.url, '127.0.0.1');
    const owner = client(viaPlain.url, '127.0.0.2');
    const cred = await sys.createPartner();
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await mint(guesser, cred.client_id, 'wrong')).status).toBe(401);
    expect((await mint(owner, cred.client_id, cred.client_secret)).status).toBe(429);
  });

  it('a connection from the balancer without a header is closed unanswered', async () => {
    const gateway = new URL(sys.baseUrl);
    const err = await new Promise<Error | undefined>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: Number(gateway.port), localAddress: BALANCER, servername: 'localhost', ca: sys.ca }, () => resolve(undefined));
      socket.on('error', resolve);
    });
    // No TLS session: the socket is closed before any handshake (ECONNRESET, or "disconnected before secure").
    expect(err?.message).toMatch(/ECONNRESET|disconnected|socket hang up/);
  });

  it('a PROXY header from anyone else is not believed: refused as plain bytes before TLS', async () => {
    const gateway = new URL(sys.baseUrl);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: Number(gateway.port), localAddress: '127.0.0.1' }, () => {
        socket.write('PROXY TCP4 198.51.100.9 127.0.0.1 5000 8443\r\n');
      });
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('HTTPS only');
  });

  it("the balancer's own health check (a LOCAL header) is answered", async () => {
    const gateway = new URL(sys.baseUrl);
    const local = Buffer.from(
      new V2ProxyProtocol(Command.LOCAL, TransportProtocol.UNSPEC, new IPv4ProxyAddress(IPv4Address.createWithEmptyAddress(), 0, IPv4Address.createWithEmptyAddress(), 0)).build(),
    );
    const status = await new Promise<string>((resolve, reject) => {
      const raw = connect({ host: '127.0.0.1', port: Number(gateway.port), localAddress: BALANCER }, () => {
        raw.write(local);
        const socket = tlsConnect({ socket: raw, servername: 'localhost', ca: sys.ca }, () => socket.write('GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
        let got = '';
        socket.on('data', (d) => (got += d.toString()));
        socket.on('end', () => resolve(got.split('\r\n', 1)[0]));
        socket.on('error', reject);
      });
      raw.on('error', reject);
    });
    expect(status).toBe('HTTP/1.1 200 OK');
  });
});
