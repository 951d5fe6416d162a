/**
 * npm run bench:identity — entity users through the public API (HTTPS → gateway
 * → NATS → identity → PostgreSQL), on a fresh system (auth + identity + gateway):
 *
 *  1. create BENCH_USERS entity users in one entity, BENCH_CREATE_CONCURRENCY in flight;
 *  2. page through all of them with limit=100, one request after the other
 *     (keyset pagination: the last pages must cost about what the first do);
 *  3. the authenticated reads, each against a Fastify HTTPS hello-world (the
 *     ceiling: same certificate, same TLS policy, same headers) in BENCH_ROUNDS
 *     interleaved rounds, BENCH_CONNECTIONS keep-alive connections (autocannon):
 *     GET /v1/entity_users/me with an entity-user token (gateway → identity
 *     entity_user.me), and GET /v1/entity_users/{id} by random id with a partner
 *     token (gateway → identity entity_user.get). Target: ≥ 0.2 of the
 *     hello-world for each (issue 14). With the CPU µs each process spent per
 *     request, for the reads and the hello-world alike.
 *
 * Beside every measured run it reports what else ran: the CPU the rest of the
 * machine took (/proc/stat less the bench's own processes, PostgreSQL and NATS),
 * and any jest or other *.bench process seen in the process table.
 *
 * BENCH_USERS (100000), BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (5),
 * BENCH_CONNECTIONS (50), BENCH_CREATE_CONCURRENCY (64), BENCH_PAGE_PASSES (1:
 * walks through all pages; a second walk shows the cost once the freshly
 * loaded table has settled).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { EntityUserView } from '@gatehouse/contracts';
import { freePort, repoRoot, ServiceProcess, spawnService, waitForHealthy } from '@gatehouse/supervisor';
import { BenchSystem, machine, logRecentOutput, runBench } from './bench-system';
import { HttpClient, API_VERSION } from '@gatehouse/testing';
import { ApiError, percentile } from './bench-stats';
import { BENCH_ROLE_PERMISSIONS } from './evaluate-cost';
import { ForeignLoad, foreignProcesses, OtherCpu, otherCpuDuring } from './foreign-load';
import { interleave, load, LoadResult, median, ratioLine, RoundsReport, verdict } from './load';
import { cpuDuring, pidsNamed } from './process-cpu';
import { negotiatedTls } from './tls-info';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CREATE_CONCURRENCY = Number(process.env.BENCH_CREATE_CONCURRENCY ?? 64);
const PAGE_PASSES = Number(process.env.BENCH_PAGE_PASSES ?? 1);
const PAGE_SIZE = 100;
const EDGE_PAGES = 10;
const MAX_EDGE_RATIO = 2;
/** Each authenticated read against the Fastify hello-world (issue 14). */
const READ_TARGET = 0.2;

const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const now = () => performance.now();
/** The 1-minute load average: this machine is shared, and other work skews the figures. */
const load1 = () => loadavg()[0].toFixed(1);

/** The median page time of each tenth of the walk, in walk order: flat means the cost does not grow with depth. */
function tenths(values: number[]): string {
  if (values.length < 10) return values.map(ms).join(', ');
  return Array.from({ length: 10 }, (_, k) => ms(median(values.slice(Math.floor((k * values.length) / 10), Math.floor(((k + 1) * values.length) / 10))))).join(', ');
}

interface CreateResult {
  ids: string[];
  seconds: number;
  latencies: Float64Array;
}

interface PagingResult {
  pages: number;
  distinct: number;
  unknown: number;
  seconds: number;
  pageMs: number[];
}

async function createEntity(api: HttpClient): Promise<string> {
  const res = await api.send('POST', '/v1/entities', {
    json: {
      type: 'organization',
      email: 'bench@example.com',
      address: { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'Benchstraße 1' },
      organization: { legal_name: 'Bench GmbH' },
    },
  });
  const id = (res.json as { id?: string } | undefined)?.id;
  if (res.status !== 201 || !id) throw new ApiError('POST /v1/entities', res.status, res.text);
  return id;
}

/** N users through POST /v1/entity_users, `concurrency` in flight; the first failure stops every worker. */
async function createUsers(api: HttpClient, entityId: string, n: number, concurrency: number): Promise<CreateResult> {
  const ids: string[] = new Array(n);
  const latencies = new Float64Array(n);
  const run = randomUUID().slice(0, 8);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const step = Math.max(1, Math.floor(n / 10));
  const start = now();
  const worker = async () => {
    while (failure === undefined) {
      const i = next++;
      if (i >= n) return;
      const t0 = now();
      try {
        const res = await api.send('POST', '/v1/entity_users', {
          headers: { 'x-monite-entity-id': entityId },
          json: { login: `bench-${run}-${i}`, first_name: 'Bench', last_name: `User ${i}` },
        });
        const id = (res.json as { id?: string } | undefined)?.id;
        if (res.status < 200 || res.status > 299 || !id) throw new ApiError(`POST /v1/entity_users (user #${i}, ${done} created so far)`, res.status, res.text);
        latencies[i] = now() - t0;
        ids[i] = id;
      } catch (err) {
        failure ??= err;
        return;
      }
      if (++done % step === 0) {
        const s = (now() - start) / 1000;
        log(`created ${done}/${n} users in ${s.toFixed(1)} s (${(done / s).toFixed(0)} users/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (failure !== undefined) throw failure;
  return { ids, seconds: (now() - start) / 1000, latencies };
}

/** Every page of GET /v1/entity_users?limit=100, sequentially, each request timed. */
async function pageThrough(api: HttpClient, entityId: string, created: Set<string>): Promise<PagingResult> {
  const seen = new Set<string>();
  const pageMs: number[] = [];
  let unknown = 0;
  let token: string | null = null;
  const start = now();
  do {
    const path = `/v1/entity_users?limit=${PAGE_SIZE}${token ? `&pagination_token=${encodeURIComponent(token)}` : ''}`;
    const t0 = now();
    const res = await api.send('GET', path, { headers: { 'x-monite-entity-id': entityId } });
    pageMs.push(now() - t0);
    const page = res.json as { data?: Array<{ id: string }>; next_pagination_token?: string | null } | undefined;
    if (res.status !== 200 || !Array.isArray(page?.data)) throw new ApiError(`GET ${path} (page ${pageMs.length})`, res.status, res.text);
    if (page.data.length > PAGE_SIZE) throw new ApiError(`GET ${path}: ${page.data.length} rows on a page of ${PAGE_SIZE}`, res.status, '');
    for (const { id } of page.data) {
      seen.add(id);
      if (!created.has(id)) unknown++;
    }
    token = page.next_pagination_token ?? null;
    if (pageMs.length % 100 === 0) log(`paged ${pageMs.length} pages, ${seen.size} users`);
  } while (token);
  return { pages: pageMs.length, distinct: seen.size, unknown, seconds: (now() - start) / 1000, pageMs };
}

/** When a read saw non-2xx answers, the same request by hand, to show what came back. */
async function probe(api: HttpClient, path: () => string, headers: Record<string, string>): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < 3; i++) {
    const p = path();
    const res = await api.send('GET', p, { headers, token: headers.authorization.slice('Bearer '.length) });
    lines.push(`GET ${p} → ${res.status} ${res.text.slice(0, 500)}`);
  }
  return lines;
}

/** A role allowing entity_user read, one more user holding it, and that user's token (grant_type entity_user). */
async function entityUserToken(api: HttpClient, cred: { client_id: string; client_secret: string }, entityId: string): Promise<{ userId: string; token: string }> {
  const post = async (path: string, json: unknown, what: string) => {
    const res = await api.send('POST', path, { json, headers: { 'x-monite-entity-id': entityId } });
    const id = (res.json as { id?: string } | undefined)?.id;
    if ((res.status !== 200 && res.status !== 201) || !id) throw new ApiError(`${what}: POST ${path}`, res.status, res.text);
    return id;
  };
  const roleId = await post('/v1/roles', { name: 'bench reader', permissions: BENCH_ROLE_PERMISSIONS }, 'role');
  const userId = await post('/v1/entity_users', { login: `bench-me-${randomUUID().slice(0, 8)}`, first_name: 'Bench', role_id: roleId }, 'user');
  const res = await api.send('POST', '/v1/auth/token', {
    token: '',
    json: { grant_type: 'entity_user', client_id: cred.client_id, client_secret: cred.client_secret, entity_user_id: userId },
  });
  const token = (res.json as { access_token?: string } | undefined)?.access_token;
  if (res.status !== 200 || !token) throw new ApiError('entity_user grant: POST /v1/auth/token', res.status, res.text);
  return { userId, token };
}

/** A measured run's neighbours: the CPU the rest of the machine took, and test runs or benches seen. */
interface Neighbours {
  label: string;
  other: OtherCpu;
  seen: string[];
}

async function main(): Promise<void> {
  for (const [name, value] of Object.entries({ BENCH_USERS: USERS, BENCH_SECONDS: SECONDS, BENCH_ROUNDS: ROUNDS, BENCH_WARMUP_SECONDS: WARMUP, BENCH_CONNECTIONS: CONNECTIONS, BENCH_CREATE_CONCURRENCY: CREATE_CONCURRENCY, BENCH_PAGE_PASSES: PAGE_PASSES })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  }
  const atStart = foreignProcesses();
  if (atStart.length) log(`warning: other test runs or benchmarks are running (${atStart.join('; ')}): the figures will be skewed`);
  const foreign = new ForeignLoad();
  const system = new BenchSystem();
  let api: HttpClient | undefined;
  let hello: ServiceProcess | undefined;
  try {
    log(`starting audit, auth, identity, policy and gateway (LOG_LEVEL=warn)…`);
    await system.start({ policy: true });
    log(`gateway ${system.gatewayUrl}, NATS prefix ${system.prefix} (databases and stream are dropped at the end)`);
    const cred = await system.partner();
    api = new HttpClient(system.gatewayUrl, { caFile: system.tls.cert, connections: Math.max(CREATE_CONCURRENCY, 1) });
    await api.mintPartnerToken(cred);
    const entityId = await createEntity(api);
    log(`entity ${entityId}; creating ${USERS} users, ${CREATE_CONCURRENCY} in flight…`);

    // 1. Creation. (A fresh token per phase: the default lifetime is 30 minutes.)
    const loads = [`create ${load1()}`];
    const created = await createUsers(api, entityId, USERS, CREATE_CONCURRENCY);
    log(`created ${USERS} users in ${created.seconds.toFixed(1)} s`);

    // 2. Paging.
    await api.mintPartnerToken(cred);
    loads.push(`paging ${load1()}`);
    const createdSet = new Set(created.ids);
    const expectedPages = Math.max(1, Math.ceil(USERS / PAGE_SIZE));
    const passes: Array<PagingResult & { first: number; last: number; ratio: number; ok: boolean }> = [];
    for (let pass = 1; pass <= PAGE_PASSES; pass++) {
      const paging = await pageThrough(api, entityId, createdSet);
      log(`pass ${pass}: paged ${paging.pages} pages in ${paging.seconds.toFixed(1)} s`);
      const first = median(paging.pageMs.slice(0, EDGE_PAGES));
      const last = median(paging.pageMs.slice(-EDGE_PAGES));
      const ok = paging.distinct === USERS && paging.unknown === 0 && paging.pages === expectedPages;
      passes.push({ ...paging, first, last, ratio: last / first, ok });
    }

    // 3. The authenticated reads, each against the hello-world.
    const partnerToken = await api.mintPartnerToken(cred);
    const me = await entityUserToken(api, cred, entityId);
    const meRes = await api.send('GET', '/v1/entity_users/me', { token: me.token });
    if (meRes.status !== 200 || (meRes.json as EntityUserView | undefined)?.id !== me.userId) throw new ApiError('GET /v1/entity_users/me (entity-user token)', meRes.status, meRes.text);
    const helloPort = await freePort();
    hello = spawnService({
      name: 'hello',
      script: join(repoRoot(), 'dist/tools/bench/src/baseline-hello-server.js'),
      env: { PORT: String(helloPort), TLS_CERT_FILE: system.tls.cert, TLS_KEY_FILE: system.tls.key },
    });
    const helloUrl = `https://localhost:${helloPort}/`;
    await waitForHealthy(helloUrl, { timeoutMs: 15_000, process: hello });
    const tls = `TLS negotiated by the load generator: gateway ${await negotiatedTls(system.gatewayUrl)}, hello-world ${await negotiatedTls(helloUrl)} (both the gateway's TLS policy).`;
    loads.push(`reads ${load1()}`);

    const ids = created.ids;
    const randomUser = () => `/v1/entity_users/${ids[Math.floor(Math.random() * ids.length)]}`;
    const byIdHeaders = { authorization: `Bearer ${partnerToken}`, 'x-monite-version': API_VERSION, 'x-monite-entity-id': entityId };
    const meHeaders = { authorization: `Bearer ${me.token}`, 'x-monite-version': API_VERSION };
    const pidOf = (name: string) => () => system.procs.filter((p) => p.name === name).map((p) => p.pid);
    /** Every process a request can cost CPU in (the load generator runs in this process). */
    const parts = {
      gateway: pidOf('gateway'),
      policy: pidOf('policy'),
      identity: pidOf('identity'),
      audit: pidOf('audit'),
      postgres: () => pidsNamed('postgres'),
      nats: () => pidsNamed('nats-server'),
      hello: () => (hello ? [hello.pid] : []),
      'load generator': () => [process.pid],
    };
    /** Ours: the bench (the load generator runs in it), every service, the hello-world, PostgreSQL and NATS. */
    const own = () => [process.pid, ...system.procs.map((p) => p.pid), ...(hello ? [hello.pid] : []), ...pidsNamed('postgres'), ...pidsNamed('nats-server')];
    const neighbours: Neighbours[] = [];
    const cpuOf = new Map<string, { reads: number; cpu: Record<string, number> }>();

    /** One contender's run, measured: its CPU per part (the reads), the rest of the machine's CPU, and what else ran. */
    const contender = (name: string, url: string, headers: Record<string, string>, path?: () => string) => {
      let call = 0;
      return async (seconds: number): Promise<LoadResult> => {
        const label = `${name}, ${call++ === 0 ? 'warm-up' : `round ${call - 1}`}`;
        const { value: measured, seen } = await foreign.during(() =>
          otherCpuDuring(own, () => cpuDuring(parts, () => load({ url, headers, connections: CONNECTIONS, seconds, path }))),
        );
        neighbours.push({ label, other: measured.other, seen });
        const result = measured.value.value;
        if (label.includes('round')) {
          const sum = cpuOf.get(name) ?? { reads: 0, cpu: {} };
          sum.reads += result.completed;
          for (const [k, v] of Object.entries(measured.value.cpu)) sum.cpu[k] = (sum.cpu[k] ?? 0) + v;
          cpuOf.set(name, sum);
        }
        return result;
      };
    };
    foreign.start();
    log(`reads vs hello-world: ${ROUNDS} interleaved rounds per route, ${WARMUP} s warm-up each, ${SECONDS} s measured, ${CONNECTIONS} connections…`);
    const meReport = await interleave(
      { name: 'GET /me', run: contender('GET /me', `${system.gatewayUrl}/v1/entity_users/me`, meHeaders) },
      { name: 'fastify hello', run: contender('hello (vs /me)', helloUrl, meHeaders) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    const byIdReport = await interleave(
      { name: 'GET /{id}', run: contender('GET /{id}', `${system.gatewayUrl}${randomUser()}`, byIdHeaders, randomUser) },
      // The hello-world is asked for the same random paths: the load generator's work per request is the same for both.
      { name: 'fastify hello', run: contender('hello (vs /{id})', `https://localhost:${helloPort}${randomUser()}`, byIdHeaders, randomUser) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    foreign.stop();
    loads.push(`end ${load1()}`);

    const failed = (report: RoundsReport, name: string) => report.rows.some((r) => r.name === name && (r.result.non2xx > 0 || r.result.errors > 0));
    const probes = [
      ...(failed(meReport, 'GET /me') ? await probe(api, () => '/v1/entity_users/me', meHeaders) : []),
      ...(failed(byIdReport, 'GET /{id}') ? await probe(api, randomUser, byIdHeaders) : []),
    ];

    const row = (round: number, name: string, r: LoadResult) => `| ${round} | ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${r.statuses} |`;
    const readTable = (report: RoundsReport, name: string) => [
      '| round | contender | req/s | p50 ms | p99 ms | non-2xx | errors | status codes |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...report.rows.map(({ round, name: n, result }) => row(round, n, result)),
      '',
      ratioLine(report, name, 'fastify hello'),
      `target ≥ ${READ_TARGET} of the hello-world: ${verdict(report, median(report.ratios) >= READ_TARGET)}`,
    ];
    const perCore = (name: string) => {
      const c = cpuOf.get(name);
      if (!c) return 'n/a';
      return (['gateway', 'policy', 'identity', 'postgres'] as const)
        .filter((k) => (c.cpu[k] ?? 0) > 0.05)
        .map((k) => `${k} **${(c.reads / c.cpu[k]).toFixed(0)}** reads/core-s (${c.cpu[k].toFixed(1)} CPU-s)`)
        .join(', ');
    };
    /** CPU µs per request of each part, summed over a contender's measured rounds: steadier than req/s on a shared machine. */
    const costNames = ['GET /me', 'hello (vs /me)', 'GET /{id}', 'hello (vs /{id})'];
    const costRow = (name: string) => {
      const c = cpuOf.get(name);
      if (!c || !c.reads) return `| ${name} | n/a |`;
      const us = (k: string) => ((c.cpu[k] ?? 0) * 1e6) / c.reads;
      const total = Object.keys(parts).reduce((sum, k) => sum + us(k), 0);
      return `| ${name} | ${Object.keys(parts).map((k) => us(k).toFixed(0)).join(' | ')} | **${total.toFixed(0)}** |`;
    };
    const busiest = neighbours.reduce((a, b) => (b.other.cores > a.other.cores ? b : a), neighbours[0]);
    const seenAny = neighbours.filter((n) => n.seen.length);
    const creationP = (p: number) => ms(percentile(created.latencies, p));
    process.stdout.write(
      [
        `## bench:identity — entity users through the gateway (HTTPS → NATS → identity → PostgreSQL)`,
        '',
        `Machine: ${machine()}; the load generator shares the cores with the services, NATS and PostgreSQL.`,
        `Settings: BENCH_USERS=${USERS}, BENCH_CREATE_CONCURRENCY=${CREATE_CONCURRENCY}, page size ${PAGE_SIZE}, BENCH_PAGE_PASSES=${PAGE_PASSES}, ` +
          `BENCH_CONNECTIONS=${CONNECTIONS}, BENCH_ROUNDS=${ROUNDS} (interleaved, order alternating: A B, B A…), BENCH_WARMUP_SECONDS=${WARMUP}, BENCH_SECONDS=${SECONDS}. ` +
          `Fresh databases and NATS prefix; LOG_LEVEL=warn (request logging off); one partner, one entity.`,
        `1-minute load average at the start of each phase (${cpus().length} cores): ${loads.join(', ')}.`,
        '',
        `### 1. Create ${USERS} entity users (POST /v1/entity_users, ${CREATE_CONCURRENCY} in flight, undici keep-alive pool)`,
        '',
        '| users | time s | users/s | p50 ms | p99 ms | max ms |',
        '| --- | --- | --- | --- | --- | --- |',
        `| ${USERS} | ${created.seconds.toFixed(1)} | **${(USERS / created.seconds).toFixed(0)}** | ${creationP(50)} | ${creationP(99)} | ${creationP(100)} |`,
        '',
        `### 2. Page through all users (GET /v1/entity_users?limit=${PAGE_SIZE}, sequential, one connection${PAGE_PASSES > 1 ? `, ${PAGE_PASSES} walks one after the other` : ''})`,
        '',
        `| walk | pages | distinct ids | total s | per-page p50 ms | p99 ms | max ms | first ${EDGE_PAGES} median ms | last ${EDGE_PAGES} median ms | last/first |`,
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...passes.map(
          (p, i) =>
            `| ${i + 1} | ${p.pages} | ${p.distinct} | ${p.seconds.toFixed(1)} | ${ms(percentile(p.pageMs, 50))} | ${ms(percentile(p.pageMs, 99))} | ` +
            `${ms(Math.max(...p.pageMs))} | ${ms(p.first)} | ${ms(p.last)} | **${p.ratio.toFixed(2)}** |`,
        ),
        '',
        ...passes.map((p, i) => `Walk ${i + 1}, per-page median by tenth of the walk, ms: ${tenths(p.pageMs)}`),
        '',
        ...passes.map(
          (p, i) =>
            `Walk ${i + 1}: last/first ${p.ratio.toFixed(2)} (keyset pagination: must stay ≤ ${MAX_EDGE_RATIO}): ${p.ratio <= MAX_EDGE_RATIO ? 'met' : 'NOT met'}` +
            (p.pages < 2 * EDGE_PAGES ? ` (only ${p.pages} pages: the groups overlap)` : '') +
            `; distinct ids ${p.distinct} of ${USERS} created${p.unknown ? `, ${p.unknown} not among the created` : ''}, ` +
            `pages ${p.pages} (expected ${expectedPages}): ${p.ok ? 'OK' : 'MISMATCH'}`,
        ),
        '',
        `### 3. Authenticated reads vs a Fastify HTTPS hello-world (${CONNECTIONS} keep-alive connections, autocannon, ${WARMUP} s warm-up, ${SECONDS} s measured)`,
        '',
        tls,
        `The hello-world gets the same headers (and, against GET /{id}, the same random paths) and ignores them. Each route's rounds are interleaved with the hello-world's.`,
        '',
        `#### GET /v1/entity_users/me, entity-user token (gateway → identity entity_user.me, from its read cache; PostgreSQL on a miss)`,
        '',
        ...readTable(meReport, 'GET /me'),
        '',
        `#### GET /v1/entity_users/{id}, partner token, a random one of the ${USERS} users per request (gateway → identity entity_user.get, from its read cache; PostgreSQL on a miss)`,
        '',
        ...readTable(byIdReport, 'GET /{id}'),
        '',
        `Reads per CPU-second of each part over the measured rounds (CPU time from /proc; the sizing figures of docs/CAPACITY.md; PostgreSQL counts every backend on the machine): ` +
          `GET /me: ${perCore('GET /me')}. GET /{id}: ${perCore('GET /{id}')}.`,
        '',
        `CPU µs per request by process over the measured rounds (PostgreSQL and NATS count every process of that name on the machine, so other work shows there too):`,
        '',
        `| contender | ${Object.keys(parts).join(' | ')} | total |`,
        `| --- | ${Object.keys(parts).map(() => '---').join(' | ')} | --- |`,
        ...costNames.map(costRow),
        '',
        `What else ran during the measured runs (the machine's CPU time from /proc/stat less that of the bench, its services, the hello-world, PostgreSQL and NATS; ` +
          `of the machine's CPU, the niced part is other people's \`nice -n 19\` work): ` +
          `at most ${busiest ? `${busiest.other.cores.toFixed(2)} of ${cpus().length} cores (${busiest.label})` : 'n/a'}; ` +
          neighbours.map((n) => `${n.label} ${n.other.cores.toFixed(2)} (niced ${n.other.nicedCores.toFixed(2)})`).join(', ') +
          '. ' +
          (seenAny.length
            ? `Test runs / benchmarks seen in the process table: ${seenAny.map((n) => `${n.label}: ${n.seen.join('; ')}`).join(' | ')}.`
            : 'No jest run and no other *.bench process was seen in the process table (sampled every second; it is checked for those names only, the CPU figures above for everything).'),
        ...(probes.length ? ['', 'Non-2xx / errors during the reads; the same request by hand:', '', ...probes.map((p) => `    ${p}`)] : []),
        '',
      ].join('\n'),
    );
    if (passes.some((p) => !p.ok)) process.exitCode = 1;
  } catch (err) {
    logRecentOutput([...system.procs, ...(hello ? [hello] : [])]);
    throw err;
  } finally {
    foreign.stop();
    await hello?.stop().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await system.stop();
  }
}

runBench('bench:identity', main);
