/**
 * npm run bench:token — client_credentials minting through the gateway (HTTPS →
 * NATS → auth) against the ceiling: one Fastify HTTPS process that checks the
 * secret and signs an ES256 JWT itself. 50 keep-alive connections, interleaved
 * rounds after a warm-up; prints each round and the median of the paired ratios.
 *
 * BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50).
 * Then the audit trail's A/B (audit-ab.ts) on the same system; BENCH_AUDIT_AB=0 skips it.
 */
import { join } from 'node:path';
import { freePort, repoRoot, spawnService, waitForHealthy } from '@gatehouse/supervisor';
import { auditAB } from './audit-ab';
import { BenchSystem, machine, runBench } from './bench-system';
import { formatReport, interleave, load, median } from './load';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TARGET = 0.9;

async function main(): Promise<void> {
  const system = new BenchSystem();
  let baseline: ReturnType<typeof spawnService> | undefined;
  try {
    await system.start();
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

    const post = (url: string) => (seconds: number) =>
      load({ url, method: 'POST', headers: { 'content-type': 'application/json', 'x-monite-version': '2024-05-25' }, body, connections: CONNECTIONS, seconds });
    const report = await interleave(
      { name: 'gatehouse', run: post(`${system.gatewayUrl}/v1/auth/token`) },
      { name: 'fastify-ceiling', run: post(`https://localhost:${baselinePort}/v1/auth/token`) },
      ROUNDS,
      WARMUP,
      SECONDS,
    );
    const ratio = median(report.ratios);
    process.stdout.write(
      [
        `## bench:token — client_credentials minting, ${CONNECTIONS} keep-alive HTTPS connections`,
        '',
        `Machine: ${machine()}; the load generator (autocannon) shares the cores with the servers and NATS.`,
        `Rounds: ${ROUNDS} interleaved, ${WARMUP} s warm-up each, ${SECONDS} s per run. Request logging off in both.`,
        '',
        formatReport('gatehouse (gateway → NATS → auth) vs single-process Fastify signing ES256', report, 'gatehouse', 'fastify-ceiling'),
        '',
        `target ≥ ${TARGET} of the ceiling: ${ratio >= TARGET ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
    if (process.env.BENCH_AUDIT_AB !== '0') {
      const lines = await auditAB(system, post(`${system.gatewayUrl}/v1/auth/token`), { rounds: ROUNDS, warmupS: WARMUP, seconds: SECONDS });
      process.stdout.write([...lines, ''].join('\n'));
    }
  } finally {
    await baseline?.stop();
    await system.stop();
  }
}

runBench('bench:token', main);
