import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';
import { serializeError } from './error-serializer';

/**
 * OPTIONS too: no CORS is served (the API is for partners' backends), so an OPTIONS
 * is a method a path does not allow. And a method the router knows no route for
 * never reaches it: Fastify's 404 fallback answered such a request before decoding
 * its path or running any hook (a path that is not percent-encoded UTF-8 got 404,
 * where every other method gets 400, and two Authorization headers went unrefused).
 */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Collects the routes as they are registered; `close()` then answers the other
 * methods on each known path with 405 and an Allow header (a GET on the token
 * endpoint is a 405, never a 404 or a 200).
 */
export function methodNotAllowed(fastify: FastifyInstance): { close: () => void; routes: () => string[] } {
  const byUrl = new Map<string, Set<string>>();
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const set = byUrl.get(route.url) ?? new Set<string>();
    methods.forEach((m) => set.add(m.toUpperCase()));
    byUrl.set(route.url, set);
  });
  return {
    /** The routes the app registered (before close() adds the 405s), as sorted `METHOD /url` lines. */
    routes: () => [...byUrl].flatMap(([url, methods]) => [...methods].map((m) => `${m} ${url}`)).sort(),
    close: () => {
      for (const [url, allowed] of [...byUrl]) {
        const missing = METHODS.filter((m) => !allowed.has(m));
        if (!missing.length) continue;
        // In Monite's dialect on every path: the OAuth dialect is for POSTs, and a 405 is no POST.
        const { status, headers, body } = serializeError(
          new ApiError(405, 'Method not allowed', { headers: { allow: [...allowed].join(', ') }, dialect: 'monite' }),
          'monite',
        );
        fastify.route({
          method: missing,
          url,
          handler: (_req, reply) => void reply.status(status).headers(headers).send(body),
        });
      }
    },
  };
}
