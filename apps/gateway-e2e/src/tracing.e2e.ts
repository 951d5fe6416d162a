import { createServer, Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { IdentityEvents } from '@gatehouse/contracts';
import { Api, userWithRole } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/** One span as OTLP/HTTP JSON carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

/** An in-process OTLP/HTTP receiver (JSON): what the services' exporters send to POST /v1/traces. */
async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const json = JSON.parse(body) as { resourceSpans?: any[] };
        for (const rs of json.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue ?? '?';
          for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ service, ...s, parentSpanId: s.parentSpanId || undefined });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, spans, server };
}

const SERVER = 2;
const CLIENT = 3;

describe('traces (OpenTelemetry, OTLP)', () => {
  let sys: TestSystem;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    const otel = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    sys = await TestSystem.start({ env: { gateway: otel, auth: otel, identity: otel, policy: otel } });
  });
  afterAll(async () => {
    await sys?.stop();
    receiver?.server.close();
  });

  /** The spans of one trace, once they stop arriving. */
  async function trace(traceId: string, until: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const spans = receiver.spans.filter((s) => s.traceId === traceId);
      if (until(spans) || Date.now() > deadline) return spans;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("an entity-user request is one trace: gateway → policy → identity → PostgreSQL, each span's parent in it, under the caller's traceparent", async () => {
    const cred = await sys.createPartner();
    const partnerApi = new Api(sys, await sys.partnerToken(cred));
    const entity = await partnerApi.entity();
    const { user, token } = await userWithRole(sys, partnerApi, cred, entity.id, {
      name: 'reader',
      permissions: { objects: [{ object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] }] },
    });
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await sys.http.get(`/v1/entity_users/${user.id}`, { token, headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    expect(res.status).toBe(200);

    // Complete: each service and a query seen, and every span's parent received (the exporters send in their own time).
    // Policy and identity each show the span of the call the gateway made, not just any span (identity
    // also serves policy's read-model fill, which may arrive first).
    const complete = (s: ReceivedSpan[]): boolean => {
      const ids = new Set(s.map((x) => x.spanId));
      const byId = new Map(s.map((x) => [x.spanId, x]));
      return (
        s.some((x) => x.service === 'gateway') &&
        ['policy', 'identity'].every((svc) => s.some((x) => x.service === svc && x.kind === SERVER && byId.get(x.parentSpanId ?? '')?.service === 'gateway')) &&
        s.some((x) => x.name.startsWith('pg')) &&
        s.some((x) => x.parentSpanId === callerSpan) &&
        s.every((x) => x.parentSpanId === callerSpan || ids.has(x.parentSpanId ?? ''))
      );
    };
    const spans = await trace(traceId, complete);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const root = spans.find((s) => s.service === 'gateway' && s.kind === SERVER);
    // The gateway's span names the route template, never the id, and hangs under the caller's span.
    expect(root).toMatchObject({ name: 'GET /v1/entity_users/:entity_user_id', parentSpanId: callerSpan });
    expect(JSON.stringify(spans)).not.toContain(user.id);
    // Every other span's parent is a span of this trace.
    for (const s of spans) if (s !== root) expect(byId.has(s.parentSpanId ?? '')).toBe(true);
    const parentOf = (s: ReceivedSpan) => byId.get(s.parentSpanId ?? '');
    // policy and identity serve what the gateway asked: their server spans' parents are the gateway's client spans.
    for (const svc of ['policy', 'identity']) {
      const served = spans.filter((s) => s.service === svc && s.kind === SERVER && parentOf(s)?.service === 'gateway');
      expect(served.length).toBeGreaterThan(0);
      for (const s of served) expect(parentOf(s)).toMatchObject({ kind: CLIENT, service: 'gateway' });
    }
    // The queries identity made sit under its server span.
    const queries = spans.filter((s) => s.service === 'identity' && s.name.startsWith('pg'));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      let up = parentOf(q);
      while (up && up.service === 'identity' && up.kind !== SERVER) up = parentOf(up);
      expect(up).toMatchObject({ service: 'identity', kind: SERVER });
    }
  });

  it("a change's event (the outbox, relayed to JetStream) carries the trace of the request that made it", async () => {
    const cred = await sys.createPartner();
    const partnerApi = new Api(sys, await sys.partnerToken(cred));
    const entity = await partnerApi.entity();
    const nats = await sys.nats();
    const events = nats.connection.subscribe(nats.subject(IdentityEvents.entityUserCreated));
    const traceId = randomBytes(16).toString('hex');
    const res = await sys.http.post('/v1/entity_users', {
      token: partnerApi.token,
      headers: { 'x-monite-entity-id': entity.id, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      json: { login: `traced-${Date.now()}`, first_name: 'Traced' },
    });
    expect(res.status).toBe(200);
    const timer = setTimeout(() => events.unsubscribe(), 10_000);
    let traceparent: string | undefined;
    for await (const msg of events) {
      if (JSON.parse(Buffer.from(msg.data).toString()).record_id !== res.json.id) continue;
      traceparent = msg.headers?.get('traceparent');
      break;
    }
    clearTimeout(timer);
    events.unsubscribe();
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it("a request whose caller's trace is not sampled is traced by no service, and none of them starts a trace of its own for it", async () => {
    const cred = await sys.createPartner();
    const partnerApi = new Api(sys, await sys.partnerToken(cred));
    const entity = await partnerApi.entity();
    // A user and role policy has not seen: the check makes policy fill its read model from identity (a call of its own).
    const { user, token } = await userWithRole(sys, partnerApi, cred, entity.id, {
      name: 'unsampled-reader',
      permissions: { objects: [{ object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] }] },
    });
    // Every span of the set-up above exported before the request is made (BSP delay 100 ms).
    await new Promise((r) => setTimeout(r, 1_000));
    const before = receiver.spans.length;
    const traceId = randomBytes(16).toString('hex');
    const res = await sys.http.get(`/v1/entity_users/${user.id}`, { token, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00` } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    // Nothing at all: not a span of that trace, and no new trace started by a service that lost the decision on the way.
    expect(receiver.spans.slice(before).map((s) => `${s.service} ${s.name}`)).toEqual([]);
  });

  it('a request without traceparent starts a trace of its own; a malformed one is ignored, not refused', async () => {
    const before = new Set(receiver.spans.map((s) => s.traceId));
    const res = await sys.http.get('/health/ready', { headers: { traceparent: 'not-a-traceparent' } });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 10_000;
    let fresh: ReceivedSpan | undefined;
    while (!fresh && Date.now() < deadline) {
      fresh = receiver.spans.find((s) => s.service === 'gateway' && s.kind === SERVER && !before.has(s.traceId) && s.name.includes('/health/ready'));
      if (!fresh) await new Promise((r) => setTimeout(r, 100));
    }
    expect(fresh).toMatchObject({ parentSpanId: undefined });
  });
});
