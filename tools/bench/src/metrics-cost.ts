import { readFileSync } from 'node:fs';
import { BenchSystem } from './bench-system';
import { formatReport, interleave, load, LoadResult, median } from './load';

/** CPU seconds (user + system) a process has used so far, from /proc (0 where there is none). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/**
 * A run that also measures the CPU the system's processes spent per request: less
 * sensitive than throughput to what else the machine runs meanwhile.
 */
function measured(system: BenchSystem, run: (seconds: number) => Promise<LoadResult>, cpuPerRequest: number[]) {
  return async (seconds: number): Promise<LoadResult> => {
    const pids = system.procs.map((p) => p.pid);
    const before = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const result = await run(seconds);
    const used = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - before;
    cpuPerRequest.push((used * 1e6) / Math.max(1, result.rps * seconds));
    return result;
  };
}

/** The most metrics may cost of bench:token's throughput (issue 12). */
export const METRICS_COST_BUDGET = 0.03;

/**
 * Same-run A/B of the metrics' cost: two fresh systems started side by side, one
 * with METRICS_ENABLED=true, one with METRICS_ENABLED=false (validated by the
 * services' config). Interleaved rounds of the same token request against each;
 * returns the report section (both figures, the ratio, CPU per request).
 */
export async function metricsCost(opts: { rounds: number; warmupS: number; seconds: number; connections: number }): Promise<string> {
  const on = new BenchSystem();
  const off = new BenchSystem();
  try {
    await on.start({ env: { METRICS_ENABLED: 'true' } });
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
    const onName = 'metrics-on';
    const cpu = { on: [] as number[], off: [] as number[] };
    const report = await interleave(
      { name: onName, run: measured(on, post(on.gatewayUrl, creds.on), cpu.on) },
      { name: 'metrics-off', run: measured(off, post(off.gatewayUrl, creds.off), cpu.off) },
      opts.rounds,
      opts.warmupS,
      opts.seconds,
    );
    const ratio = median(report.ratios);
    // The first of each is the warm-up's.
    const cpuOn = median(cpu.on.slice(1));
    const cpuOff = median(cpu.off.slice(1));
    return [
      formatReport(`metrics cost: ${onName} vs metrics-off (two systems, same run, interleaved)`, report, onName, 'metrics-off'),
      '',
      `metrics cost: ${((1 - ratio) * 100).toFixed(1)}% of throughput (budget ${METRICS_COST_BUDGET * 100}%): ${1 - ratio <= METRICS_COST_BUDGET ? 'within' : 'OVER'}`,
      `CPU of the system's processes per request (median of the rounds): ${onName} ${cpuOn.toFixed(0)} µs, metrics-off ${cpuOff.toFixed(0)} µs, ` +
        `ratio ${(cpuOn / cpuOff).toFixed(3)} (per round ${cpu.on.slice(1).map((v, i) => (v / cpu.off[i + 1]).toFixed(2)).join(', ')})`,
    ].join('\n');
  } finally {
    await off.stop();
    await on.stop();
  }
}
