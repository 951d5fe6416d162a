import { z } from 'zod';
import { baseEnvSchema, loadConfig, port } from '@gatehouse/platform';

/** Every variable the portal reads, with its default for local development. It has no database. */
export const portalEnvSchema = baseEnvSchema.extend({
  PORTAL_HOST: z.string().default('127.0.0.1'),
  /** HTTPS: the pages, and `/health`, `/health/ready`. */
  PORTAL_PORT: port.default(8444),
  /** The internal plain-HTTP port of `GET /metrics` (never on the public port). */
  PORTAL_METRICS_HOST: z.string().default('127.0.0.1'),
  PORTAL_METRICS_PORT: port.default(9465),
  /** PEM files of the TLS certificate (chain) and its key (`npm start` generates a self-signed pair into .data/tls). */
  PORTAL_TLS_CERT_FILE: z.string({ error: 'is required (PEM certificate file)' }).min(1),
  PORTAL_TLS_KEY_FILE: z.string({ error: 'is required (PEM private key file)' }).min(1),
  /** The gateway's public URL, shown in the "first request" panel's curl line. */
  PORTAL_API_URL: z.string().url().default('https://localhost:8443'),
  /**
   * The key of the CSRF tokens (HMAC-SHA256 of the session token). Unset: a random key per
   * process, fine for one instance; several instances behind one name must share one (≥ 32 characters).
   */
  PORTAL_CSRF_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The login brake: failed sign-ins allowed per (email, client address), and per address, within the window. */
  PORTAL_LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000).default(5),
  PORTAL_LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  PORTAL_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
});

export type PortalConfig = z.infer<typeof portalEnvSchema>;

export const PORTAL_CONFIG = Symbol('PORTAL_CONFIG');

export function loadPortalConfig(env: NodeJS.ProcessEnv = process.env): PortalConfig {
  return loadConfig(portalEnvSchema, env);
}
