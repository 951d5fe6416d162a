import { ErrorCodes, GRANT_TYPES } from '@gatehouse/contracts';
import { hotCounter, metricsEnabled } from '@gatehouse/platform';

const tokensIssued = hotCounter('gatehouse_tokens_issued_total', 'Token requests by grant type and outcome (issued, or the refusal code).', ['grant', 'outcome']);

const GRANTS = new Set<string>(GRANT_TYPES);
const CODES = new Set<string>(Object.values(ErrorCodes));

/** Bounded labels: a known grant type or `other`; `issued` or a known error code, else `internal`. */
export function tokenOutcomeLabels(grantType: unknown, err?: unknown): { grant: string; outcome: string } {
  const grant = typeof grantType === 'string' && GRANTS.has(grantType) ? grantType : 'other';
  if (err === undefined) return { grant, outcome: 'issued' };
  const code = (err as { code?: unknown; getError?: () => unknown })?.getError?.() as { code?: unknown } | undefined;
  const c = code?.code ?? (err as { code?: unknown })?.code;
  return { grant, outcome: typeof c === 'string' && CODES.has(c) ? c : 'internal' };
}

export function recordTokenRequest(grantType: unknown, err?: unknown): void {
  if (metricsEnabled()) tokensIssued.labels(tokenOutcomeLabels(grantType, err)).inc();
}
