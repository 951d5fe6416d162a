import { z } from 'zod';
import { baseEnvSchema, loadConfig, port, postgresUrl } from '@gatehouse/platform';

/** Every variable the identity service reads, with its default for local development. */
export const identityEnvSchema = baseEnvSchema.extend({
  /** The identity database (created on first start when missing). */
  IDENTITY_DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/gatehouse_identity'),
  IDENTITY_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Entity users kept in memory for reads by id (common/read-cache.ts); 0 turns the cache off. */
  IDENTITY_READ_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  /** Safety-net expiry of a cached read, in ms (0: none); freshness comes from the invalidation broadcast. */
  IDENTITY_READ_CACHE_TTL_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /** Health endpoints only; the API is served over NATS. */
  IDENTITY_HTTP_HOST: z.string().default('127.0.0.1'),
  IDENTITY_HTTP_PORT: port.default(8082),
  /** The outbox relay's own broker connection (defaults to NATS_URL). */
  IDENTITY_RELAY_NATS_URL: z.string().min(1).optional(),
  /** How often the relay looks for unpublished events when no notification woke it. */
  IDENTITY_RELAY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
});

export type IdentityConfig = z.infer<typeof identityEnvSchema>;

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');

export function loadIdentityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return loadConfig(identityEnvSchema, env);
}
