import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { Headers } from '@gatehouse/contracts';
import { TLS_POLICY } from '@gatehouse/platform';
import type { ServiceRuntime } from '@gatehouse/platform';
import { PortalConfig } from './config';
import { CsrfTokens } from './http/csrf';
import { FORM_BODY_LIMIT, registerFormParser } from './http/forms';
import { html } from './http/html';
import { postGuard } from './http/post-guard';
import { setSecurityHeaders } from './http/security-headers';
import { layout } from './http/layout';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The portal's HTTPS server: the gateway's TLS policy, small bodies, short timeouts. */
export function portalAdapter({ config }: ServiceRuntime<PortalConfig>): FastifyAdapter {
  const tls = { key: readFileSync(config.PORTAL_TLS_KEY_FILE), cert: readFileSync(config.PORTAL_TLS_CERT_FILE) };
  return new FastifyAdapter({
    https: { ...tls, ...TLS_POLICY, headersTimeout: 10_000 },
    bodyLimit: FORM_BODY_LIMIT,
    http2: false,
    requestTimeout: 15_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: false,
    trustProxy: false,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers[Headers.requestId];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logger: false,
  } as any);
}

/** The path for the access log: without the query, and an invite link's token never written down. */
export function loggablePath(url: string): string {
  const path = url.split('?', 1)[0];
  return path.startsWith('/invite/') ? '/invite/:token' : path;
}

function refuse(reply: FastifyReply, message: string): void {
  void reply
    .status(403)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(layout({ title: 'Refused', body: html`<h1>Refused</h1><div class="notice error" role="alert"><p>${message}</p></div><p><a href="/projects">Back to your projects</a></p>` }));
}

/** Before it listens: the form parser, the security headers on every answer, the POST guard (origin + CSRF). */
export async function preparePortal(app: NestFastifyApplication, { access }: ServiceRuntime<PortalConfig>): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  registerFormParser(fastify);
  fastify.addHook('onRequest', setSecurityHeaders);
  fastify.addHook('onRequest', async (req, reply) => {
    reply.header(Headers.requestId, req.id);
  });
  fastify.addHook('preHandler', postGuard(app.get(CsrfTokens), refuse));
  if (access.enabled) {
    fastify.addHook('onResponse', async (req, reply) => {
      access.record({ request_id: req.id, method: req.method, path: loggablePath(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
    });
  }
  await app.init();
}
