import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError } from './api-error';
import { dialectOf } from './dialect';
import { serializeError } from './error-serializer';

/*
 * Node's HTTP parser keeps the first of some headers and silently drops the
 * others; a proxy in front may keep the last. Where that matters, a request
 * carrying one of them twice is refused (400) before any guard or handler:
 * - Authorization: whose credentials (two tokens, two Basic pairs);
 * - Content-Type: how the body is read, and the dialect of the OAuth endpoints;
 * - Host: RFC 9112 §3.2 requires a 400.
 * Other repeated headers are joined with ", " by Node (RFC 9110 §5.3), so a
 * repeated x-monite-entity-id or x-monite-version fails its own validation.
 */

/** The header (its usual spelling) among Authorization, Content-Type and Host that Node's `rawHeaders` ([name, value, …]) holds more than once. */
export function repeatedHeader(rawHeaders: readonly string[]): string | undefined {
  let authorization = 0;
  let contentType = 0;
  let host = 0;
  // Per request: no allocation, a length switch per header name.
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    switch (name.length) {
      case 13:
        if (sameName(name, 'authorization') && ++authorization > 1) return 'Authorization';
        break;
      case 12:
        if (sameName(name, 'content-type') && ++contentType > 1) return 'Content-Type';
        break;
      case 4:
        if (sameName(name, 'host') && ++host > 1) return 'Host';
        break;
    }
  }
  return undefined;
}

/**
 * A header name equals a lower-case one of the same length, ignoring ASCII case
 * (`| 0x20` lower-cases letters and leaves `-` alone; header names are tokens).
 */
function sameName(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** An `onRequest` hook: 400 in the request's dialect for a repeated Authorization, Content-Type or Host header. */
export function refuseRepeatedHeaders(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const name = repeatedHeader(req.raw.rawHeaders);
  if (name === undefined) return done();
  const { status, headers, body } = serializeError(ApiError.message(400, `The ${name} header is given more than once`), dialectOf(req));
  void reply.status(status).headers(headers).send(body);
}
