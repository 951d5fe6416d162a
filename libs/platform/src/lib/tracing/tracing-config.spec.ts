import { parseTracingEnv } from './tracing-config';

describe('parseTracingEnv', () => {
  it('is off by default, and with OTEL_SDK_DISABLED', () => {
    expect(parseTracingEnv({}).enabled).toBe(false);
    expect(parseTracingEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
  });

  it('is on with the OTLP exporter, with the standard defaults', () => {
    expect(parseTracingEnv({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({
      enabled: true,
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      OTEL_TRACES_SAMPLER_ARG: 1,
      OTEL_BSP_SCHEDULE_DELAY: 5_000,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, /OTEL_TRACES_EXPORTER/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER/],
    [{ OTEL_TRACES_SAMPLER_ARG: '2' }, /OTEL_TRACES_SAMPLER_ARG/],
    [{ OTEL_BSP_SCHEDULE_DELAY: 'soon' }, /OTEL_BSP_SCHEDULE_DELAY/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL/],
  ])('names a bad variable (%j)', (env, name) => {
    expect(() => parseTracingEnv(env)).toThrow(name);
  });
});
