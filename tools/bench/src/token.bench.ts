/**
 * npm run bench:token — client_credentials minting through the gateway (HTTPS →
 * NATS → auth) against the ceiling: one Fastify HTTPS process that checks the
 * secret and signs an ES256 JWT itself. 50 keep-alive connections, interleaved
 * rounds after a warm-up; prints each round and the median of the paired ratios.
 *
 * Then the cost of each configuration variant (the logging `npm start` does,
 * tracing on, …): the same minting on a second system started with the
 * variant's settings, interleaved with the bench's own system (LOG_LEVEL=warn,
 * tracing off), median ratio and the cost in per cent against the variant's bar.
 *
 * BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50),
 * BENCH_VARIANTS (every variant by name, comma-separated; empty: none).
 */
import { join } from 'node:path';
import { freePort, repoRoot, spawnService, waitForHealthy } from '@gatehouse/supervisor';
import { BenchSystem, machine, runBench } from './bench-system';
import { negotiatedTls } from './tls-info';
import { cpuSeconds } from './process-cpu';
import { formatReport, interleave, load, LoadResult, median, verdict } from './load';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TARGET = 0.9;

/**
 * The bench configuration every variant is measured against: the token path with
 * nothing optional on (LOG_LEVEL=warn is BenchSystem's; no metrics, no audit trail,
 * no tracing). Each variant turns one thing on over it, except `as-shipped`.
 */
const BENCH_ENV: Record<string, string> = { METRICS_ENABLED: 'false', AUTH_AUDIT: 'false', GATEWAY_AUDIT: 'false' };

/** A configuration whose cost on the token path is measured against the bench configuration, and its bar. */
interface Variant {
  name: string;
  what: string;
  /** Highest cost allowed (fraction of the bench configuration's throughput); none: reported only. */
  maxCost?: number;
  /** The variant's system (its environment for every service, its logging) and what to stop after it. */
  setUp(): Promise<{ start: { env?: Record<string, string>; logs?: 'start' }; stop(): Promise<unknown>; note(run: VariantRun): string }>;
}

/** What a variant's note may tell: the requests its system served and the lines its gateway logged meanwhile. */
interface VariantRun {
  served: number;
  gatewayLogLines: number;
}

/** A system logging as `npm start` does, over `env`; its note proves it logged (the gateway's file grew by about a line per request). */
function loggingAsStart(env?: Record<string, string>): Awaited<ReturnType<Variant['setUp']>> {
  return {
    start: { logs: 'start', env },
    stop: async () => undefined,
    note: ({ served, gatewayLogLines }) => `its gateway's log file grew by ${gatewayLogLines} lines for ${served.toFixed(0)} requests served`,
  };
}

/**
 * The bench configuration itself on a second system: what the comparison reads
 * when nothing differs. Its "cost" is this machine's noise floor (and any lean
 * of the pairing towards the first or second system), to read every other
 * variant's figure against.
 */
const control: Variant = {
  name: 'control',
  what: 'nothing turned on: the bench configuration on a second system (the noise floor of these comparisons)',
  async setUp() {
    return { start: { env: BENCH_ENV }, stop: async () => undefined, note: () => 'a system configured as the bench one' };
  },
};

/** The logging `npm start` does (LOG_LEVEL's default, info: a line per request; LOG_FORMAT=pretty; a JSON file per service). */
const npmStartLogging: Variant = {
  name: 'npm-start-logging',
  what: "logging as `npm start` does it (LOG_LEVEL info: a line per request; LOG_FORMAT=pretty; every service's JSON log file)",
  maxCost: 0.1,
  setUp: async () => loggingAsStart(BENCH_ENV),
};

/** Tracing on, its spans to a collector stand-in in a process of its own (OTLP/HTTP protobuf, dropped). */
function tracingVariant(name: string, what: string, maxCost: number | undefined, env: Record<string, string> = {}): Variant {
  return {
    name,
    what,
    maxCost,
    async setUp() {
      const port = await freePort();
      const sink = spawnService({ name: 'otlp-sink', script: join(repoRoot(), 'dist/tools/bench/src/otlp-sink-server.js'), env: { PORT: String(port) } });
      return {
        start: { env: { ...BENCH_ENV, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, ...env } },
        stop: () => sink.stop(),
        note: () => `the collector stand-in received: ${sink.recentOutput().trim() || 'nothing reported'}`,
      };
    },
  };
}

/** Prometheus metrics on (METRICS_ENABLED=true): recorded on every path, nobody scraping. */
const metricsOn: Variant = {
  name: 'metrics',
  what: 'Prometheus metrics on (METRICS_ENABLED=true, the default), not scraped',
  maxCost: 0.03,
  async setUp() {
    return { start: { env: { ...BENCH_ENV, METRICS_ENABLED: 'true' } }, stop: async () => undefined, note: () => 'recorded, not scraped' };
  },
};

/** The audit trail on (AUTH_AUDIT and GATEWAY_AUDIT true): one token.issued entry per mint, into the audit service's stream and database. */
const auditOn: Variant = {
  name: 'audit',
  what: 'the audit trail on (AUTH_AUDIT=true, GATEWAY_AUDIT=true, the default): a token.issued entry per mint, stored by the audit service',
  maxCost: 0.1,
  async setUp() {
    return {
      start: { env: { ...BENCH_ENV, AUTH_AUDIT: 'true', GATEWAY_AUDIT: 'true' } },
      stop: async () => undefined,
      note: () => 'entries published in batches, stored by the audit service running beside it',
    };
  },
};

/** Everything as `npm start` ships it: its logging, metrics on, the audit trail on, tracing off. */
const asShipped: Variant = {
  name: 'as-shipped',
  what: 'the default configuration, as `npm start` runs it (logging at info, pretty console and JSON files; metrics on; audit trail on; tracing off)',
  setUp: async () => loggingAsStart(),
};

/** Batching off (GATEWAY_TOKEN_BATCHING=false): a message to auth per token, as before auth.v1.token.issue_batch. A negative cost is batching's gain. */
const noBatching: Variant = {
  name: 'no-token-batching',
  what: 'token batching off (GATEWAY_TOKEN_BATCHING=false): one NATS message per token to auth instead of one per event-loop turn',
  async setUp() {
    return { start: { env: { ...BENCH_ENV, GATEWAY_TOKEN_BATCHING: 'false' } }, stop: async () => undefined, note: () => 'its gateway sent auth.v1.token.issue per token' };
  },
};

const VARIANTS: Variant[] = [
  control,
  npmStartLogging,
  metricsOn,
  auditOn,
  tracingVariant('tracing', 'tracing on, every request sampled (OTEL_TRACES_SAMPLER=parentbased_always_on, the default)', 0.15),
  tracingVariant('tracing-10pct', 'tracing on, 1 trace in 10 sampled (OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG 0.1)', 0.15, {
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
  }),
  asShipped,
  noBatching,
];

function selectedVariants(): Variant[] {
  const given = process.env.BENCH_VARIANTS;
  if (given === undefined) return VARIANTS;
  const names = given.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !VARIANTS.some((v) => v.name === n));
  if (unknown.length) throw new Error(`BENCH_VARIANTS: unknown ${unknown.join(', ')} (known: ${VARIANTS.map((v) => v.name).join(', ')})`);
  return VARIANTS.filter((v) => names.includes(v.name));
}

type Post = (url: string, body: string) => (seconds: number) => Promise<LoadResult>;

/** A run that also records the CPU the system's service processes spent per response (/proc). */
function metered(system: BenchSystem, run: (seconds: number) => Promise<LoadResult>, cpuPerRequest: number[]) {
  return async (seconds: number): Promise<LoadResult> => {
    const pids = system.procs.map((p) => p.pid);
    const before = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const result = await run(seconds);
    const used = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - before;
    cpuPerRequest.push((used * 1e6) / Math.max(1, result.completed));
    return result;
  };
}

/** The default system against one variant's, interleaved: the variant's cost on the token path. */
async function measureVariant(variant: Variant, defaults: { url: string; body: string; system: BenchSystem }, post: Post): Promise<string> {
  const setup = await variant.setUp();
  const other = new BenchSystem();
  try {
    await other.start(setup.start);
    const cred = await other.partner();
    const body = JSON.stringify({ grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret });
    const linesBefore = other.logLines('gateway');
    const cpu = { variant: [] as number[], bench: [] as number[] };
    const report = await interleave(
      { name: variant.name, run: metered(other, post(`${other.gatewayUrl}/v1/auth/token`, body), cpu.variant) },
      { name: 'bench', run: metered(defaults.system, post(defaults.url, defaults.body), cpu.bench) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    // The first of each is the warm-up's.
    const cpuRatios = cpu.variant.slice(1).map((v, i) => v / cpu.bench[i + 1]);
    const ratio = median(report.ratios);
    const cost = 1 - ratio;
    const served = report.rows.filter((r) => r.name === variant.name).reduce((n, r) => n + r.result.completed, 0);
    const gatewayLogLines = other.logLines('gateway') - linesBefore;
    await setup.stop();
    return [
      formatReport(`${variant.name}: ${variant.what}`, report, variant.name, 'bench'),
      '',
      `${variant.name} costs **${(cost * 100).toFixed(1)}%** of the bench configuration's tokens/s` +
        (variant.maxCost === undefined
          ? ` (no bar: reported); ${setup.note({ served, gatewayLogLines })}.`
          : ` (bar: at most ${(variant.maxCost * 100).toFixed(0)}%): ${verdict(report, cost <= variant.maxCost)}; ${setup.note({ served, gatewayLogLines })}.`),
      `CPU of each system's processes per token (less sensitive to other load than throughput): ${variant.name} ${median(cpu.variant.slice(1)).toFixed(0)} µs, ` +
        `bench ${median(cpu.bench.slice(1)).toFixed(0)} µs: median ratio **${median(cpuRatios).toFixed(2)}** (per round ${cpuRatios.map((r) => r.toFixed(2)).join(', ')}).`,
    ].join('\n');
  } finally {
    await other.stop();
    await setup.stop();
  }
}

async function main(): Promise<void> {
  const variants = selectedVariants();
  const system = new BenchSystem();
  let baseline: ReturnType<typeof spawnService> | undefined;
  try {
    // The bench configuration: LOG_LEVEL=warn (BenchSystem), metrics, audit and tracing off; each variant turns one thing on.
    await system.start({ env: BENCH_ENV });
    const cred = await system.partner();
    const body = JSON.stringify({ grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret });

    const baselinePort = await freePort();
    baseline = spawnService({
      name: 'baseline',
      script: join(repoRoot(), 'dist/tools/bench/src/baseline-token-server.js'),
      env: {
        PORT: String(baselinePort),
        TLS_CERT_FILE: system.tls.cert,
        TLS_KEY_FILE: system.tls.key,
        CLIENT_ID: cred.client_id,
        CLIENT_SECRET: cred.client_secret,
      },
    });
    await waitForHealthy(`https://localhost:${baselinePort}/health/ready`, { timeoutMs: 15_000, process: baseline });
    const tls = `TLS negotiated by the load generator: gatehouse ${await negotiatedTls(system.gatewayUrl)}, fastify-ceiling ${await negotiatedTls(`https://localhost:${baselinePort}`)} (both the gateway's TLS policy).`;

    const postBody: Post = (url, json) => (seconds) =>
      load({ url, method: 'POST', headers: { 'content-type': 'application/json', 'x-monite-version': '2024-05-25' }, body: json, connections: CONNECTIONS, seconds });
    const post = (url: string) => postBody(url, body);
    const report = await interleave(
      { name: 'gatehouse', run: post(`${system.gatewayUrl}/v1/auth/token`) },
      { name: 'fastify-ceiling', run: post(`https://localhost:${baselinePort}/v1/auth/token`) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    const ratio = median(report.ratios);
    const variantReports: string[] = [];
    for (const variant of variants) {
      process.stderr.write(`variant ${variant.name}: starting a second system…\n`);
      variantReports.push(await measureVariant(variant, { url: `${system.gatewayUrl}/v1/auth/token`, body, system }, postBody), '');
    }
    process.stdout.write(
      [
        `## bench:token — client_credentials minting, ${CONNECTIONS} keep-alive HTTPS connections`,
        '',
        `Machine: ${machine()}; the load generator (autocannon) shares the cores with the servers and NATS.`,
        tls,
        `Rounds: ${ROUNDS} interleaved, ${WARMUP} s warm-up each, ${SECONDS} s per run. Gatehouse in the bench configuration (LOG_LEVEL=warn; metrics, audit trail, tracing off); the ceiling logs nothing.`,
        '',
        formatReport('gatehouse (gateway → NATS → auth) vs single-process Fastify signing ES256', report, 'gatehouse', 'fastify-ceiling'),
        '',
        `target ≥ ${TARGET} of the ceiling: ${verdict(report, ratio >= TARGET)}`,
        '',
        ...(variantReports.length
          ? ['## The cost of configurations (each on a system of its own, interleaved with the bench configuration above: LOG_LEVEL=warn; metrics, audit trail and tracing off)', '', ...variantReports]
          : []),
      ].join('\n'),
    );
  } finally {
    await baseline?.stop();
    await system.stop();
  }
}

runBench('bench:token', main);
