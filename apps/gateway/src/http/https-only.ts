import type { Server as TlsServer } from 'node:tls';
import type { Socket } from 'node:net';
import { ApiError } from './api-error';
import { rawHttpResponse, serializeError } from './error-serializer';

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

/**
 * Plain HTTP sent to the TLS port never reaches a handler: the first byte of a
 * connection tells a TLS handshake (0x16) from anything else, which gets a clear
 * refusal and a closed connection instead of a cryptic TLS failure — unless it
 * comes from a trusted proxy (`proxies`, off by default).
 */
export function refusePlainHttp(server: TlsServer, proxies?: PlainHttpProxies): void {
  const tlsListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('readable', () => {
      const chunk: Buffer | null = socket.read();
      socket.setTimeout(0);
      if (!chunk) return void socket.destroy();
      if (chunk[0] === TLS_HANDSHAKE) {
        // Hand the connection to TLS with the bytes already read put back.
        socket.unshift(chunk);
        for (const listener of tlsListeners) listener.call(server, socket);
        return;
      }
      if (proxies?.trusts(socket.remoteAddress)) {
        socket.unshift(chunk);
        return void proxies.serve(socket);
      }
      socket.end(REFUSAL);
    });
    socket.on('error', () => socket.destroy());
  });
}
