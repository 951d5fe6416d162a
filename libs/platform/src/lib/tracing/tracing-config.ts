import { z } from 'zod';

/**
 * The standard OpenTelemetry variables Gatehouse reads (the SDK itself reads
 * none of these; the OTLP exporter reads its own OTEL_EXPORTER_OTLP_*: endpoint,
 * headers, timeout). Tracing is off unless OTEL_TRACES_EXPORTER=otlp; gRPC is not
 * offered (OTLP over HTTP only).
 */
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).max(10_000_000).default(fallback);

export const tracingEnvSchema = z.object({
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp'], { error: 'must be "otlp" (on) or "none" (off, the default)' }).default('none'),
  /** Also switches everything off, whatever else is set (the specification's kill switch). */
  OTEL_SDK_DISABLED: z.enum(['true', 'false', '']).default('false'),
  OTEL_SERVICE_NAME: z.string().min(1).max(200).optional(),
  /** The specification's default, protobuf, is the cheaper to encode; JSON for receivers that want it. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json'], { error: 'must be "http/protobuf" (the default) or "http/json"' }).default('http/protobuf'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/protobuf', 'http/json'], { error: 'must be "http/protobuf" or "http/json"' }).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_always_on'),
  /** The ratio of the *traceidratio samplers, 0..1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  OTEL_BSP_SCHEDULE_DELAY: positiveInt(5_000),
  OTEL_BSP_EXPORT_TIMEOUT: positiveInt(30_000),
  OTEL_BSP_MAX_QUEUE_SIZE: positiveInt(2_048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: positiveInt(512),
});
export type TracingEnv = z.infer<typeof tracingEnvSchema>;

export interface TracingSettings extends TracingEnv {
  enabled: boolean;
}

/** The tracing settings, or an Error naming every bad variable. */
export function parseTracingEnv(env: NodeJS.ProcessEnv): TracingSettings {
  const parsed = tracingEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid tracing configuration: ${lines.join('; ')}`);
  }
  const settings = parsed.data;
  return { ...settings, enabled: settings.OTEL_TRACES_EXPORTER === 'otlp' && settings.OTEL_SDK_DISABLED !== 'true' };
}
