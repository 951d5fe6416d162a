/**
 * npm run bench:compare — Gatehouse against node-oidc-provider (npm `oidc-provider`,
 * what a Node user would pick instead), in one run, on this machine, behind the same
 * TLS certificate, with the same client (autocannon, keep-alive HTTPS connections,
 * interleaved rounds after a warm-up, medians of paired ratios).
 *
 * The peer of record is oidc-provider as a Node user deploys it on a machine of more
 * than one core: a node:cluster of BENCH_PEER_WORKERS (2) workers with the same
 * configuration, the primary only forking, the workers sharing the provider's stored
 * state (the opaque tokens one worker mints and another introspects or revokes) in
 * Redis through a small adapter (oidc-provider-server.mjs) — its default in-memory
 * adapter is per process and cannot serve a cluster. **The bench therefore needs Redis**
 * (BENCH_REDIS_URL, redis://127.0.0.1:6379; it stops with a clear message without it;
 * .ci does not run benches); the peer's keys live under a prefix of this run's and are
 * deleted at the end. One oidc-provider process (in-memory adapter, as before) stays
 * beside it in the minting section, for contrast: one process uses one core where
 * Gatehouse's processes use every core.
 *
 * Gatehouse runs twice: as shipped (the configuration `npm start` runs: its logging —
 * LOG_LEVEL info, pretty console, a JSON file per service —, metrics on, the audit
 * trail on; bench:token's `as-shipped` variant) and tuned (the bench configuration:
 * LOG_LEVEL=warn, the rest as shipped). Each one's CPU is summed over every process
 * of that system, the NATS server and every PostgreSQL process; the peer's over the
 * cluster's primary, both workers and the Redis server.
 *
 *  1. client_credentials minting: POST /v1/auth/token through the gateway (JSON, as
 *     bench:token) vs oidc-provider's POST /token (form, client_secret_post), ES256
 *     JWT access tokens on both sides (checked before the load: the bench aborts
 *     when oidc-provider's token is not an ES256 JWT). Three pairs: as shipped vs the
 *     cluster (the verdict: throughput ≥ 2x, never under 1.5x; p99 no worse; CPU per
 *     token ≤ 0.5x), tuned vs the cluster (the same bars, reported), tuned vs one
 *     oidc-provider process (figures); and the bar itself: bench:token's ceiling (a
 *     Fastify server that only checks the secret and signs ES256, clustered like the
 *     peer) vs the cluster (figures: about the most any Node design that does more per
 *     token can reach on this machine).
 *  2. What a resource server calls to validate a token: Gatehouse's authenticated
 *     read GET /v1/settings (partner bearer token; the gateway verifies the JWT,
 *     checks the revocation list, asks auth over NATS) vs oidc-provider's
 *     POST /token/introspection with the client's credentials. oidc-provider refuses
 *     to introspect JWT access tokens (400 unsupported_token_type), so it introspects
 *     an opaque token of the same client (its second resource server). Tuned Gatehouse
 *     vs the cluster (which finds the token in Redis whichever worker is asked).
 *  2b. Introspection against introspection (RFC 7662): Gatehouse's POST /v1/auth/introspect
 *     of its partner JWT vs oidc-provider's POST /token/introspection of its opaque token
 *     (the only kind it introspects); both forms with client_secret_post. Target 3x.
 *  2c. The same against bench:token's ceiling server's introspection (secret check, a
 *     cached ES256 verification, the claims), clustered like the peer (figures).
 *  3. Revocation: two gateway instances; BENCH_REVOCATIONS times: mint, 200 at both
 *     gateways, POST /v1/auth/revoke at gateway A, then poll both until 401; the time
 *     from the revoke's 200 to each instance's first 401. Then what oidc-provider
 *     answers when its JWT access token is revoked and introspected (and, for
 *     contrast, an opaque one).
 *
 * Writes the report to docs/BENCHMARKS.md (the whole file; BENCH_COMPARE_OUT to put it
 * elsewhere) and prints it to stdout.
 *
 * BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50),
 * BENCH_REVOCATIONS (1000), BENCH_REVOKE_TIMEOUT_MS (5000), BENCH_PEER_WORKERS (2),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379).
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, JsonWebKey, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { decode, verify } from 'jsonwebtoken';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { cpuSeconds, pidsNamed } from './process-cpu';
import { dirname, join, relative } from 'node:path';
import { freePort, repoRoot, ServiceProcess, spawnService, waitForHealthy } from '@gatehouse/supervisor';
import { BenchSystem, logRecentOutput, runBench } from './bench-system';
import { ForeignLoad, foreignProcesses } from './foreign-load';
import { tlsPolicyEnv } from '@gatehouse/platform';
import { API_VERSION, HttpClient, HttpResponse } from '@gatehouse/testing';
import { negotiatedTls } from './tls-info';
import { percentile } from './bench-stats';
import { interleave, load, LoadResult, median, RoundsReport } from './load';

/** The method (interleaved rounds, a warm-up, 10 s runs: README, "Benchmarks"); anything less is a smoke run. */
const DEFAULTS = {
  BENCH_ROUNDS: 3,
  BENCH_SECONDS: 10,
  BENCH_WARMUP_SECONDS: 5,
  BENCH_CONNECTIONS: 50,
  BENCH_REVOCATIONS: 1000,
  BENCH_REVOKE_TIMEOUT_MS: 5000,
  BENCH_PEER_WORKERS: 2,
} as const;
type Knob = keyof typeof DEFAULTS;
const knob = (name: Knob): number => Number(process.env[name] ?? DEFAULTS[name]);

const ROUNDS = knob('BENCH_ROUNDS');
const SECONDS = knob('BENCH_SECONDS');
const WARMUP = knob('BENCH_WARMUP_SECONDS');
const CONNECTIONS = knob('BENCH_CONNECTIONS');
const REVOCATIONS = knob('BENCH_REVOCATIONS');
const REVOKE_TIMEOUT_MS = knob('BENCH_REVOKE_TIMEOUT_MS');
const PEER_WORKERS = knob('BENCH_PEER_WORKERS');
const OUT = process.env.BENCH_COMPARE_OUT ?? join(repoRoot(), 'docs/BENCHMARKS.md');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Minting, as shipped vs the clustered peer (issue 14): ≥ 2x its throughput… */
const MINT_TARGET = 2;
/** …and never under 1.5x… */
const MINT_FLOOR = 1.5;
/** …with a p99 no worse (paired ratio ≤ 1) and at most half its CPU per token. */
const MINT_CPU_TARGET = 0.5;
/** Introspection: the gateway answers from what it verified and the revocation list it holds (issue 14). */
const INTROSPECT_TARGET = 3;
/** Gatehouse in the bench configuration (LOG_LEVEL=warn). */
const GH = 'gatehouse-tuned';
/** Gatehouse as `npm start` runs it. */
const GH_SHIPPED = 'gatehouse-shipped';
/** The peer of record: oidc-provider clustered, its state in Redis. */
const OP = 'oidc-provider-cluster';
/** oidc-provider in one process, its default in-memory adapter. */
const OP1 = 'oidc-provider-1proc';
/** bench:token's ceiling as a cluster like the peer's: Fastify over HTTPS that checks the secret and signs (or introspects), nothing else. */
const CEILING = 'fastify-ceiling';
const PEER = 'oidc-provider';
const JWT_RESOURCE = 'https://api.gatehouse.bench/jwt';
const OPAQUE_RESOURCE = 'https://api.gatehouse.bench/opaque';
const FORM = 'application/x-www-form-urlencoded';

/** Node's own deprecation warnings and oidc-provider's startup notices: not the service misbehaving. */
const NODE_NOISE = /--trace-warnings|DeprecationWarning|^oidc-provider (WARNING|NOTICE)|^oidc-provider (listening|cluster ready)|^fastify-ceiling cluster ready/;

const log = (line: string) => process.stderr.write(`${line}\n`);
const load1 = () => loadavg()[0].toFixed(2);
const fixed = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

// ---------------------------------------------------------------------------------------------
// HTTPS client for the by-hand requests (the load itself is autocannon's).

interface Answer {
  status: number;
  text: string;
  json: any;
  /** performance.now() once the whole response was read. */
  at: number;
}

/** One by-hand request over the shared HttpClient, stamped when the whole response was read. */
async function timed(res: Promise<HttpResponse>): Promise<Answer> {
  return { ...(await res), at: performance.now() };
}

const postJson = (c: HttpClient, path: string, data: unknown) => timed(c.post(path, { json: data }));
const postForm = (c: HttpClient, path: string, fields: Record<string, string>) => timed(c.post(path, { form: fields, version: null }));
const getAuthed = (c: HttpClient, path: string, token: string) => timed(c.get(path, { token }));

/** What the server answered, when it was not what the bench needs. */
class Unexpected extends Error {
  constructor(what: string, answer: Pick<Answer, 'status' | 'text'>) {
    super(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 2_000)}`);
  }
}

/** The JOSE header of a compact JWS, or undefined when `token` is not one (read by jsonwebtoken, not verified). */
function jwtHeader(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  return (decode(token, { complete: true })?.header as unknown as Record<string, unknown>) ?? undefined;
}

function jwtPayload(token: string): Record<string, unknown> {
  const payload = decode(token, { json: true });
  if (!payload) throw new Error(`not a JWT with a JSON claims set: ${token.slice(0, 200)}`);
  return payload;
}

/** Whether `token` verifies (ES256 signature, exp) with `jwk`, as a resource server using jsonwebtoken checks it. */
function verifiesWith(token: string, jwk: JsonWebKey | undefined): boolean {
  if (!jwk) return false;
  try {
    verify(token, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: ['ES256'] });
    return true;
  } catch {
    return false;
  }
}

/** Aborts the bench unless `answer` is a 200 carrying an ES256 JWT access token. */
function requireEs256(who: string, answer: Answer): string {
  const token = answer.json?.access_token;
  if (answer.status !== 200 || typeof token !== 'string') throw new Unexpected(`${who}: token request`, answer);
  const header = jwtHeader(token);
  if (header?.alg !== 'ES256') {
    throw new Error(
      `${who} did not mint an ES256 JWT access token (header: ${header ? JSON.stringify(header) : 'not a JWT'}); ` +
        `the comparison is only fair between ES256 JWTs: check its configuration. Token: ${token.slice(0, 200)}`,
    );
  }
  return token;
}

// ---------------------------------------------------------------------------------------------
// Throughput phases.

/**
 * One measured run, what a request made by hand after it found (when that was
 * wrong), and the CPU time the contender's processes spent per request (all of
 * them: for Gatehouse the gateway, auth, identity and the NATS server; the load
 * generator is in neither).
 */
type Run = LoadResult & { check?: string; cpuUsPerRequest?: number };

/** Measures the CPU the given processes spend during each run, per request. */
function metered(pids: () => number[], run: (seconds: number) => Promise<Run>) {
  return async (seconds: number): Promise<Run> => {
    const ids = pids();
    const before = ids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const r = await run(seconds);
    const spent = ids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - before;
    // The responses the run received (autocannon may sample 11 seconds of a 10 s run: rps × seconds would be off).
    return { ...r, cpuUsPerRequest: r.completed > 0 ? (spent * 1e6) / r.completed : undefined };
  };
}

/** The pid of the process listening on a local TCP port (the NATS server), from `ss`. */
function listenerPid(port: number): number | undefined {
  try {
    const m = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' }).match(/pid=(\d+)/);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function flagOf(r: Run): string {
  const problems: string[] = [];
  if (r.non2xx) problems.push(`${r.non2xx} non-2xx`);
  if (r.errors) problems.push(`${r.errors} errors`);
  if (r.check) problems.push(r.check);
  return problems.length ? `⚠ ${problems.join('; ')}` : 'ok';
}

function flaggedRounds(report: RoundsReport<Run>): string[] {
  return report.rows.filter((r) => flagOf(r.result) !== 'ok').map((r) => `round ${r.round} ${r.name}: ${flagOf(r.result)}`);
}

/** The two contenders of a report, in the order interleave() was given them (A / B is each ratio). */
function pairOf(report: RoundsReport<Run>): [string, string] {
  const names = [...new Set(report.rows.map((r) => r.name))];
  if (names.length !== 2) throw new Error(`a report of two contenders expected, got ${names.join(', ')}`);
  return [names[0], names[1]];
}

function pairedP99(report: RoundsReport<Run>): number[] {
  const [an, bn] = pairOf(report);
  const out: number[] = [];
  for (let round = 1; ; round++) {
    const a = report.rows.find((r) => r.round === round && r.name === an);
    const b = report.rows.find((r) => r.round === round && r.name === bn);
    if (!a || !b) return out;
    out.push(a.result.p99 / b.result.p99);
  }
}

function pairedCpu(report: RoundsReport<Run>): number[] {
  const [an, bn] = pairOf(report);
  const out: number[] = [];
  for (let round = 1; ; round++) {
    const a = report.rows.find((r) => r.round === round && r.name === an)?.result.cpuUsPerRequest;
    const b = report.rows.find((r) => r.round === round && r.name === bn)?.result.cpuUsPerRequest;
    if (a === undefined || b === undefined) return out;
    out.push(a / b);
  }
}

const range = (values: number[]) =>
  `median **${fixed(median(values), 2)}** (range ${fixed(Math.min(...values), 2)}–${fixed(Math.max(...values), 2)}; per round ${values.map((v) => fixed(v, 2)).join(', ')})`;

function roundsTable(report: RoundsReport<Run>): string[] {
  const [a, b] = pairOf(report);
  return [
    '| round | contender | req/s | p50 ms | p99 ms | CPU µs/request | non-2xx | errors | status codes | flag |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map(
      ({ round, name, result: r }) =>
        `| ${round} | ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.cpuUsPerRequest === undefined || Number.isNaN(r.cpuUsPerRequest) ? '—' : r.cpuUsPerRequest.toFixed(0)} | ${r.non2xx} | ${r.errors} | ${r.statuses || '—'} | ${flagOf(r)} |`,
    ),
    '',
    `Throughput ratio ${a} / ${b} (req/s): ${range(report.ratios)}.`,
    `p99 ratio ${a} / ${b} (below 1: ${a}'s p99 is lower): ${range(pairedP99(report))}.`,
    `CPU per request ratio ${a} / ${b} (below 1: ${a} spends less CPU, summed over all its processes; ${
      b === OP1 ? `${b} runs one process, so it can use one core where Gatehouse's processes share ${cpus().length}` : `${b}'s summed over its primary, ${PEER_WORKERS} workers and Redis`
    }): ${range(pairedCpu(report))}.`,
  ];
}

/** The minting bars (issue 14), each judged on the median of the paired per-round ratios: met / NOT met. */
function mintVerdict(report: RoundsReport<Run>): { lines: string[]; met: boolean; flags: string[] } {
  const [a, b] = pairOf(report);
  const ratio = median(report.ratios);
  const p99 = median(pairedP99(report));
  const cpuRatio = median(pairedCpu(report));
  const flags = flaggedRounds(report);
  const mark = (ok: boolean) => `**${ok ? 'met' : 'NOT met'}**`;
  const throughputMet = ratio >= MINT_TARGET;
  const floorHeld = ratio >= MINT_FLOOR;
  const p99Met = p99 <= 1;
  const cpuMet = cpuRatio <= MINT_CPU_TARGET;
  return {
    met: throughputMet && p99Met && cpuMet && !flags.length,
    flags,
    lines: [
      `Targets, ${a} against ${b} (median of the paired per-round ratios${flags.length ? `; ⚠ flagged rounds, the verdict is not trustworthy: ${flags.join(' | ')}` : ''}):`,
      '',
      `- throughput ≥ ${MINT_TARGET}x: ${mark(throughputMet)} (${fixed(ratio, 2)}x); never under ${MINT_FLOOR}x: ${mark(floorHeld)}`,
      `- p99 no worse (ratio ≤ 1): ${mark(p99Met)} (${fixed(p99, 2)})`,
      `- CPU per token ≤ ${MINT_CPU_TARGET}x: ${mark(cpuMet)} (${fixed(cpuRatio, 2)})`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Revocation.

interface Refusal {
  /** ms from the revoke's 200 (read by the client) to the first 401 read from this instance; Infinity: none within the timeout. */
  ms: number;
  first: boolean;
  polls: number;
}

interface RevocationResult {
  perInstance: Refusal[][];
  seconds: number;
}

/** Polls `gw` with `token` until it answers 401; any other status than 200 or 401 is an error. */
async function untilRefused(gw: HttpClient, label: string, token: string, revokedAt: number, timeoutMs: number): Promise<Refusal> {
  for (let polls = 1; ; polls++) {
    const res = await getAuthed(gw, '/v1/settings', token);
    if (res.status === 401) return { ms: res.at - revokedAt, first: polls === 1, polls };
    if (res.status !== 200) throw new Unexpected(`gateway ${label}: GET /v1/settings after the revoke (poll ${polls})`, res);
    if (res.at - revokedAt > timeoutMs) return { ms: Infinity, first: false, polls };
  }
}

async function measureRevocation(gateways: HttpClient[], labels: string[], cred: { client_id: string; client_secret: string }, n: number): Promise<RevocationResult> {
  const [a] = gateways;
  const perInstance: Refusal[][] = gateways.map(() => []);
  const step = Math.max(1, Math.floor(n / 10));
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const minted = await postJson(a, '/v1/auth/token', { grant_type: 'client_credentials', ...cred });
    const token = minted.json?.access_token;
    if (minted.status !== 200 || typeof token !== 'string') throw new Unexpected(`revocation #${i + 1}: POST /v1/auth/token`, minted);
    // The token works at every instance first (and so sits in each one's cache of verified tokens).
    for (const [k, gw] of gateways.entries()) {
      const res = await getAuthed(gw, '/v1/settings', token);
      if (res.status !== 200) throw new Unexpected(`revocation #${i + 1}: GET /v1/settings at gateway ${labels[k]} before the revoke`, res);
    }
    const revoked = await postJson(a, '/v1/auth/revoke', { ...cred, token });
    if (revoked.status !== 200) throw new Unexpected(`revocation #${i + 1}: POST /v1/auth/revoke at gateway ${labels[0]}`, revoked);
    const refusals = await Promise.all(gateways.map((gw, k) => untilRefused(gw, labels[k], token, revoked.at, REVOKE_TIMEOUT_MS)));
    refusals.forEach((r, k) => perInstance[k].push(r));
    if ((i + 1) % step === 0) log(`revocations: ${i + 1}/${n}`);
  }
  return { perInstance, seconds: (performance.now() - start) / 1000 };
}

function revocationTable(result: RevocationResult, labels: string[]): string[] {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : `> ${REVOKE_TIMEOUT_MS}`);
  return [
    '| gateway instance | revocations | refused on the very first request | p50 ms | p99 ms | max ms | not refused within the timeout |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...result.perInstance.map((rs, k) => {
      const times = rs.map((r) => r.ms);
      const firsts = rs.filter((r) => r.first).length;
      const missed = rs.filter((r) => !Number.isFinite(r.ms)).length;
      return `| ${labels[k]} | ${rs.length} | **${firsts}** of ${rs.length} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 99))} | ${ms(Math.max(...times))} | ${missed} |`;
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// oidc-provider and revocation of its JWT access tokens.

interface Step {
  what: string;
  status: string;
  body: string;
}

const cell = (s: string) => (s ? `\`${s.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\n/g, ' ')}\`` : '(empty body)');

async function oidcRevocationSteps(op: HttpClient, cred: { client_id: string; client_secret: string }): Promise<Step[]> {
  const auth = { ...cred };
  const steps: Step[] = [];
  const answer = (what: string, a: Answer, body = a.text) => steps.push({ what, status: String(a.status), body });

  const minted = await postForm(op, '/token', { grant_type: 'client_credentials', ...auth });
  const jwt = requireEs256(OP, minted);
  answer('POST /token (client_credentials; the default resource: JWT access tokens)', minted, `access_token: ${JSON.stringify(jwtHeader(jwt))} . ${JSON.stringify(jwtPayload(jwt))} . (signature)`);
  answer('POST /token/revocation with the JWT (client_secret_post)', await postForm(op, '/token/revocation', { ...auth, token: jwt, token_type_hint: 'access_token' }));
  answer('POST /token/introspection with the same JWT, after the revocation', await postForm(op, '/token/introspection', { ...auth, token: jwt, token_type_hint: 'access_token' }));

  // What a resource server that validates the JWT itself (as Gatehouse's gateway does) concludes.
  const jwks = await timed(op.get('/jwks', { version: null }));
  const header = jwtHeader(jwt) as { kid?: string };
  const jwk = (jwks.json?.keys as Array<JsonWebKey & { kid?: string }> | undefined)?.find((k) => k.kid === header.kid);
  const valid = verifiesWith(jwt, jwk);
  const exp = Number(jwtPayload(jwt).exp);
  steps.push({
    what: 'The same JWT checked locally, after the revocation, against GET /jwks (what a resource server verifying JWTs does)',
    status: '—',
    body: `signature ${valid ? 'valid' : 'INVALID'}, exp in ${exp - Math.floor(Date.now() / 1000)} s: ${valid ? 'still accepted until it expires' : 'refused'}`,
  });

  // For contrast: an opaque token of the same client is revocable.
  const opaque = await postForm(op, '/token', { grant_type: 'client_credentials', resource: OPAQUE_RESOURCE, ...auth });
  const opaqueToken = opaque.json?.access_token;
  if (opaque.status !== 200 || typeof opaqueToken !== 'string') throw new Unexpected(`${OP}: opaque token request`, opaque);
  answer(`POST /token (client_credentials, resource=${OPAQUE_RESOURCE}: an opaque access token)`, opaque);
  answer('POST /token/introspection with the opaque token', await postForm(op, '/token/introspection', { ...auth, token: opaqueToken, token_type_hint: 'access_token' }));
  answer('POST /token/revocation with the opaque token', await postForm(op, '/token/revocation', { ...auth, token: opaqueToken, token_type_hint: 'access_token' }));
  answer('POST /token/introspection with the opaque token, after the revocation', await postForm(op, '/token/introspection', { ...auth, token: opaqueToken, token_type_hint: 'access_token' }));
  return steps;
}

// ---------------------------------------------------------------------------------------------
// Report.

/** A measured run during which other test runs or benchmarks were on the machine. */
interface Overlap {
  run: string;
  seen: string[];
}

/** One nested list item per distinct set of foreign processes: `` `jest x`, `jest y` during minting gatehouse round 1, … ``. */
function groupOverlaps(overlaps: Overlap[]): string[] {
  const byProcesses = new Map<string, { seen: string[]; runs: string[] }>();
  for (const o of overlaps) {
    const key = o.seen.join('\0');
    const group = byProcesses.get(key) ?? { seen: o.seen, runs: [] };
    group.runs.push(o.run);
    byProcesses.set(key, group);
  }
  return [...byProcesses.values()].map((g) => `  - ${g.seen.map((p) => `\`${p}\``).join(', ')} during ${g.runs.join(', ')}`);
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(repoRoot(), 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The command that reproduces this run: the knobs that differ from the defaults, then the script. */
function command(): string {
  const set = (Object.keys(DEFAULTS) as Knob[]).filter((k) => process.env[k] !== undefined && knob(k) !== DEFAULTS[k]).map((k) => `${k}=${knob(k)}`);
  return [...set, 'npm run bench:compare'].join(' ');
}

function smoke(): string[] {
  return (Object.keys(DEFAULTS) as Knob[]).filter((k) => (k === 'BENCH_CONNECTIONS' ? knob(k) !== DEFAULTS[k] : knob(k) < DEFAULTS[k])).map((k) => `${k}=${knob(k)} (method: ${DEFAULTS[k]})`);
}

/** One oidc-provider: a process, or a cluster's primary and the workers it forked; what CPU counts for it. */
interface Peer {
  url: string;
  procs: ServiceProcess;
  /** The pids whose CPU is the peer's: the process, or the primary, its workers and the Redis server. */
  pids: () => number[];
}

/** Stops with a clear message when Redis is not there: the clustered peer cannot share its state without it. */
async function requireRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined); // reported below
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `bench:compare needs Redis at ${url} (BENCH_REDIS_URL): the clustered oidc-provider, the peer of record, keeps its opaque tokens there so that every worker knows them ` +
        `(its in-memory adapter is per process). Start one (apt-get install redis-server) or point BENCH_REDIS_URL at one. (${(err as Error).message})`,
    );
  }
}

/** Deletes every key under `prefix` (the peer's, this run's only). */
async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Spawns a bench server, one process or (workers > 0) a node:cluster whose primary prints
 * `<name> cluster ready: N workers, pids a,b` once every worker listens; waits until
 * `healthPath` answers and, for a cluster, that line. Answers its URL, the process and
 * the pids whose CPU is the server's (the process, and its workers).
 */
async function startBenchServer(opts: {
  name: string;
  /** The name its cluster's ready line starts with. */
  readyPrefix: string;
  script: string;
  env: Record<string, string>;
  healthPath: string;
  workers: number;
  started: (proc: ServiceProcess) => void;
}): Promise<{ url: string; proc: ServiceProcess; pids: number[] }> {
  const port = await freePort();
  const ready = new RegExp(`^${opts.readyPrefix} cluster ready: \\d+ workers, pids ([\\d,]+)`);
  let listening: (pids: number[]) => void = () => undefined;
  const workerPids = new Promise<number[]>((resolve) => (listening = resolve));
  const proc = spawnService({
    name: opts.name,
    script: opts.script,
    env: { ...opts.env, PORT: String(port) },
    onLine: (line) => {
      const m = line.match(ready);
      if (m) listening(m[1].split(',').map(Number));
    },
  });
  opts.started(proc);
  const url = `https://localhost:${port}`;
  await waitForHealthy(`${url}${opts.healthPath}`, { timeoutMs: 30_000, process: proc });
  if (!opts.workers) return { url, proc, pids: [proc.pid] };
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${opts.name}: its ${opts.workers} workers were not all listening within 30 s`)), 30_000).unref());
  return { url, proc, pids: [proc.pid, ...(await Promise.race([workerPids, timeout]))] };
}

/**
 * A load run of introspections (POST `url`, the form `body`), then one by hand: the
 * round is flagged unless that still answers 200 `active: true` (a 200
 * `{"active":false}`, the token not found, say, would count as a success).
 */
const introspectionRun =
  (url: string, body: string, byHand: () => Promise<Answer>) =>
  async (seconds: number): Promise<Run> => {
    const r: Run = await load({ url, method: 'POST', headers: { 'content-type': FORM }, body, connections: CONNECTIONS, seconds });
    const after = await byHand();
    if (after.status !== 200 || after.json?.active !== true) r.check = `after the run the introspection answered ${after.status} ${after.text.slice(0, 200)}`;
    return r;
  };

async function main(): Promise<void> {
  for (const name of Object.keys(DEFAULTS) as Knob[]) {
    const value = knob(name);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  }
  const started = new Date();
  const atStart = foreignProcesses();
  if (atStart.length) log(`warning: other test runs or benchmarks are running (${atStart.join('; ')}): the figures will be skewed`);
  const foreign = new ForeignLoad();
  foreign.start();
  const overlaps: Overlap[] = [];
  const watched = <R>(phase: string, name: string, run: (seconds: number) => Promise<R>) =>
    foreign.watch(run, (label, seen) => overlaps.push({ run: `${phase} ${name} ${label}`, seen }));

  const system = new BenchSystem();
  const shipped = new BenchSystem();
  const clients: HttpClient[] = [];
  const peers: ServiceProcess[] = [];
  const redis = await requireRedis(REDIS_URL);
  const redisPrefix = `gatehouse-bench-compare:${randomUUID()}:`;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      foreign.stop();
      for (const c of clients) await c.close().catch(() => undefined);
      for (const p of peers) await p.stop().catch(() => undefined);
      await dropKeys(redis, redisPrefix).catch((err) => log(`could not delete the peer's Redis keys (${redisPrefix}*): ${err}`));
      redis.disconnect();
      await shipped.stop();
      await system.stop();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up…`);
      void cleanup()
        .then(() => system.stop())
        .finally(() => process.exit(130));
    });
  }
  const client = (url: string, connections = 2, caFile = system.tls.cert) => {
    const c = new HttpClient(url, { caFile, connections });
    clients.push(c);
    return c;
  };

  try {
    log('starting auth, identity and gateway (tuned: LOG_LEVEL=warn)…');
    await system.start();
    const partner = await system.partner();
    // Only these two: the token and revoke requests refuse any other field.
    const cred = { client_id: partner.client_id, client_secret: partner.client_secret };
    const gwA = client(system.gatewayUrl);
    log("starting a second system as shipped (npm start's logging, metrics and audit trail on)…");
    await shipped.start({ logs: 'start' });
    const shippedPartner = await shipped.partner();
    const shippedCred = { client_id: shippedPartner.client_id, client_secret: shippedPartner.client_secret };

    // Whose CPU counts: every process of each contender (Gatehouse's NATS server and PostgreSQL included; the peer's Redis).
    const natsPort = Number(new URL(process.env.NATS_URL ?? 'nats://127.0.0.1:4222').port || 4222);
    const natsPid = listenerPid(natsPort);
    if (!natsPid) throw new Error(`the NATS server listening on port ${natsPort} was not found (ss -ltnp): its CPU would go uncounted; run as a user that may see it`);
    const postgres = pidsNamed('postgres');
    if (!postgres.length) throw new Error('no PostgreSQL process found (/proc comm "postgres"): its CPU would go uncounted');
    const redisPort = Number(new URL(REDIS_URL).port || 6379);
    const redisPid = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(REDIS_URL).hostname) ? listenerPid(redisPort) : undefined;
    if (!redisPid) throw new Error(`the Redis server listening on port ${redisPort} was not found on this machine (ss -ltnp): the peer's share of its CPU would go uncounted`);
    const ghPids = (sys: BenchSystem) => () => [...sys.procs.map((p) => p.pid), natsPid, ...pidsNamed('postgres')];

    // oidc-provider: plain ESM from the source tree, the gateway's certificate; one process, and the cluster.
    const startPeer = async (name: string, workers: number): Promise<Peer> => {
      const { url, proc, pids } = await startBenchServer({
        name,
        readyPrefix: 'oidc-provider',
        script: join(repoRoot(), 'tools/bench/src/oidc-provider-server.mjs'),
        env: {
          NODE_ENV: 'production',
          DEBUG: '',
          TLS_CERT_FILE: system.tls.cert,
          TLS_KEY_FILE: system.tls.key,
          ...tlsPolicyEnv(),
          CLIENT_ID: cred.client_id,
          CLIENT_SECRET: cred.client_secret,
          JWT_RESOURCE,
          OPAQUE_RESOURCE,
          TOKEN_TTL: '1800',
          ...(workers > 0 ? { CLUSTER_WORKERS: String(workers), ADAPTER: 'redis', REDIS_URL, REDIS_KEY_PREFIX: redisPrefix } : { ADAPTER: 'memory' }),
        },
        healthPath: '/.well-known/openid-configuration',
        workers,
        started: (p) => peers.push(p),
      });
      return { url, procs: proc, pids: () => (workers ? [...pids, redisPid] : pids) };
    };
    const cluster = await startPeer(OP, PEER_WORKERS);
    const single = await startPeer(OP1, 0);
    // What the minting target asks, set beside a server that does nothing but mint, on as many workers as the peer (section 1d).
    const ceiling = await startBenchServer({
      name: CEILING,
      readyPrefix: CEILING,
      script: join(repoRoot(), 'dist/tools/bench/src/baseline-token-server.js'),
      env: { TLS_CERT_FILE: system.tls.cert, TLS_KEY_FILE: system.tls.key, CLIENT_ID: cred.client_id, CLIENT_SECRET: cred.client_secret, CLUSTER_WORKERS: String(PEER_WORKERS) },
      healthPath: '/health/ready',
      workers: PEER_WORKERS,
      started: (p) => peers.push(p),
    });
    const ceilingUrl = ceiling.url;
    const ceilingPids = ceiling.pids;
    const opUrl = cluster.url;
    const tlsLine = `TLS negotiated by a default Node client (the load generator's): ${GH} ${await negotiatedTls(system.gatewayUrl)}; ${OP} ${await negotiatedTls(opUrl)}; ${CEILING} ${await negotiatedTls(ceilingUrl)} (all given the gateway's TLS policy).`;
    log(tlsLine);
    const op = client(opUrl);
    const op1 = client(single.url);
    log(`gateway ${system.gatewayUrl} (${GH}), ${shipped.gatewayUrl} (${GH_SHIPPED}); ${OP} ${opUrl} (pids ${cluster.pids().join(', ')}), ${OP1} ${single.url}`);

    // Every contender mints ES256 JWTs, or there is nothing to compare.
    const ghToken = requireEs256(GH, await postJson(gwA, '/v1/auth/token', { grant_type: 'client_credentials', ...cred }));
    // Its own certificate (a system of its own); autocannon does not verify any.
    const gwShipped = client(shipped.gatewayUrl, 2, shipped.tls.cert);
    requireEs256(GH_SHIPPED, await postJson(gwShipped, '/v1/auth/token', { grant_type: 'client_credentials', ...shippedCred }));
    const opToken = requireEs256(OP, await postForm(op, '/token', { grant_type: 'client_credentials', ...cred }));
    requireEs256(OP1, await postForm(op1, '/token', { grant_type: 'client_credentials', ...cred }));
    const ceilingClient = client(ceilingUrl);
    requireEs256(CEILING, await postJson(ceilingClient, '/v1/auth/token', { grant_type: 'client_credentials', ...cred }));
    log(`${GH} token header ${JSON.stringify(jwtHeader(ghToken))}; ${OP} token header ${JSON.stringify(jwtHeader(opToken))}`);

    // 1. Minting: as shipped vs the cluster (the verdict), tuned vs the cluster, tuned vs one process.
    const loads = [`start ${load1()}`];
    const mintRun =
      (url: string, headers: Record<string, string>, body: string) =>
      (seconds: number): Promise<Run> =>
        load({ url, method: 'POST', headers, body, connections: CONNECTIONS, seconds });
    const ghMint = (sys: BenchSystem, c: { client_id: string; client_secret: string }) =>
      mintRun(`${sys.gatewayUrl}/v1/auth/token`, { 'content-type': 'application/json', 'x-monite-version': API_VERSION }, JSON.stringify({ grant_type: 'client_credentials', ...c }));
    const opMint = (peer: Peer) => mintRun(`${peer.url}/token`, { 'content-type': FORM }, new URLSearchParams({ grant_type: 'client_credentials', ...cred }).toString());
    const mintPair = async (phase: string, gh: { name: string; sys: BenchSystem; cred: { client_id: string; client_secret: string } }, peer: { name: string; peer: Peer }) => {
      log(`1. minting ${gh.name} vs ${peer.name}: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each, ${CONNECTIONS} connections…`);
      loads.push(`${phase} ${load1()}`);
      return interleave<Run>(
        { name: gh.name, run: watched(phase, gh.name, metered(ghPids(gh.sys), ghMint(gh.sys, gh.cred))) },
        { name: peer.name, run: watched(phase, peer.name, metered(peer.peer.pids, opMint(peer.peer))) },
        ROUNDS,
        WARMUP,
        SECONDS,
      );
    };
    const mintShipped = await mintPair('minting (as shipped)', { name: GH_SHIPPED, sys: shipped, cred: shippedCred }, { name: OP, peer: cluster });
    // Its part is done: it no longer idles beside the other runs.
    await gwShipped.close();
    await shipped.stop();
    const mint = await mintPair('minting (tuned)', { name: GH, sys: system, cred }, { name: OP, peer: cluster });
    const mintSingle = await mintPair('minting (one process)', { name: GH, sys: system, cred }, { name: OP1, peer: single });
    // 1d. The bar itself: a server that only checks the secret and signs, clustered like the peer, against the cluster.
    log(`1d. minting ${CEILING} vs ${OP}: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each, ${CONNECTIONS} connections…`);
    loads.push(`minting (ceiling) ${load1()}`);
    const ceilingMint = mintRun(`${ceilingUrl}/v1/auth/token`, { 'content-type': 'application/json' }, JSON.stringify({ grant_type: 'client_credentials', ...cred }));
    const mintCeiling = await interleave<Run>(
      { name: CEILING, run: watched('minting (ceiling)', CEILING, metered(() => ceilingPids, ceilingMint)) },
      { name: OP, run: watched('minting (ceiling)', OP, metered(cluster.pids, opMint(cluster))) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    const opPids = cluster.pids;

    // 2. Authenticated read vs introspection.
    const partnerToken = requireEs256(GH, await postJson(gwA, '/v1/auth/token', { grant_type: 'client_credentials', ...cred }));
    const read = await getAuthed(gwA, '/v1/settings', partnerToken);
    if (read.status !== 200) throw new Unexpected('GET /v1/settings with the partner token', read);
    const opaqueAnswer = await postForm(op, '/token', { grant_type: 'client_credentials', resource: OPAQUE_RESOURCE, ...cred });
    const opaqueToken = opaqueAnswer.json?.access_token;
    if (opaqueAnswer.status !== 200 || typeof opaqueToken !== 'string' || jwtHeader(opaqueToken)) throw new Unexpected(`${OP}: opaque token request`, opaqueAnswer);
    const introspectionFields = { token: opaqueToken, token_type_hint: 'access_token', ...cred };
    const introspect = () => postForm(op, '/token/introspection', introspectionFields);
    const first = await introspect();
    if (first.status !== 200 || first.json?.active !== true) throw new Unexpected(`${OP}: POST /token/introspection of the opaque token`, first);
    const ghReadRun = async (seconds: number): Promise<Run> => {
      const r: Run = await load({
        url: `${system.gatewayUrl}/v1/settings`,
        method: 'GET',
        headers: { authorization: `Bearer ${partnerToken}`, 'x-monite-version': API_VERSION },
        connections: CONNECTIONS,
        seconds,
      });
      const after = await getAuthed(gwA, '/v1/settings', partnerToken);
      if (after.status !== 200) r.check = `after the run GET /v1/settings answered ${after.status} ${after.text.slice(0, 200)}`;
      return r;
    };
    const opIntrospectRun = introspectionRun(`${opUrl}/token/introspection`, new URLSearchParams(introspectionFields).toString(), introspect);
    log(`2. GET /v1/settings vs POST /token/introspection: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each…`);
    loads.push(`reads ${load1()}`);
    const reads = await interleave<Run>(
      { name: GH, run: watched('reads', GH, metered(ghPids(system), ghReadRun)) },
      { name: OP, run: watched('reads', OP, metered(opPids, opIntrospectRun)) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );

    // 2b. Introspection vs introspection: both forms, client_secret_post, both answers checked after each run.
    const ghIntrospectBody = new URLSearchParams({ token: partnerToken, token_type_hint: 'access_token', ...cred }).toString();
    const ghIntrospect = () => postForm(gwA, '/v1/auth/introspect', { token: partnerToken, token_type_hint: 'access_token', ...cred });
    const ghFirst = await ghIntrospect();
    if (ghFirst.status !== 200 || ghFirst.json?.active !== true) throw new Unexpected(`${GH}: POST /v1/auth/introspect of the partner token`, ghFirst);
    const ghIntrospectRun = introspectionRun(`${system.gatewayUrl}/v1/auth/introspect`, ghIntrospectBody, ghIntrospect);
    log(`2b. POST /v1/auth/introspect vs POST /token/introspection: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each…`);
    loads.push(`introspection ${load1()}`);
    const introspections = await interleave<Run>(
      { name: GH, run: watched('introspection', GH, metered(ghPids(system), ghIntrospectRun)) },
      { name: OP, run: watched('introspection', OP, metered(opPids, opIntrospectRun)) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );

    // 2c. The introspection bar itself: a server that only introspects, on as many workers as the peer.
    const ceilingToken = requireEs256(CEILING, await postJson(ceilingClient, '/v1/auth/token', { grant_type: 'client_credentials', ...cred }));
    const ceilingIntrospectFields = { token: ceilingToken, token_type_hint: 'access_token', ...cred };
    const ceilingIntrospect = () => postForm(ceilingClient, '/v1/auth/introspect', ceilingIntrospectFields);
    const ceilingFirst = await ceilingIntrospect();
    if (ceilingFirst.status !== 200 || ceilingFirst.json?.active !== true) throw new Unexpected(`${CEILING}: POST /v1/auth/introspect of its token`, ceilingFirst);
    const ceilingIntrospectRun = introspectionRun(`${ceilingUrl}/v1/auth/introspect`, new URLSearchParams(ceilingIntrospectFields).toString(), ceilingIntrospect);
    log(`2c. ${CEILING} POST /v1/auth/introspect vs POST /token/introspection: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each…`);
    loads.push(`introspection (ceiling) ${load1()}`);
    const ceilingIntrospections = await interleave<Run>(
      { name: CEILING, run: watched('introspection (ceiling)', CEILING, metered(() => ceilingPids, ceilingIntrospectRun)) },
      { name: OP, run: watched('introspection (ceiling)', OP, metered(opPids, opIntrospectRun)) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );

    // 3. Revocation: a second gateway instance, then N revocations at A, polled at both.
    log('3. revocation: starting a second gateway instance…');
    const gwB = client(await system.addGateway());
    const labels = [`A ${system.gatewayUrls[0]} (takes the revoke)`, `B ${system.gatewayUrls[1]} (the other instance)`];
    log(`revocation: ${REVOCATIONS} tokens, revoked at A, polled at A and B until 401…`);
    loads.push(`revocation ${load1()}`);
    const revocation = await foreign.during(() => measureRevocation([gwA, gwB], labels, cred, REVOCATIONS));
    if (revocation.seen.length) overlaps.push({ run: 'revocation', seen: revocation.seen });
    const steps = await oidcRevocationSteps(op, cred);
    loads.push(`end ${load1()}`);

    // Verdicts.
    const shippedVerdict = mintVerdict(mintShipped);
    const tunedVerdict = mintVerdict(mint);
    const singleRatio = median(mintSingle.ratios);
    const singleP99 = median(pairedP99(mintSingle));
    const ceilingRatio = median(mintCeiling.ratios);
    const ceilingCpu = median(pairedCpu(mintCeiling));
    const mintFlags = [...shippedVerdict.flags, ...tunedVerdict.flags, ...flaggedRounds(mintSingle), ...flaggedRounds(mintCeiling)];
    const readFlags = flaggedRounds(reads);
    const introspectRatio = median(introspections.ratios);
    const introspectFlags = flaggedRounds(introspections);
    const ceilingIntrospectFlags = flaggedRounds(ceilingIntrospections);
    const introspectMet = introspectRatio >= INTROSPECT_TARGET;
    const missed = revocation.value.perInstance.map((rs) => rs.filter((r) => !Number.isFinite(r.ms)).length);

    const evidence: string[] = [];
    // Not the shipped system's: it logs a line per request by design.
    for (const p of [...system.procs, ...peers]) {
      const out = p
        .recentOutput()
        .split('\n')
        .filter((l) => l.trim() && !NODE_NOISE.test(l))
        .slice(-10);
      if (out.length) evidence.push(`${p.name} logged (last lines):`, ...out.map((l) => `  ${l.slice(0, 400)}`));
    }
    const notices = [
      ...new Set(
        peers.flatMap((p) =>
          p
            .recentOutput()
            .split('\n')
            .filter((l) => /^oidc-provider (WARNING|NOTICE)/.test(l))
            .map((l) => `${p.name}: ${l}`),
        ),
      ),
    ];

    const smokeKnobs = smoke();
    const natsVersion = system.natsServerVersion() ?? 'unknown';
    const cmd = command();
    const where = relative(repoRoot(), OUT);
    const produced = `Produced by \`${cmd}\` (${where.startsWith('..') ? OUT : where}, ${started.toISOString()}); nobody typed these figures.`;
    const cpu = cpus();
    const report = [
      '# Benchmarks: Gatehouse vs node-oidc-provider',
      '',
      `Generated by \`${cmd}\` on ${started.toISOString()}. The whole file is written by the bench (tools/bench/src/compare.bench.ts): rerun it, do not edit it.`,
      ...(smokeKnobs.length
        ? ['', `> **SMOKE RUN — not the comparison.** Settings below the method's: ${smokeKnobs.join(', ')}. Run \`npm run bench:compare\` on a quiet machine for the figures to quote.`]
        : []),
      '',
      '## Machine',
      '',
      `- CPU: ${cpu.length} cores, ${cpu[0]?.model ?? 'unknown model'}`,
      `- ${tlsLine}`,
      `- RAM: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      `- OS: ${type()} ${release()}`,
      `- Node.js ${process.version}; oidc-provider ${packageVersion('oidc-provider')}; autocannon ${packageVersion('autocannon')}; nats-server ${natsVersion}; PostgreSQL on 127.0.0.1`,
      `- 1-minute load average at the start of each phase (${cpu.length} cores): ${loads.join(', ')}`,
      ...(overlaps.length
        ? ['- Other test runs / benchmarks seen on the machine (process table sampled every second; the runs they overlap are skewed):', ...groupOverlaps(overlaps)]
        : ['- No jest run and no other *.bench process was seen during any measured run (the process table, sampled every second, is checked for those names only; any other load shows in the load averages above).']),
      '',
      '## Method',
      '',
      `- One run, one machine, every contender serving HTTPS with the same self-signed P-256 certificate and key, keep-alive on:`,
      `  - ${GH_SHIPPED}: Gatehouse (audit + auth + identity + gateway, as \`npm start\` runs them, fresh databases and NATS subject prefix) in the configuration \`npm start\` ships: LOG_LEVEL's default (info: a line per request), LOG_FORMAT=pretty on the console, a JSON log file per service, metrics on, the audit trail on (bench:token's \`as-shipped\`).`,
      `  - ${GH}: a second such system in the bench configuration: LOG_LEVEL=warn (request logging off), the rest as shipped. Sections 2, 2b and 3 use it.`,
      `  - ${OP}, **the peer of record**: oidc-provider (tools/bench/src/oidc-provider-server.mjs) as a node:cluster of ${PEER_WORKERS} workers with the same configuration; the primary only makes the keys and forks. The workers share the provider's stored state (the opaque tokens of 2. and 2b.) in Redis (${REDIS_URL}, this run's keys under one prefix, deleted at the end) through a small adapter, as any deployment of more than one process must: the default in-memory adapter is per process, so an opaque token minted by one worker would be unknown to the other. Its JWT mints store nothing, so minting does not touch Redis. The bench requires Redis.`,
      `  - ${OP1}: oidc-provider in one Node.js process, its default in-memory adapter (the peer before the cluster, kept in section 1 for contrast).`,
      `  - ${CEILING}: bench:token's ceiling (tools/bench/src/baseline-token-server.ts) as a node:cluster of ${PEER_WORKERS} workers, the primary only making the key and forking: a server that does only what the bar measures (1d: check the secret, sign; 2c: check the secret, introspect), to read the targets against.`,
      `- Load: autocannon, ${CONNECTIONS} keep-alive HTTPS connections, pipelining 1, fixed duration. **The load generator shares the ${cpu.length} cores with the servers, NATS and PostgreSQL**; absolute figures are this machine's, the ratios are what carries meaning.`,
      `- Interleaved rounds, the order alternating (A B, B A, A B…): ${WARMUP} s warm-up of each contender, then ${ROUNDS} rounds of ${SECONDS} s each; each round's ratio is taken side by side, and the median of the paired ratios is reported with its range.`,
      `- Every run counts non-2xx answers and socket errors; a round with any (or whose by-hand check after the run failed) is flagged ⚠ in its row.`,
      `- CPU µs/request: user + system CPU time of all the contender's processes during the run (/proc), divided by its requests — for ${GH} and ${GH_SHIPPED} every process of that system (audit, auth, identity, gateway), the NATS server and every PostgreSQL process on the machine (a bench fails rather than leave one out); for ${OP} the primary, the ${PEER_WORKERS} workers and the Redis server; for ${OP1} its one process; for ${CEILING} the primary and its ${PEER_WORKERS} workers. It shows the cost apart from the parallelism.`,
      `- Tokens: both sides mint ES256 JWT access tokens (the bench decodes the header of each side's token before the load and aborts otherwise), lifetime 1800 s, no scope, client authentication by client id and secret in the body (Gatehouse: JSON, its API; oidc-provider: form, \`client_secret_post\`, as OAuth 2.0 specifies).`,
      '',
      '## 1. client_credentials token minting',
      '',
      `Gatehouse: POST /v1/auth/token (JSON) → gateway → NATS → auth signs. ${PEER}: POST /token (form), signs in-process (in whichever worker node:cluster gave the connection).`,
      '',
      `### 1a. As shipped against the clustered peer (the verdict)`,
      '',
      ...roundsTable(mintShipped),
      '',
      ...shippedVerdict.lines,
      '',
      `### 1b. Tuned against the clustered peer`,
      '',
      ...roundsTable(mint),
      '',
      ...tunedVerdict.lines,
      '',
      `### 1c. Tuned against one oidc-provider process`,
      '',
      ...roundsTable(mintSingle),
      '',
      `Figures only (the bars are set against the cluster): throughput ${fixed(singleRatio, 2)}x, p99 ratio ${fixed(singleP99, 2)}.`,
      '',
      `### 1d. The bar itself: a server that only mints, against the clustered peer`,
      '',
      `${CEILING}: bench:token's ceiling (tools/bench/src/baseline-token-server.ts) as a node:cluster of ${PEER_WORKERS} workers, as the peer runs: Fastify over HTTPS with the gateway's TLS policy, checking the client secret (SHA-256, constant time, in memory) and signing one ES256 JWT per request, and nothing else: no schema, no rate limit, no brute-force brake, no audit trail, no metrics, no logs, no second hop. ` +
        `Every design mints at least this much per token, so on this machine, under this load generator, none can beat it by much; the minting target asks ${GH_SHIPPED} for ${MINT_TARGET}x ${OP}. CPU counted over the primary and its workers.`,
      '',
      ...roundsTable(mintCeiling),
      '',
      `Figures only: ${CEILING} mints ${fixed(ceilingRatio, 2)}x ${OP}'s tokens per second at ${fixed(ceilingCpu, 2)}x its CPU per token; ${GH_SHIPPED} (1a) reaches ${fixed(median(mintShipped.ratios), 2)}x.`,
      '',
      produced,
      '',
      '## 2. Validating a token: authenticated read vs introspection',
      '',
      `${GH}: GET /v1/settings with the partner's bearer token (the gateway verifies the ES256 JWT — cached once verified — checks the revocation list, then asks auth over NATS, which answers from its cache of the project's settings). ` +
        `${OP}: POST /token/introspection with the client's credentials and the token (what a resource server calls to validate a token). ` +
        `oidc-provider refuses to introspect its JWT access tokens (400 unsupported_token_type, see 3.), so it introspects an opaque access token of the same client ` +
        `(its second resource server, stored in Redis, where every worker finds it); after every run the bench introspects it by hand and flags the round unless it is still \`active: true\`.`,
      '',
      ...roundsTable(reads),
      '',
      `No target is set for this pair: figures only.` + (readFlags.length ? ` ⚠ flagged rounds: ${readFlags.join(' | ')}.` : ''),
      '',
      produced,
      '',
      '## 2b. Introspection (RFC 7662) against introspection',
      '',
      `${GH}: POST /v1/auth/introspect (form, \`client_secret_post\`) of the partner's JWT: the gateway has auth check the client's secret over NATS (a secret auth accepted is taken for 60 s without asking again), then judges the token itself (its verifier, cached once verified, and the revocation list it holds). ` +
        `${OP}: POST /token/introspection (form, \`client_secret_post\`) of its opaque token, the only kind it introspects (as in 2.). Both answers are checked by hand after every run (\`active: true\`, else the round is flagged).`,
      '',
      ...roundsTable(introspections),
      '',
      `Target: ${GH} ≥ ${INTROSPECT_TARGET}x ${OP}'s throughput: **${introspectMet ? 'met' : 'NOT met'}** (throughput ${fixed(introspectRatio, 2)}x)` +
        (introspectFlags.length ? `; ⚠ flagged rounds, the verdict is not trustworthy: ${introspectFlags.join(' | ')}` : '') +
        '.',
      '',
      produced,
      '',
      '## 2c. The introspection bar itself: a server that only introspects, against the clustered peer',
      '',
      `${CEILING} (as in 1d, ${PEER_WORKERS} workers): POST /v1/auth/introspect (form, \`client_secret_post\`) of a token it minted: the secret checked (SHA-256, constant time), the token's claims from a map of the tokens it verified (ES256, once per token, as the gateway caches verified tokens), its exp, its project and a set of revoked jtis checked, the claims answered. ` +
        `Nothing else: no brute-force brake, no rate limit, no Nest, no metrics. Every design introspects at least this much per request; the target asks ${GH} for ${INTROSPECT_TARGET}x ${OP}.`,
      '',
      ...roundsTable(ceilingIntrospections),
      '',
      `Figures only: ${CEILING} answers ${fixed(median(ceilingIntrospections.ratios), 2)}x ${OP}'s introspections per second at ${fixed(median(pairedCpu(ceilingIntrospections)), 2)}x its CPU per request; ${GH} (2b) ${fixed(introspectRatio, 2)}x.` +
        (ceilingIntrospectFlags.length ? ` ⚠ flagged rounds: ${ceilingIntrospectFlags.join(' | ')}.` : ''),
      '',
      produced,
      '',
      '## 3. Revocation',
      '',
      `### Gatehouse: a revoked JWT at two gateway instances`,
      '',
      `Two gateway instances (A and B) of the same system. ${REVOCATIONS} times, one after the other: mint a partner token at A; GET /v1/settings answers 200 with it at A and at B; ` +
        `POST /v1/auth/revoke at A; then poll GET /v1/settings at A and B at once, each on its own keep-alive connection, back to back, until 401. ` +
        `Time: from the revoke's 200 (read by the client) to the first 401 read from that instance, so it includes at least one request round trip. Timeout ${REVOKE_TIMEOUT_MS} ms. ` +
        `Took ${revocation.value.seconds.toFixed(1)} s.`,
      '',
      ...revocationTable(revocation.value, ['A (took the revoke)', 'B (the other instance)']),
      '',
      missed.some((m) => m > 0) ? `⚠ Not refused within ${REVOKE_TIMEOUT_MS} ms: A ${missed[0]}, B ${missed[1]}.` : 'Every revoked token was refused at both instances.',
      '',
      `### ${PEER}: revoking a JWT access token (asked of ${OP})`,
      '',
      'Exactly what it answered, in order:',
      '',
      '| # | request | status | body |',
      '| --- | --- | --- | --- |',
      ...steps.map((s, i) => `| ${i + 1} | ${s.what} | ${s.status} | ${cell(s.body)} |`),
      '',
      `oidc-provider keeps no record of a JWT access token (it is not stored in the adapter), so its revocation and introspection endpoints refuse JWTs outright ` +
        `(\`unsupported_token_type\`): a JWT it issued stays valid for its whole lifetime wherever it is verified locally. Only opaque tokens can be revoked, ` +
        `and every resource server must then call introspection per request (section 2).`,
      '',
      produced,
      '',
      `## ${PEER} configuration`,
      '',
      `oidc-provider ${packageVersion('oidc-provider')} (ESM-only), tools/bench/src/oidc-provider-server.mjs: \`features.clientCredentials\`, \`introspection\`, \`revocation\` enabled ` +
        `(allowedPolicy: a client may introspect and revoke its own tokens); \`resourceIndicators\` with two resource servers — ${JWT_RESOURCE} ` +
        `(\`accessTokenFormat: 'jwt'\`, \`jwt.sign.alg: 'ES256'\`, the default resource) and ${OPAQUE_RESOURCE} (\`accessTokenFormat: 'opaque'\`); ` +
        `\`defaultResource\` returns the JWT resource (without a resource server a client_credentials token is opaque); ` +
        `\`jwks\` with one freshly generated EC P-256 key (alg ES256); \`clientDefaults.id_token_signed_response_alg: 'ES256'\` ` +
        `(required: the default RS256 has no key, and the client is refused with invalid_client_metadata); \`enabledJWA\` narrowed to ES256; one client (\`grant_types: ['client_credentials']\`, \`token_endpoint_auth_method: 'client_secret_post'\`, no redirect URIs); ` +
        `\`devInteractions\` off; \`cookies.keys\` set; \`ttl.ClientCredentials\` 1800 s; \`proxy\` false (it terminates TLS itself); NODE_ENV=production; ` +
        `${OP}: CLUSTER_WORKERS=${PEER_WORKERS} (node:cluster, round-robin hand-off of connections; the primary makes the signing and cookie keys once and forks; a worker that dies stops the cluster) and ADAPTER=redis (ioredis ${packageVersion('ioredis')}, one connection per worker, oidc-provider's adapter interface over Redis after the library's example); ` +
        `${OP1}: one process, the library's default in-memory adapter; ` +
        `node:https.createServer(provider.callback()) with keepAliveTimeout 72 s. It logs nothing per request.`,
      ...(notices.length ? ['', 'What it printed at startup:', '', ...notices.map((n) => `    ${n}`)] : []),
      ...(evidence.length ? ['', 'Service output during the run (warn and above; normally nothing):', '', ...evidence.map((e) => `    ${e}`)] : []),
      '',
    ].join('\n');

    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, report);
    process.stdout.write(report);
    log(`written to ${OUT}`);
    if (mintFlags.length || readFlags.length || introspectFlags.length || ceilingIntrospectFlags.length || missed.some((m) => m > 0)) process.exitCode = 1;
  } catch (err) {
    logRecentOutput([...system.procs, ...shipped.procs, ...peers]);
    throw err;
  } finally {
    await cleanup();
  }
}

runBench('bench:compare', main);
