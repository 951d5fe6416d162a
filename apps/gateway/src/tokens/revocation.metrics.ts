import { counter, histogram, metricsEnabled } from '@gatehouse/platform';

export type RevocationKind = 'token' | 'credentials' | 'project';

const applied = counter('gatehouse_revocations_applied_total', 'Revocation broadcasts applied to this gateway’s revocation list, by kind.', ['kind']);
const lag = histogram(
  'gatehouse_revocation_lag_seconds',
  'From auth sending a revocation to this gateway applying it, by kind (across hosts: includes their clock difference).',
  ['kind'],
  [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
);

/** A broadcast applied; `revokedAtMs`: when auth sent it (absent from older senders). */
export function recordRevocationApplied(kind: RevocationKind, revokedAtMs: unknown, now = Date.now()): void {
  if (!metricsEnabled()) return;
  applied.inc({ kind });
  if (typeof revokedAtMs === 'number' && Number.isFinite(revokedAtMs)) lag.observe({ kind }, Math.max(0, now - revokedAtMs) / 1000);
}
