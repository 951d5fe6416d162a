import { createServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PLAIN_HTTP_REFUSAL, PlainHttpProxies } from './https-only';

/**
 * Trusted-proxy mode: the addresses of the TLS-terminating proxies (an ingress, a
 * load balancer) allowed to speak plain HTTP to the gateway on a client's behalf.
 * Empty (the default): nobody is; plain HTTP is refused from everyone.
 */
export interface TrustedProxies {
  /** The entries as configured, normalized (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.1/32`). */
  readonly entries: readonly string[];
  /** Whether a socket's peer address is one of the proxies (IPv4-mapped IPv6 counts as IPv4). */
  contains(address: string | undefined): boolean;
}

/**
 * Parses `GATEWAY_TRUSTED_PROXIES`: addresses or CIDRs separated by commas or
 * spaces. Throws an Error naming the first bad entry (the gateway does not start).
 */
export function parseTrustedProxies(value: string): TrustedProxies {
  const list = new BlockList();
  const entries: string[] = [];
  for (const raw of value.split(/[\s,]+/).filter(Boolean)) {
    const [address, bits, extra] = raw.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new Error(`"${raw}" is not an IP address or CIDR (e.g. 10.0.0.0/8, 192.0.2.7, 2001:db8::/32)`);
    }
    const prefix = bits === undefined ? max : Number(bits);
    if (prefix > max) throw new Error(`"${raw}": an IPv${family} prefix length is at most ${max}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(address, prefix, type);
    entries.push(`${address}/${prefix}`);
  }
  return {
    entries,
    contains(address) {
      if (!address || entries.length === 0) return false;
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
      const plain = mapped ? mapped[1] : address.split('%', 1)[0];
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * Plain HTTP from a trusted proxy goes to a plain HTTP server sharing the TLS
 * server's request handler (Fastify's), its client-error handler and timeouts;
 * `refusePlainHttp` hands it such connections.
 */
export function servePlainHttpFrom(proxies: TrustedProxies, tls: HttpsServer): PlainHttpProxies {
  const plain = createServer();
  for (const listener of tls.listeners('request')) plain.on('request', listener as (...args: unknown[]) => void);
  for (const listener of tls.listeners('clientError')) plain.on('clientError', listener as (...args: unknown[]) => void);
  plain.headersTimeout = tls.headersTimeout;
  plain.requestTimeout = tls.requestTimeout;
  plain.keepAliveTimeout = tls.keepAliveTimeout;
  plain.timeout = tls.timeout;
  return { trusts: (address) => proxies.contains(address), serve: (socket) => void plain.emit('connection', socket) };
}

/**
 * On a plain HTTP connection (one a trusted proxy opened), every request must say
 * the client used HTTPS (`X-Forwarded-Proto: https`); anything else is refused as
 * plain HTTP is from anyone else: 400, and the connection closed.
 */
export async function requireForwardedHttps(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if ((req.raw.socket as TLSSocket).encrypted) return;
  const proto = req.headers['x-forwarded-proto'];
  if (typeof proto === 'string' && proto.trim().toLowerCase() === 'https') return;
  // The one error model: the exception filter writes it (Monite's shape, fixed); the connection closes.
  reply.header('connection', 'close');
  throw PLAIN_HTTP_REFUSAL;
}
