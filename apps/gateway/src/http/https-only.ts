import type { Server as TlsServer } from 'node:tls';
import type { Socket } from 'node:net';
import { ApiError } from './api-error';
import { rawHttpResponse, serializeError } from './error-serializer';
import { carryClientAddressIntoTls, readProxyHeader, setClientAddress } from './proxy-protocol';

const TLS_HANDSHAKE = 0x16;
const FIRST_BYTE_TIMEOUT_MS = 10_000;

/** The refusal of plain HTTP: always Monite's, whatever the client meant to send. */
export const PLAIN_HTTP_REFUSAL = ApiError.message(400, 'This API is served over HTTPS only: use https:// on this port.');

/** No request is read: the refusal is written straight to the socket. */
const REFUSAL = rawHttpResponse(serializeError(PLAIN_HTTP_REFUSAL, 'monite'), 'application/json');

/** Trusted-proxy mode: plain HTTP from these peers is served (trusted-proxies.ts), not refused. */
export interface PlainHttpProxies {
  trusts(address: string | undefined): boolean;
  serve(socket: Socket): void;
}

/** Peers that must start every connection with a PROXY header (proxy-protocol.ts), off by default. */
export interface ProxyProtocolPeers {
  contains(address: string | undefined): boolean;
}

/**
 * Plain HTTP sent to the TLS port never reaches a handler: the first byte of a
 * connection tells a TLS handshake (0x16) from anything else, which gets a clear
 * refusal and a closed connection instead of a cryptic TLS failure — unless it
 * comes from a trusted proxy (`proxies`, off by default). A connection from a
 * `proxyProtocol` peer (a TCP load balancer) first carries a PROXY header with the
 * client's address: read, taken as the client's address, and stripped; a
 * connection from such a peer without one is closed.
 */
export function refusePlainHttp(server: TlsServer, proxies?: PlainHttpProxies, proxyProtocol?: ProxyProtocolPeers): void {
  const tlsListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  if (proxyProtocol) carryClientAddressIntoTls(server);
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress;
    let header = proxyProtocol?.contains(peer) ?? false;
    let bytes: Buffer = Buffer.alloc(0);
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    const onReadable = (): void => {
      for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null; ) bytes = bytes.length ? Buffer.concat([bytes, chunk]) : chunk;
      if (header) {
        const read = readProxyHeader(bytes);
        if (read.kind === 'incomplete') return;
        if (read.kind === 'invalid') return void socket.destroy();
        if (read.source) setClientAddress(socket, read.source);
        bytes = read.rest;
        header = false;
      }
      if (!bytes.length) return;
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.setTimeout(0);
      if (bytes[0] === TLS_HANDSHAKE) {
        // Hand the connection to TLS with the bytes already read put back.
        socket.unshift(bytes);
        for (const listener of tlsListeners) listener.call(server, socket);
        return;
      }
      if (proxies?.trusts(peer)) {
        socket.unshift(bytes);
        return void proxies.serve(socket);
      }
      socket.end(REFUSAL);
    };
    const onEnd = (): void => void socket.destroy();
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('error', () => socket.destroy());
  });
}
