import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Headers } from '@gatehouse/contracts';
import { TLS_POLICY } from '@gatehouse/platform';
import type { ServiceRuntime } from '@gatehouse/platform';
import { registerAuditHooks } from './audit/audit-hooks';
import { AuditPublisherService } from './audit-trail/audit-publisher.service';
import { GatewayConfig } from './config';
import { registerBodyParsers } from './http/body-parsers';
import { answerRoutingError, clientErrorHandler } from './http/early-errors';
import { refusePlainHttp } from './http/https-only';
import { requireForwardedHttps, servePlainHttpFrom } from './http/trusted-proxies';
import { methodNotAllowed } from './http/method-not-allowed';
import { refuseRepeatedHeaders } from './http/repeated-headers';
import { traceRequests } from './http/request-tracing';
import { JwksService } from './tokens/jwks.service';
import { RevocationListService } from './tokens/revocation-list.service';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Slow clients: the head must arrive within HEADERS_TIMEOUT_MS, the whole request within REQUEST_TIMEOUT_MS. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** How often Node checks those deadlines (its default, 30 s, lets a slow client stay up to 30 s longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** The gateway's HTTPS server: TLS policy, limits, timeouts, request ids, the errors raised before Nest. */
export function gatewayAdapter({ config, logger }: ServiceRuntime<GatewayConfig>): FastifyAdapter {
  const tls = { key: readFileSync(config.GATEWAY_TLS_KEY_FILE), cert: readFileSync(config.GATEWAY_TLS_CERT_FILE) };
  const proxies = config.GATEWAY_TRUSTED_PROXIES;
  return new FastifyAdapter({
    https: { ...tls, ...TLS_POLICY, headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    bodyLimit: config.GATEWAY_BODY_LIMIT,
    http2: false,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: 0,
    keepAliveTimeout: 72_000,
    // Router options under routerOptions: at the top level they are deprecated (FSTDEP022, a warning at every start).
    routerOptions: { maxParamLength: 200 },
    // Errors raised before the app (bad path encoding, over-long path parameter, a request Node's parser refuses).
    frameworkErrors: answerRoutingError,
    clientErrorHandler: clientErrorHandler(logger),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: false,
    // Trusted-proxy mode: the client address is X-Forwarded-For's right-most address that is not a trusted proxy.
    trustProxy: proxies.entries.length ? (address: string) => proxies.contains(address) : false,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers[Headers.requestId];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logger: false,
  } as any);
}

/**
 * Before the gateway listens: its body parsers and hooks, then it serves only with
 * the signing keys and a complete revocation list in hand.
 */
export async function prepareGateway(app: NestFastifyApplication, { config, logger, access }: ServiceRuntime<GatewayConfig>): Promise<void> {
  const proxies = config.GATEWAY_TRUSTED_PROXIES;
  if (proxies.entries.length) logger.info({ trusted_proxies: proxies.entries }, 'trusted-proxy mode: plain HTTP with X-Forwarded-Proto: https from these proxies');
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify, config.GATEWAY_BODY_LIMIT);
  const notAllowed = methodNotAllowed(fastify);
  traceRequests(fastify);
  fastify.addHook('onRequest', async (req, reply) => {
    reply.header(Headers.requestId, req.id);
  });
  if (proxies.entries.length) fastify.addHook('onRequest', requireForwardedHttps);
  fastify.addHook('onRequest', refuseRepeatedHeaders);
  // The access log: to the log file (asynchronously), summarised on a person's console; no hook at all above info.
  if (access.enabled) {
    fastify.addHook('onResponse', async (req, reply) => {
      access.record({ request_id: req.id, method: req.method, path: req.url.split('?', 1)[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
    });
  }
  registerAuditHooks(fastify, app.get(AuditPublisherService));
  const server = app.getHttpServer() as unknown as TlsServer & HttpsServer;
  const balancers = config.GATEWAY_PROXY_PROTOCOL_FROM;
  if (balancers.entries.length) logger.info({ proxy_protocol_from: balancers.entries }, 'PROXY protocol: client addresses from these balancers');
  refusePlainHttp(server, proxies.entries.length ? servePlainHttpFrom(proxies, server) : undefined, balancers.entries.length ? balancers : undefined);

  await app.init();
  // The route table, once at start (LOG_LEVEL=debug): what is served, and what the e2e suite holds /v1/openapi.json to.
  logger.debug({ routes: notAllowed.routes() }, 'routes');
  notAllowed.close();

  await app.get(JwksService).refresh().catch(() => undefined);
  await app.get(RevocationListService).reloadUntilDone();
  while (!app.get(JwksService).loaded) {
    await new Promise((r) => setTimeout(r, 250));
    await app.get(JwksService).refresh().catch(() => undefined);
  }
}
