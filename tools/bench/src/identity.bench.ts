/**
 * npm run bench:identity — entity users through the public API (HTTPS → gateway
 * → NATS → identity → PostgreSQL), on a fresh system (auth + identity + gateway):
 *
 *  1. create BENCH_USERS entity users in one entity, BENCH_CREATE_CONCURRENCY in flight;
 *  2. page through all of them with limit=100, one request after the other
 *     (keyset pagination: the last pages must cost about what the first do);
 *  3. read single users by random id with BENCH_CONNECTIONS keep-alive
 *     connections (autocannon), in BENCH_ROUNDS rounds interleaved with GET
 *     /health the same way as a baseline.
 *
 * BENCH_USERS (100000), BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (5),
 * BENCH_CONNECTIONS (50), BENCH_CREATE_CONCURRENCY (64), BENCH_PAGE_PASSES (1:
 * walks through all pages; a second walk shows the cost once the freshly
 * loaded table has settled).
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { BenchSystem, machine, logRecentOutput, runBench } from './bench-system';
import { HttpClient, API_VERSION } from '@gatehouse/testing';
import { ApiError, percentile } from './bench-stats';
import { interleave, load, LoadResult, median, ratioLine } from './load';
import { cpuDuring, pidsNamed } from './process-cpu';

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

/** One autocannon run; `path()` gives each request's path (a fresh random id per request). */
function hammer(url: string, headers: Record<string, string>, path: () => string, seconds: number): Promise<LoadResult> {
  return load({ url, headers, connections: CONNECTIONS, seconds, path });
}

/** When the load saw non-2xx answers, a few of the same requests made by hand, to show what came back. */
async function probe(api: HttpClient, entityId: string, ids: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < 5; i++) {
    const id = ids[Math.floor(Math.random() * ids.length)];
    const res = await api.send('GET', `/v1/entity_users/${id}`, { headers: { 'x-monite-entity-id': entityId } });
    lines.push(`GET /v1/entity_users/${id} → ${res.status} ${res.text.slice(0, 500)}`);
  }
  return lines;
}

async function main(): Promise<void> {
  for (const [name, value] of Object.entries({ BENCH_USERS: USERS, BENCH_SECONDS: SECONDS, BENCH_ROUNDS: ROUNDS, BENCH_WARMUP_SECONDS: WARMUP, BENCH_CONNECTIONS: CONNECTIONS, BENCH_CREATE_CONCURRENCY: CREATE_CONCURRENCY, BENCH_PAGE_PASSES: PAGE_PASSES })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  }
  const system = new BenchSystem();
  let api: HttpClient | undefined;
  try {
    log(`starting auth, identity and gateway (LOG_LEVEL=warn)…`);
    await system.start();
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

    // 3. Reads by id, and the /health baseline.
    const token = await api.mintPartnerToken(cred);
    loads.push(`reads ${load1()}`);
    const ids = created.ids;
    const randomUser = () => `/v1/entity_users/${ids[Math.floor(Math.random() * ids.length)]}`;
    const userHeaders = { authorization: `Bearer ${token}`, 'x-monite-version': API_VERSION, 'x-monite-entity-id': entityId };
    const usersUrl = `${system.gatewayUrl}${randomUser()}`;
    const healthUrl = `${system.gatewayUrl}/health`;
    log(`reads vs /health: ${ROUNDS} interleaved rounds, ${WARMUP} s warm-up each, ${SECONDS} s measured, ${CONNECTIONS} connections…`);
    const pidOf = (name: string) => () => system.procs.filter((p) => p.name === name).map((p) => p.pid);
    const readCpu = { gateway: 0, identity: 0, postgres: 0 };
    const readsRun = async (seconds: number): Promise<LoadResult> => {
      const measured = await cpuDuring({ gateway: pidOf('gateway'), identity: pidOf('identity'), postgres: () => pidsNamed('postgres') }, () =>
        hammer(usersUrl, userHeaders, randomUser, seconds),
      );
      if (seconds === SECONDS) for (const k of Object.keys(readCpu) as Array<keyof typeof readCpu>) readCpu[k] += measured.cpu[k];
      return measured.value;
    };
    const readReport = await interleave(
      { name: 'reads', run: readsRun },
      { name: 'health', run: (seconds) => hammer(healthUrl, {}, () => '/health', seconds) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    const readRows = readReport.rows.filter((r) => r.name === 'reads').map((r) => r.result);
    const readsDone = readRows.reduce((n, r) => n + r.completed, 0);
    const perCore = (name: keyof typeof readCpu) => (readCpu[name] > 0 ? readsDone / readCpu[name] : NaN);
    const reads = readRows.find((r) => r.non2xx > 0 || r.errors > 0) ?? readRows[0];
    loads.push(`end ${load1()}`);
    const probes = reads.non2xx > 0 || reads.errors > 0 ? await probe(api, entityId, ids) : [];

    const row = (name: string, r: LoadResult) => `| ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${r.statuses} |`;
    const creationP = (p: number) => ms(percentile(created.latencies, p));
    process.stdout.write(
      [
        `## bench:identity — entity users through the gateway (HTTPS → NATS → identity → PostgreSQL)`,
        '',
        `Machine: ${machine()}; the load generator shares the cores with the three services, NATS and PostgreSQL.`,
        `Settings: BENCH_USERS=${USERS}, BENCH_CREATE_CONCURRENCY=${CREATE_CONCURRENCY}, page size ${PAGE_SIZE}, BENCH_PAGE_PASSES=${PAGE_PASSES}, ` +
          `BENCH_CONNECTIONS=${CONNECTIONS}, BENCH_WARMUP_SECONDS=${WARMUP}, BENCH_SECONDS=${SECONDS}. ` +
          `Fresh databases and NATS prefix; LOG_LEVEL=warn (request logging off); one partner token, one entity.`,
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
        `### 3. Read single users by random id (${CONNECTIONS} keep-alive HTTPS connections, autocannon, ${WARMUP} s warm-up, ${SECONDS} s measured)`,
        '',
        '| route | req/s | p50 ms | p99 ms | non-2xx | errors | status codes |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...readReport.rows.map(({ round, name, result }) =>
          row(`round ${round}: ${name === 'reads' ? 'GET /v1/entity_users/{id} (token check → NATS → identity → PostgreSQL)' : 'baseline: GET /health (gateway only: no token, no NATS, no DB)'}`, result),
        ),
        '',
        `GET /v1/entity_users/{id} ÷ GET /health (baseline): ${ratioLine(readReport, 'reads', 'health')}`,
        '',
        `Reads per CPU-second of each part over the measured read runs (CPU time from /proc, ${readsDone} reads; the sizing figures of docs/DEPLOY.md): ` +
          (['gateway', 'identity', 'postgres'] as const).map((n) => `${n} **${perCore(n).toFixed(0)}** reads/core-s (${readCpu[n].toFixed(1)} CPU-s)`).join(', ') +
          `. PostgreSQL counts every backend on the machine (nothing else should run).`,
        ...(probes.length ? ['', 'Non-2xx / errors during the reads; the same request by hand:', '', ...probes.map((p) => `    ${p}`)] : []),
        '',
      ].join('\n'),
    );
    if (passes.some((p) => !p.ok)) process.exitCode = 1;
  } catch (err) {
    logRecentOutput(system.procs);
    throw err;
  } finally {
    await api?.close().catch(() => undefined);
    await system.stop();
  }
}

runBench('bench:identity', main);
