import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseForm } from 'fast-querystring';
import { isOAuthPath } from './dialect';

/**
 * A body refused while it is read; the error filter words it by `code`
 * (`fastifyMessage`) in the request's dialect. Not a FastifyError, which Nest
 * would turn into an HttpException carrying Fastify's own message.
 */
export class BodyError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(code);
  }
}

export const BodyErrorCodes = {
  notUtf8: 'GH_BODY_NOT_UTF8',
  forbiddenKey: 'GH_BODY_FORBIDDEN_KEY',
  /** Fastify's code for a content type it has no parser for. */
  unsupportedType: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
} as const;

type Done = (err: Error | null, body?: unknown) => void;
type JsonParser = (req: FastifyRequest, body: string, done: Done) => void;

/**
 * JSON: read as bytes, so that invalid UTF-8 is named as such (read as a string
 * it would turn into U+FFFD and fail the Content-Length check), then Fastify's
 * own secure parser (a `__proto__` or `constructor.prototype` key is an error).
 */
export function jsonBodyParser(secureParse: JsonParser) {
  return (req: FastifyRequest, body: Buffer, done: Done): void => {
    if (!isUtf8(body)) return done(new BodyError(400, BodyErrorCodes.notUtf8));
    const text = body.toString('utf8');
    secureParse(req, text, (err, value) => (err ? done(poisoned(text) ? new BodyError(400, BodyErrorCodes.forbiddenKey) : err) : done(null, value)));
  };
}

/** After the secure parser refused it: the text is valid JSON, so what it refused is a forbidden key. */
function poisoned(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Forms are for the OAuth 2.0 dialect of /v1/auth/token and /v1/auth/revoke
 * only: on any other route a form is 415 (an unknown route stays a 404).
 * fast-querystring, as Nest's parser: no cap on the number of pairs
 * (node:querystring drops pairs past 1000, which would hide a duplicated
 * parameter the OAuth checks refuse).
 */
export function formBodyParser(req: FastifyRequest, body: Buffer, done: Done): void {
  if (!req.is404 && !isOAuthPath(req.url)) return done(new BodyError(415, BodyErrorCodes.unsupportedType));
  if (!isUtf8(body)) return done(new BodyError(400, BodyErrorCodes.notUtf8));
  done(null, parseForm(body.toString('utf8')));
}

/** Replaces Fastify's JSON parser and adds the form parser, both within `bodyLimit`. */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, jsonBodyParser(fastify.getDefaultJsonParser('error', 'error')));
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit }, formBodyParser);
}
