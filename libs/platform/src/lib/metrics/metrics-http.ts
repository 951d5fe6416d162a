import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { metricsText, recordHttp } from './metrics';

/**
 * Counts every request the server answers by its route template (Fastify's
 * routeOptions.url, e.g. `/v1/entities/:entity_id`; `unmatched` when no route
 * matched), never by its raw path.
 */
export function instrumentHttp(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    recordHttp(req.routeOptions.url, req.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** `GET /metrics` on a service's own (health) Fastify server. */
export function serveMetricsRoute(fastify: FastifyInstance): void {
  fastify.get('/metrics', async (_req, reply) => {
    const { body, contentType } = await metricsText();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * A plain-HTTP server of its own for `GET /metrics`, for a service whose HTTP port is
 * public (the gateway): the metrics stay on an internal port. Anything else is 404.
 */
export async function startMetricsServer(port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"Not found"}}');
      return;
    }
    metricsText().then(
      ({ body, contentType }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body),
      () => res.writeHead(500).end(),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function serverPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
