import { z } from 'zod';

/** Settings every service reads: the broker, the subject namespace, logging. */
export const baseEnvSchema = z.object({
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Prepended to every subject and stream name: isolates test runs or environments sharing one NATS. */
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-]+\.)?$/, 'must be empty or a token ending with a dot, e.g. "staging."')
    .default(''),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** How long a service waits for the broker at start before it fails with one line naming the address. */
  NATS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** stdout: JSON lines (collectors, production), or short lines for a person (`npm start` sets it). */
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).default('json'),
  /** When set, every line is also written here as JSON, asynchronously (`npm start`: .data/logs/<service>.log). */
  LOG_FILE: z.string().optional(),
  /** LOG_FORMAT=pretty: `summary` counts the requests on the console every 10 s, `lines` shows each one. */
  LOG_ACCESS: z.enum(['summary', 'lines'], { error: 'must be summary or lines' }).default('summary'),
  /**
   * Prometheus metrics on `GET /metrics` of the health port (docs/DEPLOY.md), on by default;
   * `false` records and serves nothing (bench:token measures what they cost: its `metrics` variant).
   */
  METRICS_ENABLED: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
});

export type BaseConfig = z.infer<typeof baseEnvSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The configuration is valid but does not fit what it meets, e.g. a key that
 * does not open the data sealed under another one. The message is one line
 * that names the cause and the way out; the service exits 78 (EX_CONFIG), without a stack trace.
 */
export class ConfigMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigMismatchError';
  }
}

/**
 * Validates the environment against a schema; every problem names the variable.
 * Values are never echoed (a secret may be among them).
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

/** Parses a postgres URL strictly enough to refuse typos at start. */
export const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^/]+\/[A-Za-z0-9_]+(\?.*)?$/.test(v), 'must be postgres://user@host:port/database');

export const port = z.coerce.number().int().min(0).max(65_535);
