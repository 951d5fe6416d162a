import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { headers as natsHeaders } from 'nats';
import { enterRequest, leaveRequest, shutdownTracing, startNatsClientSpan, startTracing, tracingState, unsampledParent } from './tracing';

/** A context whose span is the caller's: trace id, span id and sampling flag as a traceparent would carry them. */
function remoteParent(sampled: boolean) {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

describe('tracing under a parent-based sampler', () => {
  beforeAll(() => {
    // Exported spans go nowhere (a closed port); nothing here waits for them.
    startTracing({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
  });
  afterAll(() => shutdownTracing());

  it('knows an unsampled parent from a sampled one and from none', () => {
    expect(tracingState.parentBased).toBe(true);
    expect(unsampledParent(remoteParent(false))).toBe(true);
    expect(unsampledParent(remoteParent(true))).toBe(false);
    expect(unsampledParent(context.active())).toBe(false);
  });

  it('starts no client span under an unsampled parent, and passes its trace and decision on in the headers', () => {
    enterRequest('req-unsampled', remoteParent(false));
    try {
      const h = natsHeaders();
      expect(startNatsClientSpan('auth.v1.token.issue', h, 'req-unsampled')).toBeUndefined();
      expect(h.get('traceparent')).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    } finally {
      leaveRequest('req-unsampled');
    }
  });

  it('starts a recording client span under a sampled parent, its own id in the headers', () => {
    enterRequest('req-sampled', remoteParent(true));
    try {
      const h = natsHeaders();
      const span = startNatsClientSpan('auth.v1.token.issue', h, 'req-sampled');
      expect(span?.isRecording()).toBe(true);
      const sent = h.get('traceparent').split('-');
      expect(sent[1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(sent[2]).toBe(span?.spanContext().spanId);
      expect(sent[3]).toBe('01');
      span?.end();
    } finally {
      leaveRequest('req-sampled');
    }
  });
});
