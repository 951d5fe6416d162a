import { loadConfig, baseEnvSchema } from '@gatehouse/platform';
import { BenchSystem } from './bench-system';
import { formatReport, interleave, load, median } from './load';

/** The most metrics may cost of bench:token's throughput (issue 12). */
export const METRICS_COST_BUDGET = 0.03;

/**
 * Same-run A/B of the metrics' cost: `on` is the bench's system as configured
 * (METRICS_ENABLED, validated as the services do; default on), `off` a second
 * system started beside it with METRICS_ENABLED=false. Interleaved rounds of the
 * same token request against each; returns the report section (both figures, the ratio).
 */
export async function metricsCost(on: BenchSystem, opts: { rounds: number; warmupS: number; seconds: number; connections: number }): Promise<string> {
  const enabled = loadConfig(baseEnvSchema, process.env).METRICS_ENABLED;
  const off = new BenchSystem();
  try {
    await off.start({ env: { METRICS_ENABLED: 'false' } });
    const creds = { on: await on.partner(), off: await off.partner() };
    const post = (url: string, cred: { client_id: string; client_secret: string }) => (seconds: number) =>
      load({
        url: `${url}/v1/auth/token`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-monite-version': '2024-05-25' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret }),
        connections: opts.connections,
        seconds,
      });
    const onName = enabled ? 'metrics-on' : 'metrics-off (METRICS_ENABLED=false)';
    const report = await interleave(
      { name: onName, run: post(on.gatewayUrl, creds.on) },
      { name: 'metrics-off', run: post(off.gatewayUrl, creds.off) },
      opts.rounds,
      opts.warmupS,
      opts.seconds,
    );
    const ratio = median(report.ratios);
    return [
      formatReport(`metrics cost: ${onName} vs metrics-off (two systems, same run, interleaved)`, report, onName, 'metrics-off'),
      '',
      `metrics cost: ${((1 - ratio) * 100).toFixed(1)}% of throughput (budget ${METRICS_COST_BUDGET * 100}%): ${1 - ratio <= METRICS_COST_BUDGET ? 'within' : 'OVER'}`,
    ].join('\n');
  } finally {
    await off.stop();
  }
}
