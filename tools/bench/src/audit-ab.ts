import type { BenchSystem } from './bench-system';
import { formatReport, interleave, LoadResult, median } from './load';

/** The audit trail's budget: auditing on keeps at least this share of the throughput with it off. */
export const AUDIT_TARGET = 0.9;

/**
 * The same run's A/B of the audit trail (docs/AUDIT.md): the same load with auth's
 * and the gateway's auditing on (AUTH_AUDIT/GATEWAY_AUDIT=true, the default) and off,
 * in interleaved rounds. Switching restarts auth and the gateway with the other
 * setting (same databases and ports), then warms them up before the measured run,
 * so neither side runs cold. Returns the report's lines.
 */
export async function auditAB(
  system: BenchSystem,
  run: (seconds: number) => Promise<LoadResult>,
  opts: { rounds: number; warmupS: number; seconds: number },
): Promise<string[]> {
  let current = true;
  const withAudit = (on: boolean) => async (seconds: number) => {
    if (current !== on) {
      const flag = String(on);
      await system.restart('auth', { AUTH_AUDIT: flag });
      await system.restart('gateway', { GATEWAY_AUDIT: flag });
      current = on;
      await run(opts.warmupS);
    }
    return run(seconds);
  };
  const report = await interleave({ name: 'audit-on', run: withAudit(true) }, { name: 'audit-off', run: withAudit(false) }, opts.rounds, opts.warmupS, opts.seconds);
  const ratio = median(report.ratios);
  return [
    formatReport('auditing on vs off (same system, auth and the gateway restarted between them)', report, 'audit-on', 'audit-off'),
    '',
    `audit budget: on ≥ ${AUDIT_TARGET} of off: ${ratio >= AUDIT_TARGET ? 'met' : 'NOT met'}`,
  ];
}
