/**
 * JetStream key-value buckets the Partner Portal's instances share, so that
 * budgets hold across all of them rather than per instance:
 * - `brake`: failed sign-ins (and TOTP codes, and "Try it" secrets) per
 *   (account, address) and per address: the login brake (apps/portal/src/login).
 * Subjects `$KV.<bucket>.<key>`, stream `KV_<bucket>`; names prefixed like the
 * gateway's (`kvBucketName`). The portal's NATS user may touch this bucket only.
 */
export const PortalBuckets = {
  brake: 'PORTAL_BRAKE',
} as const;

export type PortalBucket = (typeof PortalBuckets)[keyof typeof PortalBuckets];
