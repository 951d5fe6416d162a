import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { enterRequest, leaveRequest, tracer, tracingState, unsampledParent } from '@gatehouse/platform';

/**
 * With tracing on (OTEL_TRACES_EXPORTER=otlp), every HTTP request gets a server
 * span named by its route template (never the raw path: ids stay out), child of
 * the W3C `traceparent` the client sent (else a new trace). Its context is
 * registered under the request id, which every NATS request the gateway makes
 * passes along, so those calls (and the services' spans) hang under it without
 * an async context (tracing.ts says why). Off, no hook is added.
 */
export function traceRequests(fastify: FastifyInstance): void {
  if (!tracingState.enabled) return;
  fastify.addHook('onRequest', async (req, reply) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    if (unsampledParent(parent)) {
      // The caller's trace is not sampled: no span, its decision passed on by request id.
      if (enterRequest(req.id, parent)) reply.raw.once('close', () => leaveRequest(req.id));
      return;
    }
    const route = req.routeOptions.url;
    const span = tracer().startSpan(
      `${req.method} ${route ?? '(unmatched)'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.scheme': 'https', ...(route ? { 'http.route': route } : {}) } },
      parent,
    );
    const entered = enterRequest(req.id, trace.setSpan(parent, span));
    reply.raw.once('close', () => {
      if (entered) leaveRequest(req.id);
      span.setAttribute('http.response.status_code', reply.raw.statusCode);
      if (reply.raw.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
  });
}
