/**
 * JetStream key-value buckets the gateway instances share, so that budgets hold
 * across all of them rather than per instance:
 * - `brake`: failed client authentications per (client id, address) and per address;
 * - `rateLimit`: each project's requests in the current second (leased in slices).
 * Their subjects are `$KV.<bucket>.<key>` (the stream is `KV_<bucket>`).
 */
export const GatewayBuckets = {
  brake: 'GATEWAY_BRAKE',
  rateLimit: 'GATEWAY_RATE_LIMIT',
} as const;

export type GatewayBucket = (typeof GatewayBuckets)[keyof typeof GatewayBuckets];

/** A bucket's name under a subject prefix (bucket names take no dots): `t1a2b.` → `t1a2b_GATEWAY_BRAKE`. */
export function kvBucketName(prefix: string, bucket: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}${bucket}`;
}

export function gatewayBucket(prefix: string, bucket: GatewayBucket): string {
  return kvBucketName(prefix, bucket);
}
