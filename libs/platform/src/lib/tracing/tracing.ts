import { basename, dirname } from 'node:path';
import { Context, context, propagation, Span, SpanKind, SpanStatusCode, trace, TraceFlags, Tracer, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { MsgHdrs } from 'nats';
import { ProcessContextManager } from './context-manager';
import { parseTracingEnv, TracingSettings } from './tracing-config';

/**
 * OpenTelemetry tracing, off by default (OTEL_TRACES_EXPORTER=otlp turns it on).
 * Started before anything loads `pg` (libs/platform's index imports ./preload
 * first), so the PostgreSQL instrumentation can hook it; spans: the gateway's
 * HTTP requests, every NATS request made and served (the W3C trace context rides
 * in the NATS headers), every query made under one of them, and the outbox's
 * events. Off, every hook below is one boolean test.
 */
export const tracingState = {
  enabled: false,
  /**
   * Whether handlers run inside their span's async context (AsyncLocalStorage):
   * only where the pg instrumentation needs it to parent the queries (services
   * with a database). Node 20's AsyncLocalStorage hooks every promise once used,
   * which costs more than the spans themselves; elsewhere the context travels
   * explicitly, by request id (spanContextOf).
   */
  asyncContext: false,
  /**
   * Whether the sampler follows the parent's decision (the parentbased_* samplers,
   * the default): then nothing under an unsampled parent is ever sampled, and the
   * spans a process would start there are skipped altogether (unsampledParent).
   */
  parentBased: true,
};

/**
 * Whether `ctx` carries a span context whose trace is not sampled, under a sampler
 * that follows its parent: the work under it is traced by nobody, so no span is
 * started for it (with 1 trace in 10 sampled, the SDK's non-recording spans, their
 * ids and sampling decisions were most of tracing's cost); the context is still
 * passed on, so the services downstream know the decision too.
 */
export function unsampledParent(ctx: Context): boolean {
  if (!tracingState.parentBased) return false;
  const parent = trace.getSpanContext(ctx);
  return parent !== undefined && (parent.traceFlags & TraceFlags.SAMPLED) === 0;
}

/** The span context of each request being handled in this process, by its request id (x-request-id / NATS header). */
const byRequestId = new Map<string, Context>();

/** While a request is handled here: its span's context, found by its request id (NatsService.request passes it). */
export function enterRequest(requestId: string, ctx: Context): boolean {
  if (byRequestId.has(requestId)) return false;
  byRequestId.set(requestId, ctx);
  return true;
}

export function leaveRequest(requestId: string): void {
  byRequestId.delete(requestId);
}

/** The context a request's outgoing calls descend from: its own (by request id), else the async one. */
export function contextOf(requestId: string | undefined): Context {
  return (requestId !== undefined && byRequestId.get(requestId)) || context.active();
}

let provider: NodeTracerProvider | undefined;
let cachedTracer: Tracer | undefined;

/** The service's name: OTEL_SERVICE_NAME, else the app folder of the entry script (dist/apps/<name>/src/main.js). */
function serviceName(settings: TracingSettings): string {
  if (settings.OTEL_SERVICE_NAME) return settings.OTEL_SERVICE_NAME;
  const entry = process.argv[1] ?? '';
  return /[\\/]apps[\\/]([^\\/]+)[\\/]/.exec(entry)?.[1] ?? (basename(dirname(entry)) || 'gatehouse');
}

function sampler(settings: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.OTEL_TRACES_SAMPLER_ARG);
  switch (settings.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** Starts tracing when the environment turns it on; throws an Error naming a bad variable. */
export function startTracing(env: NodeJS.ProcessEnv = process.env): boolean {
  const settings = parseTracingEnv(env);
  if (!settings.enabled || provider) return tracingState.enabled;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName(settings) }),
    sampler: sampler(settings),
    spanProcessors: [
      new BatchSpanProcessor((settings.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? settings.OTEL_EXPORTER_OTLP_PROTOCOL) === 'http/json' ? new OTLPJsonExporter() : new OTLPProtoExporter(), {
        scheduledDelayMillis: settings.OTEL_BSP_SCHEDULE_DELAY,
        exportTimeoutMillis: settings.OTEL_BSP_EXPORT_TIMEOUT,
        maxQueueSize: settings.OTEL_BSP_MAX_QUEUE_SIZE,
        maxExportBatchSize: settings.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
      }),
    ],
  });
  // The W3C trace-context propagator, and a context manager that keeps Node's promise hook off unless asked (context-manager.ts).
  provider.register({ contextManager: new ProcessContextManager(() => tracingState.asyncContext) });
  // Queries only under a span (a request): not the outbox relay's polling or the migrations.
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new PgInstrumentation({ requireParentSpan: true })] });
  tracingState.parentBased = settings.OTEL_TRACES_SAMPLER.startsWith('parentbased_');
  tracingState.enabled = true;
  return true;
}

/** Sends what is buffered and stops (on SIGTERM, after the app closed). */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  tracingState.enabled = false;
  await p?.shutdown().catch(() => undefined);
}

export function tracer(): Tracer {
  return (cachedTracer ??= trace.getTracer('gatehouse'));
}

const natsSetter: TextMapSetter<MsgHdrs> = { set: (h, key, value) => h.set(key, value) };
const natsGetter: TextMapGetter<MsgHdrs | undefined> = {
  get: (h, key) => h?.get(key) || undefined,
  keys: (h) => (h ? h.keys() : []),
};

/** Writes the active trace context (traceparent, tracestate) into NATS headers. */
export function injectTraceContext(h: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, h, natsSetter);
}

/** The trace context a NATS message carries (the active one when it carries none). */
export function extractTraceContext(h: MsgHdrs | undefined): Context {
  return propagation.extract(context.active(), h, natsGetter);
}

/**
 * A NATS request made (for the request `requestId`): a client span, its context
 * sent along in the headers. Under an unsampled parent, no span: the parent's
 * context is sent as it is.
 */
export function startNatsClientSpan(subject: string, h: MsgHdrs, requestId?: string): Span | undefined {
  const parent = contextOf(requestId);
  if (unsampledParent(parent)) {
    injectTraceContext(h, parent);
    return undefined;
  }
  const span = tracer().startSpan(
    `${subject} request`,
    { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.operation.type': 'send' } },
    parent,
  );
  injectTraceContext(h, trace.setSpan(parent, span));
  return span;
}

/** Ends a span as failed (an error reply, a timeout), or as OK. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
