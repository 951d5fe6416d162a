import { z } from 'zod';
import { baseEnvSchema, loadConfig, port, postgresUrl } from '@gatehouse/platform';

/** Every variable the auth service reads, with its default for local development. */
export const authEnvSchema = baseEnvSchema.extend({
  /** The auth database (created on first start when missing). */
  AUTH_DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/gatehouse_auth'),
  /** The project trail (docs/AUDIT.md): publish token, credential and settings events. `false` turns it off (benches' A/B). */
  AUTH_AUDIT: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((v) => v === 'true'),
  AUTH_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Health endpoints only; the API is served over NATS. */
  AUTH_HTTP_HOST: z.string().default('127.0.0.1'),
  AUTH_HTTP_PORT: port.default(8081),
  /**
   * 32 random bytes, base64: encrypts signing keys at rest (AES-256-GCM).
   * Required: there is no safe default. `npm start` generates one into .data/.
   */
  AUTH_KEY_ENCRYPTION_KEY: z
    .string({ error: 'is required (32 random bytes, base64; e.g. `openssl rand -base64 32`)' })
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  /** Portal sessions (docs/PORTAL.md): ended after this many minutes without a request… */
  AUTH_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1_440).default(30),
  /** …and this many hours after sign-in, whatever happens. */
  AUTH_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /**
   * A portal member may rotate the signing key (every project's: one JWKS) only this
   * many minutes after the active key was made; 0: any time. The CLI is not limited.
   */
  AUTH_PORTAL_KEY_ROTATION_MIN_MINUTES: z.coerce.number().int().min(0).max(10_080).default(10),
  /** `iss` of every token: the public base URL of the gateway. */
  AUTH_ISSUER: z.string().url().default('https://localhost:8443'),
});

export type AuthConfig = z.infer<typeof authEnvSchema>;

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(authEnvSchema, env);
}
