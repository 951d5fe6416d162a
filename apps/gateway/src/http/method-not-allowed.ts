import type { FastifyInstance } from 'fastify';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Collects the routes as they are registered; `close()` then answers the other
 * methods on each known path with 405 and an Allow header (a GET on the token
 * endpoint is a 405, never a 404 or a 200).
 */
export function methodNotAllowed(fastify: FastifyInstance): { close: () => void } {
  const byUrl = new Map<string, Set<string>>();
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const set = byUrl.get(route.url) ?? new Set<string>();
    methods.forEach((m) => set.add(m.toUpperCase()));
    byUrl.set(route.url, set);
  });
  return {
    close: () => {
      for (const [url, allowed] of [...byUrl]) {
        const missing = METHODS.filter((m) => !allowed.has(m));
        if (!missing.length) continue;
        const allow = [...allowed].join(', ');
        fastify.route({
          method: missing,
          url,
          handler: (_req, reply) => {
            void reply
              .status(405)
              .header('allow', allow)
              .send({ error: { message: 'Method not allowed' } });
          },
        });
      }
    },
  };
}
