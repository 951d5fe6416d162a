import { isIP, Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { IPv4ProxyAddress, IPv6ProxyAddress, V1ProxyProtocol, V2ProxyProtocol } from 'proxy-protocol-js';

/**
 * The PROXY protocol (HAProxy's; v1 text and v2 binary): a load balancer that
 * passes TLS through (TCP mode) writes the client's address in a header before
 * the connection's first byte, and the gateway reads it, so that the per-address
 * brake on failed client authentications (docs/TOKENS.md) sees clients, not the
 * balancer. Only from the configured balancers (GATEWAY_PROXY_PROTOCOL_FROM):
 * they must send the header; anyone else may not (their header is plain garbage
 * before TLS and refused as such). proxy-protocol-js decodes a header once
 * framed here (its v2 parser does not skip the optional TLVs).
 */
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;
/** The longest v2 header accepted: the addresses (at most 216 bytes for unix) and a few TLVs. */
const V2_MAX = V2_FIXED + 1024;
const V1_PREFIX = Buffer.from('PROXY ');
/** The protocol's own bound on a v1 line, CRLF included. */
const V1_MAX = 107;
const V2_COMMAND_LOCAL = 0x20;

export type ProxyHeader =
  /** A complete header: `source` is the client's address (undefined for a LOCAL or UNKNOWN one: the balancer's own probe). */
  | { kind: 'header'; source: string | undefined; rest: Buffer }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string };

/** Reads a PROXY header at the start of `bytes` (what the connection sent so far). */
export function readProxyHeader(bytes: Buffer): ProxyHeader {
  if (startsWithPrefixOf(bytes, V2_SIGNATURE)) {
    if (bytes.length < V2_FIXED) return { kind: 'incomplete' };
    const length = V2_FIXED + bytes.readUInt16BE(14);
    if (length > V2_MAX) return { kind: 'invalid', reason: `a v2 header of ${length} bytes` };
    if (bytes.length < length) return { kind: 'incomplete' };
    const rest = bytes.subarray(length);
    if ((bytes[12] & 0xf0) === V2_COMMAND_LOCAL && (bytes[12] & 0x0f) === 0) return { kind: 'header', source: undefined, rest };
    try {
      const address = V2ProxyProtocol.parse(new Uint8Array(bytes.subarray(0, length))).proxyAddress;
      if (address instanceof IPv4ProxyAddress) return { kind: 'header', source: address.sourceAddress.address.join('.'), rest };
      if (address instanceof IPv6ProxyAddress) return { kind: 'header', source: ipv6(address.sourceAddress.address), rest };
      return { kind: 'header', source: undefined, rest };
    } catch (err) {
      return { kind: 'invalid', reason: (err as Error).message };
    }
  }
  if (startsWithPrefixOf(bytes, V1_PREFIX)) {
    const end = bytes.indexOf('\r\n');
    if (end < 0) return bytes.length >= V1_MAX ? { kind: 'invalid', reason: 'a v1 line without CRLF' } : { kind: 'incomplete' };
    if (end + 2 > V1_MAX) return { kind: 'invalid', reason: 'a v1 line over 107 bytes' };
    const line = bytes.subarray(0, end + 2).toString('latin1');
    const rest = bytes.subarray(end + 2);
    if (/^PROXY UNKNOWN[ \r]/.test(line)) return { kind: 'header', source: undefined, rest };
    try {
      const source = V1ProxyProtocol.parse(line).source.ipAddress;
      return isIP(source) ? { kind: 'header', source, rest } : { kind: 'invalid', reason: `a v1 source that is not an IP address` };
    } catch (err) {
      return { kind: 'invalid', reason: (err as Error).message };
    }
  }
  return { kind: 'invalid', reason: 'no PROXY header' };
}

/** Whether `bytes` is `prefix`, or the start of it, or starts with it. */
function startsWithPrefixOf(bytes: Buffer, prefix: Buffer): boolean {
  const n = Math.min(bytes.length, prefix.length);
  return n > 0 && bytes.subarray(0, n).equals(prefix.subarray(0, n));
}

function ipv6(bytes: readonly number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** Raw sockets whose client address came in a PROXY header, for the TLS socket wrapped around each. */
const proxiedAddress = new WeakMap<Socket, string>();

/** Makes `address` the socket's `remoteAddress` (Fastify's `request.ip`), and that of the TLS socket that will wrap it. */
export function setClientAddress(socket: Socket, address: string): void {
  proxiedAddress.set(socket, address);
  Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true });
}

/**
 * The TLS server's sockets take their raw socket's client address (Node keeps the
 * raw socket as the TLS socket's `_parent`); runs before the HTTPS server's own
 * handler sees the connection.
 */
export function carryClientAddressIntoTls(server: TlsServer): void {
  server.prependListener('secureConnection', (tls: TLSSocket) => {
    const raw = (tls as TLSSocket & { _parent?: Socket })._parent;
    const address = raw ? proxiedAddress.get(raw) : undefined;
    if (address) Object.defineProperty(tls, 'remoteAddress', { value: address, configurable: true });
  });
}
