/**
 * npm run bench:policy — the cost of authorization, on a fresh system (auth,
 * identity, policy, gateway; LOG_LEVEL=warn) with one partner, one entity, one
 * role (entity_user read + role read allowed), one user holding it and its
 * entity-user token:
 *
 *  1. policy.v1.check over NATS (a realistic entity-user check, served from
 *     policy's read model after the first call), BENCH_IN_FLIGHT in flight over
 *     one NatsService connection, against a bare nats.js echo responder in its
 *     own process; interleaved rounds, median of the paired ratios.
 *  2. evaluate() of @gatehouse/permissions in-process: ns per check.
 *  2b. the contract check of policy.v1.check in-process (ns per message) and
 *     its share of a policy check at the rate measured in 1.
 *  3. GET /v1/entity_users/me with the entity-user token through the gateway
 *     (gateway → identity entity_user.me: one NATS message; policy is not on
 *     this path since issue 14, bench:identity measures it too), against a
 *     Fastify HTTPS hello-world with the same certificate; BENCH_CONNECTIONS
 *     keep-alive connections (autocannon), interleaved rounds, median ratio.
 *
 * Prints figures, asserts nothing. BENCH_ROUNDS (3), BENCH_SECONDS (10),
 * BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_IN_FLIGHT (64),
 * BENCH_EVAL_ITERATIONS (1000000).
 */
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { CheckRequest, CheckResponse, CredentialsCreatedResponse, EntityUserView, PolicySubjects } from '@gatehouse/contracts';
import type { NatsService } from '@gatehouse/platform';
import { freePort, repoRoot, ServiceProcess, spawnService, SpawnServiceOptions, waitForHealthy } from '@gatehouse/supervisor';
import { BenchSystem, machine, logRecentOutput, runBench } from './bench-system';
import { BENCH_ROLE_PERMISSIONS, EvaluateCase, measureEvaluate } from './evaluate-cost';
import { ContractCheckCost, measureContractCheck } from './contract-cost';
import { HttpClient, API_VERSION } from '@gatehouse/testing';
import { ApiError } from './bench-stats';
import { ForeignLoad, foreignProcesses } from './foreign-load';
import { formatReport, interleave, load, LoadResult, median, ratioLine, RoundsReport, verdict } from './load';
import { natsLoad, NatsLoadResult } from './nats-load';
import { negotiatedTls } from './tls-info';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 64);
const EVAL_ITERATIONS = Number(process.env.BENCH_EVAL_ITERATIONS ?? 1_000_000);
const EVAL_REPETITIONS = 5;
const NATS_TARGET = 0.7;
const HTTP_TARGET = 0.2;
/** Under the bench's prefix; NatsService.request prepends it. */
const ECHO_SUBJECT = 'bench.v1.echo';

/** Node's own deprecation warnings (Fastify's FSTDEP022 in the gateway): not the service misbehaving. */
const NODE_NOISE = /--trace-warnings|DeprecationWarning/;

const log = (line: string) => process.stderr.write(`${line}\n`);
const load1 = () => loadavg()[0].toFixed(1);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

interface Fixture {
  cred: CredentialsCreatedResponse;
  entityId: string;
  roleId: string;
  userId: string;
  userToken: string;
}

async function created(api: HttpClient, what: string, path: string, json: unknown, entityId?: string): Promise<string> {
  const res = await api.send('POST', path, { json, headers: entityId ? { 'x-monite-entity-id': entityId } : {} });
  const id = (res.json as { id?: string } | undefined)?.id;
  if ((res.status !== 200 && res.status !== 201) || !id) throw new ApiError(`${what}: POST ${path}`, res.status, res.text);
  return id;
}

/** Partner → entity → role → user with the role → its token (grant_type entity_user), all through the public API. */
async function fixture(system: BenchSystem, api: HttpClient): Promise<Fixture> {
  const cred = await system.partner();
  await api.mintPartnerToken(cred);
  const entityId = await created(api, 'entity', '/v1/entities', {
    type: 'organization',
    email: 'bench-policy@example.com',
    address: { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'Benchstraße 1' },
    organization: { legal_name: 'Bench Policy GmbH' },
  });
  const roleId = await created(api, 'role', '/v1/roles', { name: 'bench reader', permissions: BENCH_ROLE_PERMISSIONS }, entityId);
  const userId = await created(api, 'user', '/v1/entity_users', { login: `bench-policy-${Date.now()}`, first_name: 'Bench', role_id: roleId }, entityId);
  const partnerToken = api.token;
  api.token = '';
  try {
    const res = await api.send('POST', '/v1/auth/token', {
      json: { grant_type: 'entity_user', client_id: cred.client_id, client_secret: cred.client_secret, entity_user_id: userId },
    });
    const userToken = (res.json as { access_token?: string } | undefined)?.access_token;
    if (res.status !== 200 || !userToken) throw new ApiError('entity_user grant: POST /v1/auth/token', res.status, res.text);
    return { cred, entityId, roleId, userId, userToken };
  } finally {
    api.token = partnerToken;
  }
}

/** Waits until the echo process answers through NATS (no responders until it has subscribed). */
async function waitForEcho(nats: NatsService, proc: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitStatus) throw new Error(`echo exited ${JSON.stringify(proc.exitStatus)}:\n${proc.recentOutput()}`);
    try {
      await nats.request(ECHO_SUBJECT, { ping: true }, { timeoutMs: 500 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`echo did not answer within ${timeoutMs} ms: ${String(err)}\n${proc.recentOutput()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function natsTable(title: string, report: RoundsReport<NatsLoadResult>, aName: string, bName: string): string {
  return [
    `### ${title}`,
    '',
    '| round | contender | req/s | p50 ms | p99 ms | max ms | answered | unexpected | errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map(
      ({ round, name, result: r }) =>
        `| ${round} | ${name} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.completed - r.errors} | ${r.unexpected} | ${r.errors} |`,
    ),
    '',
    ratioLine(report, aName, bName),
  ].join('\n');
}

function evaluateTable(cases: EvaluateCase[]): string {
  return [
    '| case | decision | ns/check (median) | runs, ns/check |',
    '| --- | --- | --- | --- |',
    ...cases.map((c) => `| ${c.name} | ${c.decision} | **${c.nsPerCheck.toFixed(1)}** | ${c.runs.map((r) => r.toFixed(1)).join(', ')} |`),
  ].join('\n');
}

/**
 * The contract check's share of policy's work: ns per check × checks per second
 * (policy.v1.check, median of the rounds) = the fraction of a core it takes at
 * that rate, i.e. at most that fraction of throughput. The bar: under 3%.
 */
function contractTable(cost: ContractCheckCost, report: RoundsReport<NatsLoadResult>): string {
  const rps = median(report.rows.filter((r) => r.name === 'policy.v1.check').map((r) => r.result.rps));
  const share = (ns: number) => `${((ns * rps) / 1e9 * 100).toFixed(2)}%`;
  return [
    `### 2b. The contract check of policy.v1.check (in-process, one core, the bench's payload; ${EVAL_REPETITIONS} runs, median)`,
    '',
    '| path | ns/message | share of policy at the measured rate |',
    '| --- | --- | --- |',
    `| the server's check (precompiled check ${cost.accepted ? 'accepts' : 'is unsure → schema'}) | **${cost.serverNs.toFixed(1)}** | **${share(cost.serverNs)}** |`,
    `| CheckRequestSchema.safeParse alone | ${cost.schemaNs.toFixed(1)} | ${share(cost.schemaNs)} |`,
    '',
    `Share: ns per message × ${rps.toFixed(0)} checks/s (policy.v1.check, median round) — the part of a core the check takes at that rate. ` +
      `Target: under 3%: ${(cost.serverNs * rps) / 1e9 < 0.03 ? 'met' : 'NOT met'}.`,
  ].join('\n');
}

/** `fn` with the client's bearer token swapped for `token`. */
async function asUser<T>(api: HttpClient, token: string, fn: () => Promise<T>): Promise<T> {
  const saved = api.token;
  api.token = token;
  try {
    return await fn();
  } finally {
    api.token = saved;
  }
}

/** When a phase saw failures, the same request by hand, to show what came back. */
async function probeMe(api: HttpClient, token: string): Promise<string> {
  const res = await asUser(api, token, () => api.send('GET', '/v1/entity_users/me'));
  return `GET /v1/entity_users/me → ${res.status} ${res.text.slice(0, 500)}`;
}

async function main(): Promise<void> {
  const knobs = { BENCH_ROUNDS: ROUNDS, BENCH_SECONDS: SECONDS, BENCH_WARMUP_SECONDS: WARMUP, BENCH_CONNECTIONS: CONNECTIONS, BENCH_IN_FLIGHT: IN_FLIGHT, BENCH_EVAL_ITERATIONS: EVAL_ITERATIONS };
  for (const [name, value] of Object.entries(knobs)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  }

  const atStart = foreignProcesses();
  if (atStart.length) log(`warning: other test runs or benchmarks are running (${atStart.join('; ')}): the figures will be skewed`);
  const foreign = new ForeignLoad();
  foreign.start();
  /** Runs during which a test suite or another benchmark was seen. */
  const overlaps: string[] = [];
  const watched = <R>(phase: string, name: string, run: (seconds: number) => Promise<R>) =>
    foreign.watch(run, (label, seen) => overlaps.push(`${phase}, ${name}, ${label}: ${seen.join('; ')}`));

  // In-process first, while nothing else of the bench runs.
  log(`evaluate(): ${EVAL_ITERATIONS} iterations × ${EVAL_REPETITIONS} per case…`);
  const evalLoad = load1();
  const evaluated = await foreign.during(async () => measureEvaluate(EVAL_ITERATIONS, EVAL_REPETITIONS, Math.min(EVAL_ITERATIONS, 200_000)));
  const evaluateCases = evaluated.value;
  if (evaluated.seen.length) overlaps.push(`evaluate(): ${evaluated.seen.join('; ')}`);

  const system = new BenchSystem();
  let api: HttpClient | undefined;
  let client: NatsService | undefined;
  /** The bench's own children (echo, hello-world); none is started once cleanup has begun. */
  const children: ServiceProcess[] = [];
  let aborted = false;
  const child = (opts: SpawnServiceOptions): ServiceProcess => {
    if (aborted) throw new Error('stopping: not starting another process');
    const p = spawnService(opts);
    children.push(p);
    return p;
  };
  // Everything this run started, once, whatever stops it (the end, an error, Ctrl-C or SIGTERM).
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      aborted = true;
      foreign.stop();
      for (const p of children) await p.stop().catch(() => undefined);
      await client?.close().catch(() => undefined);
      await api?.close().catch(() => undefined);
      await system.stop();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up…`);
      // A second stop() catches a service that system.start() spawned while the first ran.
      void cleanup()
        .then(() => system.stop())
        .finally(() => process.exit(130));
    });
  }
  try {
    log('starting auth, identity, policy and gateway (LOG_LEVEL=warn)…');
    await system.start({ policy: true });
    const gw = new HttpClient(system.gatewayUrl, { caFile: system.tls.cert, connections: 4 });
    api = gw;
    const fx = await fixture(system, gw);
    log(`entity ${fx.entityId}, role ${fx.roleId}, user ${fx.userId}`);

    // The /me route works for the token (and tells us what it answers).
    const me = await asUser(gw, fx.userToken, () => gw.send('GET', '/v1/entity_users/me'));
    if (me.status !== 200 || (me.json as EntityUserView | undefined)?.id !== fx.userId) throw new ApiError('GET /v1/entity_users/me (entity-user token)', me.status, me.text);

    // 1. policy.v1.check vs echo, over one client connection.
    client = await system.connectNats('bench-client');
    const check: CheckRequest = {
      principal: { kind: 'entity_user', project_id: fx.cred.project_id, entity_user_id: fx.userId, entity_id: fx.entityId },
      entity_id: fx.entityId,
      object_type: 'entity_user',
      action: 'read',
    };
    const first = await client.request<CheckResponse>(PolicySubjects.check, check);
    if (!first.allowed) throw new Error(`policy.v1.check denied the bench's check: ${JSON.stringify(first)}`);
    const echo = child({
      name: 'echo',
      script: join(repoRoot(), 'dist/tools/bench/src/echo-responder.js'),
      env: { NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', ECHO_SUBJECT: `${system.prefix}${ECHO_SUBJECT}` },
    });
    await waitForEcho(client, echo, 15_000);
    const nats = client;
    const natsRun = (subject: string, expect?: (r: unknown) => boolean) => (seconds: number) =>
      natsLoad({ nats, subject, payload: check, inFlight: IN_FLIGHT, seconds, expect });
    const loads = [`evaluate ${evalLoad}`, `nats ${load1()}`];
    log(`policy.v1.check vs echo: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each, ${IN_FLIGHT} in flight…`);
    const natsReport = await interleave<NatsLoadResult>(
      { name: 'policy.v1.check', run: watched('NATS', 'policy.v1.check', natsRun(PolicySubjects.check, (r) => (r as CheckResponse | undefined)?.allowed === true)) },
      { name: 'nats echo', run: watched('NATS', 'nats echo', natsRun(ECHO_SUBJECT)) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    await echo.stop();
    const contractCost = measureContractCheck(PolicySubjects.check, check, Math.min(EVAL_ITERATIONS, 1_000_000), EVAL_REPETITIONS);

    // 3. GET /v1/entity_users/me vs hello-world.
    const helloPort = await freePort();
    const hello = child({
      name: 'hello',
      script: join(repoRoot(), 'dist/tools/bench/src/baseline-hello-server.js'),
      env: { PORT: String(helloPort), TLS_CERT_FILE: system.tls.cert, TLS_KEY_FILE: system.tls.key },
    });
    await waitForHealthy(`https://localhost:${helloPort}/`, { timeoutMs: 15_000, process: hello });
    const tls = `TLS negotiated by the load generator: gateway ${await negotiatedTls(system.gatewayUrl)}, hello-world ${await negotiatedTls(`https://localhost:${helloPort}`)} (both the gateway's TLS policy).`;
    const headers = { authorization: `Bearer ${fx.userToken}`, 'x-monite-version': API_VERSION };
    const get = (url: string) => (seconds: number) => load({ url, method: 'GET', headers, connections: CONNECTIONS, seconds });
    loads.push(`http ${load1()}`);
    log(`GET /v1/entity_users/me vs hello-world: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each, ${CONNECTIONS} connections…`);
    const httpReport = await interleave<LoadResult>(
      { name: 'gatehouse /me', run: watched('HTTP', 'gatehouse /me', get(`${system.gatewayUrl}/v1/entity_users/me`)) },
      { name: 'fastify hello', run: watched('HTTP', 'fastify hello', get(`https://localhost:${helloPort}/`)) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    loads.push(`end ${load1()}`);

    const natsFailures = natsReport.rows.filter((r) => r.result.errors || r.result.unexpected);
    const httpFailures = httpReport.rows.filter((r) => r.name === 'gatehouse /me' && (r.result.non2xx || r.result.errors));
    const evidence: string[] = [];
    for (const r of natsFailures) evidence.push(`round ${r.round} ${r.name}: ${r.result.errors} errors, ${r.result.unexpected} unexpected; first: ${r.result.firstError}`);
    if (httpFailures.length) evidence.push(await probeMe(gw, fx.userToken));
    // Anything the services logged at warn or above during the run (LOG_LEVEL=warn: normally nothing).
    for (const p of system.procs) {
      const out = p
        .recentOutput()
        .split('\n')
        .filter((l) => l.trim() && !NODE_NOISE.test(l))
        .join('\n');
      if (out) evidence.push(`${p.name} logged (last lines):`, ...out.split('\n').slice(-10).map((l) => `  ${l.slice(0, 400)}`));
    }

    const natsRatio = median(natsReport.ratios);
    const httpRatio = median(httpReport.ratios);
    process.stdout.write(
      [
        `## bench:policy — authorization: policy.v1.check over NATS, evaluate() in-process, GET /v1/entity_users/me through the gateway`,
        '',
        `Machine: ${machine()}; the load generators share the cores with the four services, NATS and PostgreSQL.`,
        tls,
        `Settings: BENCH_ROUNDS=${ROUNDS} (interleaved, order alternating: A B, B A…), BENCH_WARMUP_SECONDS=${WARMUP} (each contender, once), BENCH_SECONDS=${SECONDS}, ` +
          `BENCH_IN_FLIGHT=${IN_FLIGHT}, BENCH_CONNECTIONS=${CONNECTIONS}, BENCH_EVAL_ITERATIONS=${EVAL_ITERATIONS}. ` +
          `Fresh databases and NATS prefix; LOG_LEVEL=warn (request logging off); one partner, one entity, one role ` +
          `(entity_user read + role read allowed), one user with that role, its entity-user token.`,
        `1-minute load average at the start of each phase (${cpus().length} cores): ${loads.join(', ')}.`,
        overlaps.length
          ? `Other test runs / benchmarks on the machine during (figures of these runs are skewed): ${overlaps.join(' | ')}.`
          : 'No jest run and no other *.bench process was seen during any measured run (the process table, sampled every second, is checked for those names only; any other load shows in the load averages above).',
        '',
        natsTable(
          `1. policy.v1.check over NATS vs a bare nats.js echo (${IN_FLIGHT} in flight, one NatsService client connection, latency per request)`,
          natsReport,
          'policy.v1.check',
          'nats echo',
        ),
        '',
        `policy.v1.check: entity user ${fx.userId} reads entity_user in its own entity (answer: ${first.allowed ? 'allowed' : 'denied'}, ${first.reason}), ` +
          `Nest's packet format both ways; served from policy's read model after the first call. ` +
          `Echo: a separate process (queue group, NatsService.connect options, plain nats.js subscription) replying with the request's bytes; ` +
          `same client, same request payload.`,
        `target ≥ ${NATS_TARGET} of the echo's throughput: ${verdict(natsReport, natsRatio >= NATS_TARGET)}`,
        '',
        `### 2. evaluate() in-process (@gatehouse/permissions, compiled role; ${EVAL_REPETITIONS} runs of ${EVAL_ITERATIONS} calls after warm-up, one core)`,
        '',
        evaluateTable(evaluateCases),
        '',
        `Policy's own decision assembly (read-model lookups, role resolution) lives in apps/policy and is not importable from tools; ` +
          `the last case builds the query object per call as it does.`,
        '',
        contractTable(contractCost, natsReport),
        '',
        formatReport(
          `3. GET /v1/entity_users/me (gateway → identity entity_user.me: one NATS message) vs Fastify HTTPS hello-world, ${CONNECTIONS} keep-alive connections`,
          httpReport,
          'gatehouse /me',
          'fastify hello',
        ),
        '',
        `Both with the same headers (entity-user Bearer token, x-monite-version) and the same TLS certificate; the hello-world ignores them.`,
        `target ≥ ${HTTP_TARGET} of the hello-world: ${verdict(httpReport, httpRatio >= HTTP_TARGET)}`,
        ...(evidence.length ? ['', 'Failures during the load, the request by hand, service output:', '', ...evidence.map((e) => `    ${e}`)] : []),
        '',
      ].join('\n'),
    );
  } catch (err) {
    logRecentOutput([...system.procs, ...children]);
    throw err;
  } finally {
    await cleanup();
  }
}

runBench('bench:policy', main);
