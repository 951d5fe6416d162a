import { enableMetrics, metricsEnabled, metricsRegistry, recordHttp, recordNatsRequest, recordNatsServed } from './metrics';

describe('metrics', () => {
  const text = () => metricsRegistry.metrics();

  it('records nothing until enabled', async () => {
    expect(metricsEnabled()).toBe(false);
    recordHttp('/v1/entities/:entity_id', 'GET', 200, 0.01);
    expect(await text()).not.toContain('route="/v1/entities/:entity_id"');
  });

  it('labels by route template, folds an unmatched route and an unknown method, and carries the service', async () => {
    enableMetrics('test-service');
    recordHttp('/v1/entities/:entity_id', 'GET', 200, 0.01);
    recordHttp('/v1/entities/:entity_id', 'GET', 200, 0.02);
    recordHttp(undefined, 'BREW', 404, 0.001);
    const body = await text();
    expect(body).toContain('gatehouse_http_requests_total{route="/v1/entities/:entity_id",method="GET",status="200",service="test-service"} 2');
    expect(body).toContain('gatehouse_http_requests_total{route="unmatched",method="OTHER",status="404",service="test-service"} 1');
    expect(body).toContain('process_cpu_seconds_total{service="test-service"}');
  });

  it('counts NATS subjects served and requested by outcome', async () => {
    recordNatsServed('policy.v1.check', 'ok', 0.001);
    recordNatsServed('policy.v1.check', 'invalid');
    recordNatsRequest('auth.v1.token.issue', 'unavailable', 2);
    const body = await text();
    expect(body).toContain('gatehouse_nats_served_total{subject="policy.v1.check",outcome="ok",service="test-service"} 1');
    expect(body).toContain('gatehouse_nats_served_total{subject="policy.v1.check",outcome="invalid",service="test-service"} 1');
    expect(body).toMatch(/gatehouse_nats_served_duration_seconds_count\{[^}]*subject="policy.v1.check"[^}]*\} 1\n/);
    expect(body).toContain('gatehouse_nats_requests_total{subject="auth.v1.token.issue",outcome="unavailable",service="test-service"} 1');
  });
});
