import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, entityUserToken, partner, Partner, ROLE } from '@gatehouse/testing';
import { ensurePrometheus, metricNamesIn, PROMETHEUS_DIR, promtool, TestPrometheus } from './support/prometheus';
import { TestSystem } from './support/system';

/** The series the shipped alerts and dashboard stand on: each must exist once the system has served some traffic. */
const KEY_SERIES = [
  'gatehouse_http_requests_total',
  'gatehouse_http_request_duration_seconds_bucket',
  'gatehouse_nats_served_total',
  'gatehouse_nats_served_duration_seconds_bucket',
  'gatehouse_nats_requests_total',
  'gatehouse_nats_request_duration_seconds_bucket',
  'gatehouse_nats_reconnects_total',
  'gatehouse_tokens_issued_total',
  'gatehouse_policy_decisions_total',
  'gatehouse_policy_read_model_lookups_total',
  'gatehouse_policy_read_model_entries',
  'gatehouse_revocations_applied_total',
  'gatehouse_revocation_lag_seconds_bucket',
  'gatehouse_outbox_backlog',
  'gatehouse_outbox_oldest_age_seconds',
  'gatehouse_outbox_published_total',
  'gatehouse_db_pool_connections',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
];

const DASHBOARD = join(PROMETHEUS_DIR, '../grafana/gatehouse-dashboard.json');

describe('metrics: /metrics on the health ports, scraped by the real Prometheus with the shipped configuration', () => {
  let sys: TestSystem;
  let prom: TestPrometheus | undefined;
  let p: Partner;
  let entityId: string;
  let userId: string;
  let revoked: string;
  const bodies = new Map<string, string>();

  beforeAll(async () => {
    ensurePrometheus();
    const on = { METRICS_ENABLED: 'true' };
    sys = await TestSystem.start({ env: { auth: on, identity: on, policy: on, gateway: on } });

    // Some traffic on every path the key series count.
    p = await partner(sys);
    const api = new Api(sys, p.token);
    entityId = (await api.entity()).id;
    const role = await api.role(entityId, ROLE());
    userId = (await api.user(entityId, { role_id: role.id })).id;
    const userToken = await entityUserToken(sys, p, userId);
    // Decided by policy: by the user's role (it grants entity_user read), and by default (nothing on roles).
    expect((await sys.http.get(`/v1/entity_users/${userId}`, { token: userToken, headers: api.entityHeaders(entityId) })).status).toBe(200);
    expect((await sys.http.get(`/v1/roles/${role.id}`, { token: userToken, headers: api.entityHeaders(entityId) })).status).toBe(403);
    expect((await sys.http.get(`/v1/entities/${entityId}`, { token: p.token })).status).toBe(200);
    expect((await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: p.client_id, client_secret: 'wrong' } })).status).toBe(401);
    expect((await sys.http.get(`/v1/no-such-route/${entityId}`)).status).toBe(404);
    revoked = await sys.partnerToken(p);
    expect((await sys.http.post('/v1/auth/revoke', { json: { client_id: p.client_id, client_secret: p.client_secret, token: revoked } })).status).toBe(200);
    // The revocation reached the gateway (its list refuses the token) before anything is read.
    expect((await sys.http.get('/v1/settings', { token: revoked })).status).toBe(401);

    for (const i of sys.instances()) {
      const res = await fetch(sys.metricsUrl(i.name));
      expect(res.status).toBe(200);
      bodies.set(i.name, await res.text());
    }
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await sys?.stop();
  });

  it('serves /metrics on every health port, with the service label, never on the gateway’s public port', async () => {
    for (const [name, body] of bodies) {
      const service = sys.instances().find((i) => i.name === name)?.service;
      expect(body).toContain(`process_cpu_seconds_total{service="${service}"}`);
    }
    const pub = await sys.http.get('/metrics');
    expect(pub.status).toBe(404);
    expect(pub.text).not.toContain('gatehouse_');
  });

  it('labels HTTP requests by route template, never by the raw path', () => {
    const gateway = bodies.get('gateway') ?? '';
    expect(gateway).toMatch(/gatehouse_http_requests_total\{[^}]*route="\/v1\/entities\/:entity_id"[^}]*status="200"/);
    expect(gateway).toMatch(/gatehouse_http_requests_total\{[^}]*route="unmatched"[^}]*status="404"/);
    expect(gateway).toMatch(/gatehouse_revocations_applied_total\{[^}]*kind="token"/);
    expect(bodies.get('auth')).toMatch(/gatehouse_tokens_issued_total\{[^}]*grant="client_credentials",outcome="invalid_client"/);
    expect(bodies.get('policy')).toMatch(/gatehouse_policy_decisions_total\{[^}]*outcome="allowed",rule="role"/);
    expect(bodies.get('policy')).toMatch(/gatehouse_policy_decisions_total\{[^}]*outcome="denied",rule="not_allowed_by_default"/);
  });

  it('never exposes a secret or an id', () => {
    const secrets = [p.project_id, p.client_id, p.client_secret, p.token, revoked, entityId, userId];
    for (const [name, body] of bodies) {
      for (const s of secrets) expect({ name, leaks: body.includes(s) }).toEqual({ name, leaks: false });
      // No UUID of any kind in a label value.
      expect({ name, uuid: body.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0] }).toEqual({ name, uuid: undefined });
    }
  });

  it('the shipped alert rules and scrape configuration pass promtool', () => {
    const rules = promtool(['check', 'rules', join(PROMETHEUS_DIR, 'alerts.yml')]);
    expect({ status: rules.status, output: rules.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 5 rules found') });
    for (const alert of ['GatehouseHighErrorRate', 'GatehouseRevocationLag', 'GatehouseOutboxBacklog', 'GatehousePolicyUnavailable', 'GatehouseTokenRefusalsSpike']) {
      expect(readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8')).toContain(`alert: ${alert}`);
    }
    const config = promtool(['check', 'config', join(PROMETHEUS_DIR, 'prometheus.yml')]);
    expect(config.status).toBe(0);
  });

  it('Prometheus scrapes every instance (up), and holds the key series after the traffic', async () => {
    const targets: Record<string, string[]> = { audit: [], auth: [], identity: [], policy: [], gateway: [], portal: [] };
    for (const i of sys.instances()) targets[i.service].push(new URL(sys.metricsUrl(i.name)).host);
    prom = await TestPrometheus.start(targets);

    let up: Awaited<ReturnType<TestPrometheus['targets']>> = [];
    let names = new Set<string>();
    const deadline = Date.now() + 30_000;
    for (;;) {
      up = await prom.targets();
      names = await prom.names();
      const allUp = up.length === sys.instances().length && up.every((t) => t.health === 'up');
      if ((allUp && KEY_SERIES.every((n) => names.has(n))) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(up.map((t) => `${t.job} ${t.health} ${t.lastError}`).sort()).toEqual(
      ['audit', 'auth', 'gateway', 'identity', 'policy', 'portal'].map((job) => `${job} up `),
    );
    expect(KEY_SERIES.filter((n) => !names.has(n))).toEqual([]);
    // The series carry what the alerts select on.
    expect((await prom.query('sum by (grant, outcome) (gatehouse_tokens_issued_total)')).map((s) => `${s.metric.grant}/${s.metric.outcome}`)).toEqual(
      expect.arrayContaining(['client_credentials/issued', 'entity_user/issued', 'client_credentials/invalid_client']),
    );
    expect(await prom.query('gatehouse_revocation_lag_seconds_count{kind="token"} > 0')).toHaveLength(1);

    // The dashboard parses, and names only series Prometheus has.
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    const used = new Set(dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((t) => metricNamesIn(t.expr))));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((n) => !names.has(n))).toEqual([]);
    for (const n of KEY_SERIES) expect([...used].some((u) => u === n || n.startsWith(u))).toBe(true);
  }, 60_000);
});
