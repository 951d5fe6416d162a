/**
 * npm run bench:compare — Gatehouse against node-oidc-provider (npm `oidc-provider`,
 * what a Node user would pick instead), in one run, on this machine, behind the same
 * TLS certificate, with the same client (autocannon, keep-alive HTTPS connections,
 * interleaved rounds after a warm-up, medians of paired ratios):
 *
 *  1. client_credentials minting: POST /v1/auth/token through the gateway (JSON, as
 *     bench:token) vs oidc-provider's POST /token (form, client_secret_post), ES256
 *     JWT access tokens on both sides (checked before the load: the bench aborts
 *     when oidc-provider's token is not an ES256 JWT).
 *  2. What a resource server calls to validate a token: Gatehouse's authenticated
 *     read GET /v1/settings (partner bearer token; the gateway verifies the JWT,
 *     checks the revocation list, asks auth over NATS) vs oidc-provider's
 *     POST /token/introspection with the client's credentials. oidc-provider refuses
 *     to introspect JWT access tokens (400 unsupported_token_type), so it introspects
 *     an opaque token of the same client (its second resource server).
 *  2b. Introspection against introspection (RFC 7662): Gatehouse's POST /v1/auth/introspect
 *     of its partner JWT vs oidc-provider's POST /token/introspection of its opaque token
 *     (the only kind it introspects); both forms with client_secret_post. Target 3x.
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
 * BENCH_REVOCATIONS (1000), BENCH_REVOKE_TIMEOUT_MS (5000).
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, JsonWebKey } from 'node:crypto';
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
} as const;
type Knob = keyof typeof DEFAULTS;
const knob = (name: Knob): number => Number(process.env[name] ?? DEFAULTS[name]);

const ROUNDS = knob('BENCH_ROUNDS');
const SECONDS = knob('BENCH_SECONDS');
const WARMUP = knob('BENCH_WARMUP_SECONDS');
const CONNECTIONS = knob('BENCH_CONNECTIONS');
const REVOCATIONS = knob('BENCH_REVOCATIONS');
const REVOKE_TIMEOUT_MS = knob('BENCH_REVOKE_TIMEOUT_MS');
const OUT = process.env.BENCH_COMPARE_OUT ?? join(repoRoot(), 'docs/BENCHMARKS.md');

/** Minting: Gatehouse ≥ 2x oidc-provider's throughput, with a p99 no worse. */
const MINT_TARGET = 2;
/** Introspection: the gateway answers from what it verified and the revocation list it holds (issue 14). */
const INTROSPECT_TARGET = 3;
const GH = 'gatehouse';
const OP = 'oidc-provider';
const JWT_RESOURCE = 'https://api.gatehouse.bench/jwt';
const OPAQUE_RESOURCE = 'https://api.gatehouse.bench/opaque';
const FORM = 'application/x-www-form-urlencoded';

/** Node's own deprecation warnings and oidc-provider's startup notices: not the service misbehaving. */
const NODE_NOISE = /--trace-warnings|DeprecationWarning|^oidc-provider (WARNING|NOTICE)|^oidc-provider listening/;

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

function pairedP99(report: RoundsReport<Run>): number[] {
  const out: number[] = [];
  for (let round = 1; ; round++) {
    const a = report.rows.find((r) => r.round === round && r.name === GH);
    const b = report.rows.find((r) => r.round === round && r.name === OP);
    if (!a || !b) return out;
    out.push(a.result.p99 / b.result.p99);
  }
}

function pairedCpu(report: RoundsReport<Run>): number[] {
  const out: number[] = [];
  for (let round = 1; ; round++) {
    const a = report.rows.find((r) => r.round === round && r.name === GH)?.result.cpuUsPerRequest;
    const b = report.rows.find((r) => r.round === round && r.name === OP)?.result.cpuUsPerRequest;
    if (a === undefined || b === undefined) return out;
    out.push(a / b);
  }
}

const range = (values: number[]) =>
  `median **${fixed(median(values), 2)}** (range ${fixed(Math.min(...values), 2)}–${fixed(Math.max(...values), 2)}; per round ${values.map((v) => fixed(v, 2)).join(', ')})`;

function roundsTable(report: RoundsReport<Run>): string[] {
  return [
    '| round | contender | req/s | p50 ms | p99 ms | CPU µs/request | non-2xx | errors | status codes | flag |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map(
      ({ round, name, result: r }) =>
        `| ${round} | ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.cpuUsPerRequest === undefined || Number.isNaN(r.cpuUsPerRequest) ? '—' : r.cpuUsPerRequest.toFixed(0)} | ${r.non2xx} | ${r.errors} | ${r.statuses || '—'} | ${flagOf(r)} |`,
    ),
    '',
    `Throughput ratio ${GH} / ${OP} (req/s): ${range(report.ratios)}.`,
    `p99 ratio ${GH} / ${OP} (below 1: Gatehouse's p99 is lower): ${range(pairedP99(report))}.`,
    `CPU per request ratio ${GH} / ${OP} (below 1: Gatehouse spends less CPU, summed over all its processes; ${OP} runs one process, so it can use one core where Gatehouse's processes share ${cpus().length}): ${range(pairedCpu(report))}.`,
  ];
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
  const clients: HttpClient[] = [];
  let oidc: ServiceProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      foreign.stop();
      for (const c of clients) await c.close().catch(() => undefined);
      await oidc?.stop().catch(() => undefined);
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
  const client = (url: string, connections = 2) => {
    const c = new HttpClient(url, { caFile: system.tls.cert, connections });
    clients.push(c);
    return c;
  };

  try {
    log('starting auth, identity and gateway (LOG_LEVEL=warn)…');
    await system.start();
    const partner = await system.partner();
    // Only these two: the token and revoke requests refuse any other field.
    const cred = { client_id: partner.client_id, client_secret: partner.client_secret };
    const gwA = client(system.gatewayUrl);

    // oidc-provider: its own process, plain ESM from the source tree, the gateway's certificate.
    const opPort = await freePort();
    oidc = spawnService({
      name: OP,
      script: join(repoRoot(), 'tools/bench/src/oidc-provider-server.mjs'),
      env: {
        NODE_ENV: 'production',
        DEBUG: '',
        PORT: String(opPort),
        TLS_CERT_FILE: system.tls.cert,
        TLS_KEY_FILE: system.tls.key,
        ...tlsPolicyEnv(),
        CLIENT_ID: cred.client_id,
        CLIENT_SECRET: cred.client_secret,
        JWT_RESOURCE,
        OPAQUE_RESOURCE,
        TOKEN_TTL: '1800',
      },
    });
    const opUrl = `https://localhost:${opPort}`;
    await waitForHealthy(`${opUrl}/.well-known/openid-configuration`, { timeoutMs: 30_000, process: oidc });
    const tlsLine = `TLS negotiated by a default Node client (the load generator's): ${GH} ${await negotiatedTls(system.gatewayUrl)}; ${OP} ${await negotiatedTls(opUrl)} (both given the gateway's TLS policy).`;
    log(tlsLine);
    const op = client(opUrl);
    log(`gateway ${system.gatewayUrl}, ${OP} ${opUrl}`);

    // Both mint ES256 JWTs, or there is nothing to compare.
    const ghToken = requireEs256(GH, await postJson(gwA, '/v1/auth/token', { grant_type: 'client_credentials', ...cred }));
    const opToken = requireEs256(OP, await postForm(op, '/token', { grant_type: 'client_credentials', ...cred }));
    log(`${GH} token header ${JSON.stringify(jwtHeader(ghToken))}; ${OP} token header ${JSON.stringify(jwtHeader(opToken))}`);

    // Whose CPU counts: every process of each contender (Gatehouse's NATS server and PostgreSQL included).
    const natsPort = Number(new URL(process.env.NATS_URL ?? 'nats://127.0.0.1:4222').port || 4222);
    const natsPid = listenerPid(natsPort);
    if (!natsPid) throw new Error(`the NATS server listening on port ${natsPort} was not found (ss -ltnp): its CPU would go uncounted; run as a user that may see it`);
    const postgres = pidsNamed('postgres');
    if (!postgres.length) throw new Error('no PostgreSQL process found (/proc comm "postgres"): its CPU would go uncounted');
    const ghPids = () => [...system.procs.map((p) => p.pid), natsPid, ...pidsNamed('postgres')];
    const opPids = () => (oidc ? [oidc.pid] : []);

    // 1. Minting.
    const loads = [`start ${load1()}`];
    const ghMintBody = JSON.stringify({ grant_type: 'client_credentials', ...cred });
    const opMintBody = new URLSearchParams({ grant_type: 'client_credentials', ...cred }).toString();
    const mintRun =
      (url: string, headers: Record<string, string>, body: string) =>
      (seconds: number): Promise<Run> =>
        load({ url, method: 'POST', headers, body, connections: CONNECTIONS, seconds });
    log(`1. minting: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each, ${CONNECTIONS} connections…`);
    loads.push(`minting ${load1()}`);
    const mint = await interleave<Run>(
      { name: GH, run: watched('minting', GH, metered(ghPids, mintRun(`${system.gatewayUrl}/v1/auth/token`, { 'content-type': 'application/json', 'x-monite-version': API_VERSION }, ghMintBody))) },
      { name: OP, run: watched('minting', OP, metered(opPids, mintRun(`${opUrl}/token`, { 'content-type': FORM }, opMintBody))) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );

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
    const opIntrospectRun = async (seconds: number): Promise<Run> => {
      const r: Run = await load({
        url: `${opUrl}/token/introspection`,
        method: 'POST',
        headers: { 'content-type': FORM },
        body: new URLSearchParams(introspectionFields).toString(),
        connections: CONNECTIONS,
        seconds,
      });
      // A 200 {"active":false} (e.g. the token evicted from the in-memory store) would count as a success: check by hand.
      const after = await introspect();
      if (after.status !== 200 || after.json?.active !== true) r.check = `after the run the introspection answered ${after.status} ${after.text.slice(0, 200)}`;
      return r;
    };
    log(`2. GET /v1/settings vs POST /token/introspection: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each…`);
    loads.push(`reads ${load1()}`);
    const reads = await interleave<Run>(
      { name: GH, run: watched('reads', GH, metered(ghPids, ghReadRun)) },
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
    const ghIntrospectRun = async (seconds: number): Promise<Run> => {
      const r: Run = await load({ url: `${system.gatewayUrl}/v1/auth/introspect`, method: 'POST', headers: { 'content-type': FORM }, body: ghIntrospectBody, connections: CONNECTIONS, seconds });
      const after = await ghIntrospect();
      if (after.status !== 200 || after.json?.active !== true) r.check = `after the run the introspection answered ${after.status} ${after.text.slice(0, 200)}`;
      return r;
    };
    log(`2b. POST /v1/auth/introspect vs POST /token/introspection: ${ROUNDS} rounds, ${WARMUP} s warm-up, ${SECONDS} s each…`);
    loads.push(`introspection ${load1()}`);
    const introspections = await interleave<Run>(
      { name: GH, run: watched('introspection', GH, metered(ghPids, ghIntrospectRun)) },
      { name: OP, run: watched('introspection', OP, metered(opPids, opIntrospectRun)) },
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
    const mintRatio = median(mint.ratios);
    const mintP99 = median(pairedP99(mint));
    const mintMet = mintRatio >= MINT_TARGET && mintP99 <= 1;
    const mintFlags = flaggedRounds(mint);
    const readFlags = flaggedRounds(reads);
    const introspectRatio = median(introspections.ratios);
    const introspectFlags = flaggedRounds(introspections);
    const introspectMet = introspectRatio >= INTROSPECT_TARGET;
    const missed = revocation.value.perInstance.map((rs) => rs.filter((r) => !Number.isFinite(r.ms)).length);

    const evidence: string[] = [];
    for (const p of [...system.procs, oidc]) {
      const out = p
        .recentOutput()
        .split('\n')
        .filter((l) => l.trim() && !NODE_NOISE.test(l))
        .slice(-10);
      if (out.length) evidence.push(`${p.name} logged (last lines):`, ...out.map((l) => `  ${l.slice(0, 400)}`));
    }
    const notices = oidc
      .recentOutput()
      .split('\n')
      .filter((l) => /^oidc-provider (WARNING|NOTICE)/.test(l));

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
      `- One run, one machine: Gatehouse (auth + identity + gateway, as \`npm start\` runs them, fresh databases and NATS subject prefix, LOG_LEVEL=warn: request logging off) and oidc-provider in its own Node.js process (tools/bench/src/oidc-provider-server.mjs), both serving HTTPS with the same self-signed P-256 certificate and key, keep-alive on.`,
      `- Load: autocannon, ${CONNECTIONS} keep-alive HTTPS connections, pipelining 1, fixed duration. **The load generator shares the ${cpu.length} cores with the servers, NATS and PostgreSQL**; absolute figures are this machine's, the ratios are what carries meaning.`,
      `- Interleaved rounds, the order alternating (A B, B A, A B…): ${WARMUP} s warm-up of each contender, then ${ROUNDS} rounds of ${SECONDS} s each; each round's ratio is taken side by side, and the median of the paired ratios is reported with its range.`,
      `- Every run counts non-2xx answers and socket errors; a round with any (or whose by-hand check after the run failed) is flagged ⚠ in its row.`,
      `- CPU µs/request: user + system CPU time of all the contender's processes during the run (/proc), divided by its requests — for ${GH} the gateway, auth, identity, the NATS server and every PostgreSQL process on the machine (a bench fails rather than leave one out); for ${OP} its one process. It shows the cost apart from the parallelism: ${OP} is one event loop, ${GH}'s processes can use every core.`,
      `- Tokens: both sides mint ES256 JWT access tokens (the bench decodes the header of each side's token before the load and aborts otherwise), lifetime 1800 s, no scope, client authentication by client id and secret in the body (Gatehouse: JSON, its API; oidc-provider: form, \`client_secret_post\`, as OAuth 2.0 specifies).`,
      '',
      '## 1. client_credentials token minting',
      '',
      `${GH}: POST /v1/auth/token (JSON) → gateway → NATS → auth signs. ${OP}: POST /token (form), signs in-process.`,
      '',
      ...roundsTable(mint),
      '',
      `Target: ${GH} ≥ ${MINT_TARGET}x ${OP}'s throughput with a p99 no worse (median paired p99 ratio ≤ 1): **${mintMet ? 'met' : 'NOT met'}** ` +
        `(throughput ${fixed(mintRatio, 2)}x, p99 ratio ${fixed(mintP99, 2)})` +
        (mintFlags.length ? `; ⚠ flagged rounds, the verdict is not trustworthy: ${mintFlags.join(' | ')}` : '') +
        '.',
      '',
      produced,
      '',
      '## 2. Validating a token: authenticated read vs introspection',
      '',
      `${GH}: GET /v1/settings with the partner's bearer token (the gateway verifies the ES256 JWT — cached once verified — checks the revocation list, then asks auth over NATS, which answers from its cache of the project's settings). ` +
        `${OP}: POST /token/introspection with the client's credentials and the token (what a resource server calls to validate a token). ` +
        `oidc-provider refuses to introspect its JWT access tokens (400 unsupported_token_type, see 3.), so it introspects an opaque access token of the same client ` +
        `(its second resource server, stored in its in-memory adapter); after every run the bench introspects it by hand and flags the round unless it is still \`active: true\`.`,
      '',
      ...roundsTable(reads),
      '',
      `No target is set for this pair: figures only.` + (readFlags.length ? ` ⚠ flagged rounds: ${readFlags.join(' | ')}.` : ''),
      '',
      produced,
      '',
      '## 2b. Introspection (RFC 7662) against introspection',
      '',
      `${GH}: POST /v1/auth/introspect (form, \`client_secret_post\`) of the partner's JWT: the gateway has auth check the client's secret over NATS, then judges the token itself (its verifier, cached once verified, and the revocation list it holds). ` +
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
      `### ${OP}: revoking a JWT access token`,
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
      `## ${OP} configuration`,
      '',
      `oidc-provider ${packageVersion('oidc-provider')} (ESM-only), tools/bench/src/oidc-provider-server.mjs: \`features.clientCredentials\`, \`introspection\`, \`revocation\` enabled ` +
        `(allowedPolicy: a client may introspect and revoke its own tokens); \`resourceIndicators\` with two resource servers — ${JWT_RESOURCE} ` +
        `(\`accessTokenFormat: 'jwt'\`, \`jwt.sign.alg: 'ES256'\`, the default resource) and ${OPAQUE_RESOURCE} (\`accessTokenFormat: 'opaque'\`); ` +
        `\`defaultResource\` returns the JWT resource (without a resource server a client_credentials token is opaque); ` +
        `\`jwks\` with one freshly generated EC P-256 key (alg ES256); \`clientDefaults.id_token_signed_response_alg: 'ES256'\` ` +
        `(required: the default RS256 has no key, and the client is refused with invalid_client_metadata); \`enabledJWA\` narrowed to ES256; one client (\`grant_types: ['client_credentials']\`, \`token_endpoint_auth_method: 'client_secret_post'\`, no redirect URIs); ` +
        `\`devInteractions\` off; \`cookies.keys\` set; \`ttl.ClientCredentials\` 1800 s; \`proxy\` false (it terminates TLS itself); NODE_ENV=production; the library's default in-memory adapter; ` +
        `node:https.createServer(provider.callback()) with keepAliveTimeout 72 s. It logs nothing per request.`,
      ...(notices.length ? ['', 'What it printed at startup:', '', ...notices.map((n) => `    ${n}`)] : []),
      ...(evidence.length ? ['', 'Service output during the run (warn and above; normally nothing):', '', ...evidence.map((e) => `    ${e}`)] : []),
      '',
    ].join('\n');

    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, report);
    process.stdout.write(report);
    log(`written to ${OUT}`);
    if (mintFlags.length || readFlags.length || introspectFlags.length || missed.some((m) => m > 0)) process.exitCode = 1;
  } catch (err) {
    logRecentOutput([...system.procs, ...(oidc ? [oidc] : [])]);
    throw err;
  } finally {
    await cleanup();
  }
}

runBench('bench:compare', main);
