/**
 * npm run bench:token — client_credentials minting through the gateway (HTTPS →
 * NATS → auth) against the ceiling: one Fastify HTTPS process that checks the
 * secret and signs an ES256 JWT itself. 50 keep-alive connections, interleaved
 * rounds after a warm-up; prints each round and the median of the paired ratios.
 * Then the cost of logging: a second Gatehouse logging as `npm start` does (LOG_LEVEL's
 * default, info: a line per request; LOG_FORMAT=pretty; a JSON log file per service)
 * against the first one (LOG_LEVEL=warn), in interleaved rounds as well.
 *
 * BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50).
 */
import { join } from 'node:path';
import { freePort, repoRoot, spawnService, waitForHealthy } from '@gatehouse/supervisor';
import { BenchSystem, machine, runBench } from './bench-system';
import { formatReport, interleave, load, median } from './load';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TARGET = 0.9;
/** The default logging may cost at most 10% of the throughput of LOG_LEVEL=warn. */
const LOG_TARGET = 0.9;

async function main(): Promise<void> {
  const system = new BenchSystem();
  const logging = new BenchSystem();
  let baseline: ReturnType<typeof spawnService> | undefined;
  try {
    await system.start();
    await logging.start({ logs: 'start' });
    const cred = await system.partner();
    const body = JSON.stringify({ grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret });
    const loggingCred = await logging.partner();
    const loggingBody = JSON.stringify({ grant_type: 'client_credentials', client_id: loggingCred.client_id, client_secret: loggingCred.client_secret });

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

    const post = (url: string, payload = body) => (seconds: number) =>
      load({ url, method: 'POST', headers: { 'content-type': 'application/json', 'x-monite-version': '2024-05-25' }, body: payload, connections: CONNECTIONS, seconds });
    const report = await interleave(
      { name: 'gatehouse', run: post(`${system.gatewayUrl}/v1/auth/token`) },
      { name: 'fastify-ceiling', run: post(`https://localhost:${baselinePort}/v1/auth/token`) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    const ratio = median(report.ratios);

    const linesBefore = logging.logLines('gateway');
    const logReport = await interleave(
      { name: 'npm-start-logging', run: post(`${logging.gatewayUrl}/v1/auth/token`, loggingBody) },
      { name: 'warn-level', run: post(`${system.gatewayUrl}/v1/auth/token`) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    const logRatio = median(logReport.ratios);
    // Proof that the logging contender did log: its gateway's file grew by about a line per request.
    const served = logReport.rows.filter((r) => r.name === 'npm-start-logging').reduce((n, r) => n + r.result.rps * SECONDS, 0);
    const written = logging.logLines('gateway') - linesBefore;

    process.stdout.write(
      [
        `## bench:token — client_credentials minting, ${CONNECTIONS} keep-alive HTTPS connections`,
        '',
        `Machine: ${machine()}; the load generator (autocannon) shares the cores with the servers and NATS.`,
        `Rounds: ${ROUNDS} interleaved, ${WARMUP} s warm-up each, ${SECONDS} s per run.`,
        '',
        formatReport('gatehouse (gateway → NATS → auth) vs single-process Fastify signing ES256 (request logging off in both)', report, 'gatehouse', 'fastify-ceiling'),
        '',
        `target ≥ ${TARGET} of the ceiling: ${ratio >= TARGET ? 'met' : 'NOT met'}`,
        '',
        formatReport(
          'the cost of logging: Gatehouse as `npm start` logs (LOG_LEVEL=info, LOG_FORMAT=pretty, JSON log files) vs LOG_LEVEL=warn',
          logReport,
          'npm-start-logging',
          'warn-level',
        ),
        '',
        `The logging gateway's file grew by ${written.toLocaleString('en-US')} lines (about ${Math.round(served).toLocaleString('en-US')} requests in the measured runs, plus the warm-up).`,
        `target ≥ ${LOG_TARGET} of the warn-level throughput: ${logRatio >= LOG_TARGET ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
  } finally {
    await baseline?.stop();
    await logging.stop();
    await system.stop();
  }
}

runBench('bench:token', main);
