import { Reasons } from '@gatehouse/permissions';
import { counter, metricsEnabled } from '@gatehouse/platform';
import { ENTITY_NOT_FOUND } from './decide';

const decisions = counter('gatehouse_policy_decisions_total', 'Policy decisions by outcome (allowed, denied, unavailable) and the kind of rule that decided.', ['outcome', 'rule']);

const FIXED = new Set<string>([...Object.values(Reasons), ENTITY_NOT_FOUND.reason]);
/** A role's reason is `<kind>:<role id>:<permission>…`: only the kind is a label (the id is not bounded). */
const ROLE_KINDS = new Set(['role', 'entity_default_role', 'project_default_role']);

/** The deciding rule as a bounded label: a fixed reason code, a role kind, or `other`. */
export function ruleOf(reason: string): string {
  if (FIXED.has(reason)) return reason;
  const kind = reason.split(':', 1)[0];
  return ROLE_KINDS.has(kind) ? kind : 'other';
}

export function recordDecision(d: { allowed: boolean; reason: string }): void {
  if (metricsEnabled()) decisions.inc({ outcome: d.allowed ? 'allowed' : 'denied', rule: ruleOf(d.reason) });
}

/** No decision: the state could not be read (the caller is answered `unavailable`). */
export function recordUnavailable(): void {
  if (metricsEnabled()) decisions.inc({ outcome: 'unavailable', rule: 'none' });
}
