import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { tracer, tracingState } from '@gatehouse/platform';

const spans = new WeakMap<IncomingMessage, Span>();

/**
 * With tracing on (OTEL_TRACES_EXPORTER=otlp), every HTTP request gets a server
 * span, child of the W3C `traceparent` the client sent (else a new trace), and
 * Fastify handles it inside that span's context, so the NATS requests it makes
 * (and their services' spans) hang under it. Off, nothing is wrapped.
 */
export function traceRequests(server: HttpsServer): void {
  if (!tracingState.enabled) return;
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      req.method ?? 'HTTP',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '', 'url.scheme': 'https' } },
      parent,
    );
    spans.set(req, span);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => {
      for (const handle of handlers) handle.call(server, req, res);
    });
  });
}

/** Names the request's span by its route template (never the raw path: ids stay out), once Fastify has routed it. */
export function nameRequestSpan(req: FastifyRequest): void {
  const span = spans.get(req.raw);
  if (!span) return;
  const route = req.routeOptions.url;
  span.updateName(`${req.method} ${route ?? '(unmatched)'}`);
  if (route) span.setAttribute('http.route', route);
}
