import type { FastifyRequest } from 'fastify';
import type { Dialect } from './api-error';

const OAUTH_PATHS = new Set(['/v1/auth/token', '/v1/auth/revoke', '/v1/auth/introspect']);

/**
 * Standard OAuth 2.0 libraries post forms and read RFC 6749 error bodies; Monite
 * clients post JSON and read Monite's. The request's content type decides.
 */
export function speaksOAuth(req: Pick<FastifyRequest, 'url' | 'headers'>): boolean {
  if (!isOAuthPath(req.url)) return false;
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** The token, revocation or introspection endpoint (a request URL, query and all). */
export function isOAuthPath(url: string): boolean {
  return OAUTH_PATHS.has(url.split('?', 1)[0]);
}

/** The dialect a request's errors are written in. */
export function dialectOf(req: Pick<FastifyRequest, 'url' | 'headers'>): Dialect {
  return speaksOAuth(req) ? 'oauth' : 'monite';
}
