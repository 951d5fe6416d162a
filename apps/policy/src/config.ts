import { z } from 'zod';
import { baseEnvSchema, loadConfig, port } from '@gatehouse/platform';

/** Every variable the policy service reads, with its default for local development. It has no database. */
export const policyEnvSchema = baseEnvSchema.extend({
  /** Health endpoints only; decisions are served over NATS. */
  POLICY_HTTP_HOST: z.string().default('127.0.0.1'),
  POLICY_HTTP_PORT: port.default(8083),
  /** Upper bound of each read-model cache (entities, users, roles, project default roles). */
  POLICY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  /**
   * Safety net only: an entry is refetched after this long even if no invalidation came
   * (invalidations and reconnects are what keep the cache fresh). 0 disables it.
   */
  POLICY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /**
   * How long to wait for identity or auth before answering `unavailable`. Below the
   * callers' own NATS timeout, so they get a clear refusal rather than a timeout.
   */
  POLICY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Most questions one policy.v1.check_batch may carry. */
  POLICY_BATCH_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
});

export type PolicyConfig = z.infer<typeof policyEnvSchema>;

export const POLICY_CONFIG = Symbol('POLICY_CONFIG');

export function loadPolicyConfig(env: NodeJS.ProcessEnv = process.env): PolicyConfig {
  return loadConfig(policyEnvSchema, env);
}
