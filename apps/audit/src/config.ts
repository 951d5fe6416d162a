import { z } from 'zod';
import { baseEnvSchema, loadConfig, port, postgresUrl } from '@gatehouse/platform';

/** Every variable the audit service reads, with its default for local development. */
export const auditEnvSchema = baseEnvSchema.extend({
  /** The audit database (created on first start when missing). */
  AUDIT_DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/gatehouse_audit'),
  AUDIT_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /** Health endpoints only; the API is served over NATS. */
  AUDIT_HTTP_HOST: z.string().default('127.0.0.1'),
  AUDIT_HTTP_PORT: port.default(8084),
  /** How long entries are kept, in days (the default window of a list is 7 days, so no less). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(30),
  /** Stream messages (each a publisher's batch of entries) pulled and stored per transaction, then acknowledged. */
  AUDIT_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(50),
  /** The service's CPU priority (nice, 0..19): above 0, the token path goes first where they share cores (cpu-priority.ts). */
  AUDIT_CPU_NICE: z.coerce.number().int().min(0).max(19).default(10),
});

export type AuditConfig = z.infer<typeof auditEnvSchema>;

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  return loadConfig(auditEnvSchema, env);
}
