import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Headers } from '@gatehouse/contracts';
import { ApiError } from './api-error';
import { dialectOf, isOAuthPath } from './dialect';
import { rawHttpResponse, serializeError } from './error-serializer';
import { refuseRepeatedHeaders } from './repeated-headers';

/*
 * Errors raised before a request reaches Nest, answered in the API's error shape
 * (never Fastify's or Node's default bodies, and never echoing the path):
 * - Fastify's routing errors (`frameworkErrors`): a path that is not
 *   percent-encoded UTF-8, a path parameter over `maxParamLength`;
 * - Node's HTTP parser errors (`clientErrorHandler`): a request line or header
 *   it refuses, a head over maxHeaderSize, a request not received in time.
 *   No request exists then: a minimal HTTP/1.1 response goes on the socket,
 *   which is closed.
 */

const ROUTING: Record<string, { status: number; message: string }> = {
  FST_ERR_BAD_URL: { status: 400, message: 'The path is not valid percent-encoded UTF-8' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, message: 'A path segment is too long' },
};

/** Fastify's `frameworkErrors` option. */
export function answerRoutingError(error: { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  const { status, message } = ROUTING[error.code ?? ''] ?? { status: 400, message: 'Bad request' };
  const answer = serializeError(ApiError.oauth(status, 'invalid_request', message), dialectOf(req));
  void reply.status(answer.status).headers(answer.headers).header(Headers.requestId, req.id).send(answer.body);
}

/**
 * A request that reached Nest's not-found handler without running any hook: Fastify's
 * 404 router calls that handler directly for a path it cannot route (one that is not
 * percent-encoded UTF-8, or a segment over its length limit) under a method no route
 * has (TRACE, PROPFIND, ...), or under any method for an unknown path too long for it.
 * Such a request got a 404 echoing its path, without a request id, and two
 * Authorization headers went unrefused. It gets what the hooks would have given it:
 * its request id, 400 for a path that is not percent-encoded UTF-8 (as under every
 * other method), 400 for a repeated header, else a plain 404.
 */
export function answerUnhooked(req: FastifyRequest, reply: FastifyReply): void {
  if (!isPercentEncodedUtf8(req.url.split('?', 1)[0])) return answerRoutingError({ code: 'FST_ERR_BAD_URL' }, req, reply);
  void reply.header(Headers.requestId, req.id);
  refuseRepeatedHeaders(req, reply, () => {
    const answer = serializeError(ApiError.message(404, 'Not found'), dialectOf(req));
    void reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
}

/** Whether a path decodes as percent-encoded UTF-8 (what Fastify's router requires before routing it). */
function isPercentEncodedUtf8(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const PARSER: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'Request headers too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, message: 'Chunk extensions too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'Request timeout' },
};

/** Fastify's `clientErrorHandler` option (Node's 'clientError' event), bound to a logger. */
export function clientErrorHandler(logger: Logger) {
  return (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void => {
    // Already answered and closing: a second parser error (e.g. at the end of a timed-out body) changes nothing.
    if (err.code === 'ECONNRESET' || socket.destroyed || (socket as Lingering)[LINGERING]) return;
    // A response already under way on this connection cannot be followed by another.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) return void socket.destroy();
    const { status, message } = PARSER[err.code ?? ''] ?? { status: 400, message: 'Malformed HTTP request' };
    const requestId = randomUUID();
    const answer = serializeError(ApiError.oauth(status, 'invalid_request', message), oauthForm(err.rawPacket) ? 'oauth' : 'monite');
    logger.info({ request_id: requestId, status, code: err.code }, 'client error');
    lingeringClose(socket, rawHttpResponse(answer, 'application/json; charset=utf-8', [[Headers.requestId, requestId]]));
  };
}

const LINGERING = Symbol('lingering close');
type Lingering = Duplex & { [LINGERING]?: boolean };

/** How long a refused client may go on sending before its connection is cut. */
const LINGER_MS = 2_000;

/**
 * Sends the last response and closes, reading (and dropping) what the client is
 * still sending meanwhile: closing on unread data would reset the connection, and
 * the client could lose the response (a request head over the size limit is
 * refused while the client is still writing it).
 */
function lingeringClose(socket: Duplex, response: string): void {
  (socket as Lingering)[LINGERING] = true;
  socket.removeAllListeners('data'); // the HTTP parser reads no more
  socket.on('data', () => undefined);
  socket.resume(); // the parser may have paused it: drain what still comes
  socket.end(response);
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(cut));
}

/**
 * The dialect of a request the parser refused, read from its raw bytes (when
 * Node passes them): a form POST to an OAuth endpoint (the token, revocation or
 * introspection one: dialect.ts's list) speaks OAuth.
 */
function oauthForm(raw: Buffer | undefined): boolean {
  const head = raw?.toString('latin1') ?? '';
  const target = /^POST (\S+) /.exec(head)?.[1];
  return target !== undefined && isOAuthPath(target) && /\r\ncontent-type:[ \t]*application\/x-www-form-urlencoded/i.test(head);
}
