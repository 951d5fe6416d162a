/** NATS subjects of the policy service (request/reply, queue group `policy`). */
export const PolicySubjects = {
  check: 'policy.v1.check',
  checkBatch: 'policy.v1.check_batch',
  effectiveRole: 'policy.v1.effective_role',
} as const;

export const POLICY_QUEUE = 'policy';
