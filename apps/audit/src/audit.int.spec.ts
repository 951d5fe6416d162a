import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { headers as natsHeaders, JetStreamClient } from 'nats';
import { Client } from 'pg';
import { AuditEntry, AuditEvents, AuditLogFilters, AuditLogsListRequest, AuditLogsPage, AuditSubjects, auditStream, AUDIT_CONSUMER, ErrorCodes } from '@gatehouse/contracts';
import { AUDIT_ENCODING_HEADER, AUDIT_MAX_INFLATED_BYTES, createLogger, encodeAuditBatch, NatsService, RemoteError } from '@gatehouse/platform';
import {
  buildWorkspace,
  createDatabase,
  dropDatabase,
  freePort,
  healthUrl,
  randomRunId,
  repoRoot,
  scriptPath,
  serviceSpec,
  ServiceProcess,
  spawnService,
  waitForHealthy,
  withDatabase,
} from '@gatehouse/supervisor';
import { NatsServer } from '@gatehouse/testing';

/**
 * The audit service alone, compiled, on the real PostgreSQL (a fresh database) and a
 * nats-server of the test's own (so the test may kill and restart it): what is
 * published into the AUDIT stream is stored once, whatever happens to the consumer
 * or the broker, and the trail is listed as Monite's GET /v1/audit_logs lists it.
 */
const TOTAL = 10_000;
const runId = randomRunId();
const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = withDatabase(PG, `gh_test_${runId}_audit`);
const PREFIX = `a${runId}.`;
/** Neither the default (10) nor, usually, the test runner's own: the service must have read it. */
const NICE = 13;

describe('the audit service', () => {
  let broker: NatsServer;
  let confDir: string;
  let svc: ServiceProcess | null = null;
  let nats: NatsService;
  let js: JetStreamClient;
  let pg: Client;
  let env: Record<string, string>;

  const start = async () => {
    const spec = serviceSpec('audit');
    svc = spawnService({ name: 'audit', script: scriptPath(spec, repoRoot()), env, onLine: () => undefined });
    await waitForHealthy(healthUrl(spec, env), { timeoutMs: 30_000, process: svc });
  };
  const stored = async (projectId: string) => (await pg.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM audit_log WHERE project_id = $1', [projectId])).rows[0] as { n: number; d: number };
  const waitStored = async (projectId: string, n: number, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await stored(projectId);
      if (got.n >= n || Date.now() > deadline) return got;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** Until the entry `id` is stored: everything published before it was then stored or dropped (one consumer, in stream order). */
  const waitForId = async (id: string, timeoutMs = 20_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      if ((await pg.query('SELECT 1 FROM audit_log WHERE id = $1', [id])).rowCount) return;
    }
  };
  const publish = (e: AuditEntry, msgID = e.id) =>
    js.publish(nats.subject(AuditEvents.entity), JSON.stringify({ entries: [e] }), { msgID, timeout: 10_000 });
  const list = (req: Partial<AuditLogsListRequest> & { project_id: string }, filters: Partial<AuditLogFilters> = {}) =>
    nats.request<AuditLogsPage>(AuditSubjects.logsList, {
      entity_id: null,
      actor_entity_user_id: null,
      page_size: 100,
      pagination_token: null,
      ...req,
      filters: { type: null, entity_user_id: null, timestamp__gt: null, timestamp__gte: null, timestamp__lt: null, timestamp__lte: null, ...filters },
    });

  beforeAll(async () => {
    buildWorkspace();
    confDir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-nats-'));
    writeFileSync(join(confDir, 'nats.conf'), 'jetstream: enabled\n');
    broker = await NatsServer.start({ config: join(confDir, 'nats.conf'), env: {} });
    await createDatabase(DB);
    env = { NATS_URL: broker.url, NATS_SUBJECT_PREFIX: PREFIX, LOG_LEVEL: 'warn', AUDIT_DATABASE_URL: DB, AUDIT_HTTP_PORT: String(await freePort()), AUDIT_CPU_NICE: String(NICE) };
    await start();
    nats = await NatsService.connect({ url: broker.url, name: 'audit-test', prefix: PREFIX, requestTimeoutMs: 10_000, logger: createLogger('test', 'silent') });
    js = nats.connection.jetstream();
    pg = new Client({ connectionString: DB });
    await pg.connect();
  }, 120_000);

  afterAll(async () => {
    await svc?.stop('SIGTERM', 10_000).catch(() => undefined);
    await nats?.close().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await dropDatabase(DB).catch(() => undefined);
    await broker?.stop();
    if (confDir) rmSync(confDir, { recursive: true, force: true });
  });

  it(`stores ${TOTAL} entries once each through a kill -9 of the consumer and a broker restart mid-stream, and republished ones not again`, async () => {
    const projectId = randomUUID();
    const entries = Array.from({ length: TOTAL }, (_, i) => entry({ project_id: projectId, entity_id: randomUUID(), timestamp: new Date(Date.now() - i).toISOString() }));
    const send = async (slice: AuditEntry[], msgID?: (e: AuditEntry) => string) => {
      for (let i = 0; i < slice.length; i += 500) await Promise.all(slice.slice(i, i + 500).map((e) => publish(e, msgID?.(e))));
    };
    await send(entries.slice(0, 3_000));
    // Mid-stream: some stored, some not yet.
    await waitStored(projectId, 1);
    const consumer = svc as ServiceProcess;
    consumer.kill9();
    await consumer.exited;
    await send(entries.slice(3_000, 6_000));
    await start();
    await send(entries.slice(6_000, 8_000));
    await broker.restart();
    // Back when JetStream answers for the stream again (it recovers the stream after the port opens).
    for (let i = 0; i < 150; i++) {
      const ok = await nats.connection
        .jetstreamManager()
        .then((jsm) => jsm.streams.info(auditStream(PREFIX)))
        .then(
          () => true,
          () => false,
        );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await send(entries.slice(8_000));
    // A publisher's retry within JetStream's duplicate window (same msgID), and one after it (a new msgID): neither is stored twice.
    await send(entries.slice(0, 500));
    await send(entries.slice(500, 1_000), (e) => `retry-${e.id}`);
    await waitStored(projectId, TOTAL, 60_000);
    // Everything delivered and acknowledged: nothing left to redeliver, so the count below is final.
    const deadline = Date.now() + 30_000;
    let pending = -1;
    while (Date.now() < deadline) {
      const info = await (await nats.connection.jetstreamManager()).consumers.info(auditStream(PREFIX), AUDIT_CONSUMER);
      pending = info.num_ack_pending + info.num_pending;
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(pending).toBe(0);
    expect(await stored(projectId)).toEqual({ n: TOTAL, d: TOTAL });
  }, 240_000);

  it('runs every thread at the CPU priority AUDIT_CPU_NICE sets (never above the one it was started at)', () => {
    const pid = svc?.pid as number;
    const tasks = readdirSync(`/proc/${pid}/task`);
    expect(tasks.length).toBeGreaterThan(1);
    // /proc/<pid>/task/<tid>/stat: the 19th field is the nice value (counted after the command's closing parenthesis, which may hide spaces).
    const nice = tasks.map((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    expect(new Set(nice)).toEqual(new Set([Math.max(NICE, getPriority(0))]));
  });

  it('only ever lowers a priority: started at nice 15, it stays there and reports nothing', () => {
    // The compiled function (beforeAll built the workspace), in a process of its own: a priority lowered cannot be raised back.
    const run = (nice: number, wanted: number) =>
      JSON.parse(
        execFileSync('nice', ['-n', String(nice), process.execPath, '-e', `const { lowerCpuPriority } = require(${JSON.stringify(join(repoRoot(), 'dist/apps/audit/src/cpu-priority.js'))});
          const failed = lowerCpuPriority(${wanted});
          console.log(JSON.stringify({ failed, nice: require('node:os').getPriority(0) }));`], { encoding: 'utf8' }),
      );
    const base = getPriority(0);
    expect(run(15 - base, 10)).toEqual({ failed: [], nice: Math.max(15, base) });
    expect(run(0, 12)).toEqual({ failed: [], nice: Math.max(12, base) });
  });

  it('stores every field as it was sent: tabs, line breaks, backslashes, quotes and non-ASCII text, in text and JSON fields', async () => {
    const projectId = randomUUID();
    const hostile = 'tab\there\nnew line\r\\N back\\slash "quoted" \'single\' é 日本 🚀';
    const sent = entry({ project_id: projectId, entity_id: randomUUID(), user_agent: hostile, path: `/v1/roles/${hostile}`, body: { note: hostile, list: [hostile, 1, null] }, status_code: 201, headers: { 'x-note': hostile } });
    await publish(sent);
    await waitStored(projectId, 1);
    const page = await list({ project_id: projectId, entity_id: sent.entity_id });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ id: sent.id, user_agent: hostile, path: sent.path, body: sent.body, status_code: 201 });
  });

  it('drops an entry PostgreSQL could not store, keeps the entries of its batch that it could, and stores the messages after it', async () => {
    const projectId = randomUUID();
    // Each of these passed the contract once and then failed its batch's COPY at every redelivery; the good one after them went down with them.
    const unstorable: Array<Partial<AuditEntry>> = [{ timestamp: '0000-06-01T00:00:00.000Z' }, { timestamp: '2026-06-01T00:00:00.000+16:00' }, { status_code: 2 ** 31 }, { user_agent: 'nul\u0000here' }, { client_id: '\ud800' }];
    // Each bad entry travels between two good ones of the same batch: a batch only carries entries, each stands on its own.
    const companions: AuditEntry[] = [];
    for (const bad of unstorable) {
      const e = entry({ project_id: projectId, ...bad });
      const pair = [entry({ project_id: projectId }), entry({ project_id: projectId })];
      companions.push(...pair);
      await js.publish(nats.subject(AuditEvents.entity), JSON.stringify({ entries: [pair[0], e, pair[1]] }), { msgID: e.id, timeout: 10_000 });
    }
    // A batch of nothing but a refused entry: dropped whole, and the stream goes on.
    const alone = entry({ project_id: projectId, status_code: 2 ** 31 });
    await js.publish(nats.subject(AuditEvents.entity), JSON.stringify({ entries: [alone] }), { msgID: alone.id, timeout: 10_000 });
    const good = entry({ project_id: projectId });
    await publish(good);
    await waitForId(good.id);
    const rows = await pg.query('SELECT id FROM audit_log WHERE project_id = $1', [projectId]);
    expect(rows.rows.map((r) => r.id).sort()).toEqual([...companions, good].map((e) => e.id).sort());
  }, 30_000);

  it('stores a deflated batch, and drops one of an unknown encoding, a corrupt stream and a stream inflating past the limit, storing the ones after', async () => {
    const projectId = randomUUID();
    const deflated = Array.from({ length: 300 }, () => entry({ project_id: projectId }));
    const sent = await encodeAuditBatch(JSON.stringify({ entries: deflated }));
    expect(sent.headers?.get(AUDIT_ENCODING_HEADER)).toBe('deflate');
    await js.publish(nats.subject(AuditEvents.entity), sent.data, { msgID: randomUUID(), headers: sent.headers, timeout: 10_000 });
    const encoded = (encoding: string) => {
      const h = natsHeaders();
      h.set(AUDIT_ENCODING_HEADER, encoding);
      return h;
    };
    const lost = JSON.stringify({ entries: [entry({ project_id: projectId })] });
    const bomb = `{"entries":[${JSON.stringify(entry({ project_id: projectId }))}]}${' '.repeat(AUDIT_MAX_INFLATED_BYTES)}`;
    for (const [data, encoding] of [
      [lost, 'br'],
      [lost, 'deflate'],
      [deflateSync(bomb), 'deflate'],
    ] as const) {
      await js.publish(nats.subject(AuditEvents.entity), data, { msgID: randomUUID(), headers: encoded(encoding), timeout: 10_000 });
    }
    const good = entry({ project_id: projectId });
    await publish(good);
    await waitForId(good.id, 60_000);
    const rows = await pg.query('SELECT id FROM audit_log WHERE project_id = $1', [projectId]);
    expect(rows.rows.map((r) => r.id).sort()).toEqual([...deflated, good].map((e) => e.id).sort());
  });

  describe('lists', () => {
    const projectId = randomUUID();
    const entityId = randomUUID();
    const userA = randomUUID();
    const userB = randomUUID();
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const trail: AuditEntry[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 30; i++) {
        const user = i % 3 === 0 ? userB : userA;
        trail.push(entry({ project_id: projectId, entity_id: entityId, entity_user_id: user, type: i % 2 ? 'response' : 'request', timestamp: at(i + 1) }));
      }
      // Older than the default window of 7 days.
      trail.push(entry({ project_id: projectId, entity_id: entityId, entity_user_id: userA, type: 'request', timestamp: at(8 * 24 * 60) }));
      // The project trail.
      trail.push(entry({ project_id: projectId, entity_id: null, type: 'event', kind: 'token.issued', method: null, path: null, timestamp: at(2) }));
      // Another entity of the project, and another project.
      trail.push(entry({ project_id: projectId, entity_id: randomUUID(), entity_user_id: userA, timestamp: at(3) }));
      trail.push(entry({ project_id: randomUUID(), entity_id: entityId, entity_user_id: userA, timestamp: at(3) }));
      await Promise.all(trail.map((e) => publish(e)));
      await waitStored(projectId, 33);
    });

    it("shows a partner the entity's whole trail of the last 7 days, newest first, and nothing of another entity or project", async () => {
      const page = await list({ project_id: projectId, entity_id: entityId });
      const expected = trail.slice(0, 30).map((e) => e.id);
      expect(page.data.map((e) => e.id)).toEqual(expected);
      expect(page.next_pagination_token).toBeNull();
      expect(page.prev_pagination_token).toBeNull();
      expect(page.data[0]).toMatchObject({ entity_id: entityId, method: 'POST', path: '/v1/roles', status_code: null, target_service: 'gateway' });
    });

    it('shows an entity user only the entries it triggered', async () => {
      const page = await list({ project_id: projectId, entity_id: entityId, actor_entity_user_id: userB });
      expect(page.data.map((e) => e.id)).toEqual(trail.slice(0, 30).filter((e) => e.entity_user_id === userB).map((e) => e.id));
    });

    it('filters by type, entity user and time, combined with AND', async () => {
      const page = await list({ project_id: projectId, entity_id: entityId }, { type: 'response', entity_user_id: userA, timestamp__gte: at(20), timestamp__lt: at(5) });
      const want = trail.slice(0, 30).filter((e) => e.type === 'response' && e.entity_user_id === userA && e.timestamp >= at(20) && e.timestamp < at(5));
      expect(want.length).toBeGreaterThan(0);
      expect(page.data.map((e) => e.id)).toEqual(want.map((e) => e.id));
      const old = await list({ project_id: projectId, entity_id: entityId }, { timestamp__lte: at(7 * 24 * 60) });
      expect(old.data.map((e) => e.id)).toEqual([trail[30].id]);
    });

    it('pages forward and back with tokens that carry the filters', async () => {
      const seen: string[] = [];
      let page = await list({ project_id: projectId, entity_id: entityId, page_size: 7 }, { type: 'request' });
      const pages = [page];
      seen.push(...page.data.map((e) => e.id));
      while (page.next_pagination_token) {
        page = await list({ project_id: projectId, entity_id: entityId, page_size: 7, pagination_token: page.next_pagination_token });
        pages.push(page);
        seen.push(...page.data.map((e) => e.id));
      }
      expect(seen).toEqual(trail.slice(0, 30).filter((e) => e.type === 'request').map((e) => e.id));
      expect(pages.map((p) => p.data.length)).toEqual([7, 7, 1]);
      const back = await list({ project_id: projectId, entity_id: entityId, page_size: 7, pagination_token: pages[2].prev_pagination_token });
      expect(back.data.map((e) => e.id)).toEqual(pages[1].data.map((e) => e.id));
    });

    it('refuses a tampered token, and a token of another list, with validation_failed', async () => {
      const first = await list({ project_id: projectId, entity_id: entityId, page_size: 5 });
      const token = first.next_pagination_token as string;
      expect(token).toEqual(expect.any(String));
      const tampered = `${Buffer.from(JSON.stringify({ scope: `${projectId}:${entityId}:`, filters: {}, since: null, dir: 'after', cursor: { ts: '2099-01-01T00:00:00Z', id: randomUUID() } })).toString('base64url')}.${token.split('.')[1]}`;
      for (const t of [tampered, token.slice(0, -2), 'x']) {
        const err = await list({ project_id: projectId, entity_id: entityId, pagination_token: t }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RemoteError);
        expect((err as RemoteError).code).toBe(ErrorCodes.validationFailed);
      }
      const other = await list({ project_id: projectId, entity_id: entityId, actor_entity_user_id: userA, pagination_token: token }).catch((e: unknown) => e);
      expect((other as RemoteError).code).toBe(ErrorCodes.validationFailed);
    });

    it("shows the project trail (no entity) with the project's events only", async () => {
      const page = await list({ project_id: projectId, entity_id: null });
      expect(page.data.map((e) => [e.id, e.type, e.kind])).toEqual([[trail[31].id, 'event', 'token.issued']]);
    });
  });
});

function entry(over: Partial<AuditEntry> & { project_id: string }): AuditEntry {
  return {
    id: randomUUID(),
    entity_id: null,
    entity_user_id: null,
    client_id: randomUUID(),
    type: 'request',
    kind: null,
    timestamp: new Date().toISOString(),
    method: 'POST',
    path: '/v1/roles',
    params: {},
    headers: { 'user-agent': 'test' },
    body: { name: 'viewer' },
    content_type: 'application/json',
    status_code: null,
    parent_log_id: null,
    request_id: randomUUID(),
    client_ip: '127.0.0.1',
    user_agent: 'test',
    target_service: 'gateway',
    details: null,
    ...over,
  };
}
