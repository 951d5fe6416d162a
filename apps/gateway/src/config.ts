import { z } from 'zod';
import { API_RATE_LIMIT_DEFAULT, API_RATE_LIMIT_MAX, API_RATE_LIMIT_MIN } from '@gatehouse/contracts';
import { baseEnvSchema, loadConfig, port } from '@gatehouse/platform';
import { parseTrustedProxies } from './http/trusted-proxies';

/** Comma-separated addresses or CIDRs, empty by default; a bad entry is named and the gateway does not start. */
const addressList = () =>
  z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseTrustedProxies(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

/** Every variable the gateway reads, with its default for local development. */
export const gatewayEnvSchema = baseEnvSchema.extend({
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port.default(8443),
  /** The internal plain-HTTP port of `GET /metrics` (never served on the public port; docs/DEPLOY.md). */
  GATEWAY_METRICS_HOST: z.string().default('127.0.0.1'),
  GATEWAY_METRICS_PORT: port.default(9464),
  /** PEM files of the TLS certificate (chain) and its key. `npm start` generates a self-signed pair into .data/tls. */
  GATEWAY_TLS_CERT_FILE: z.string({ error: 'is required (PEM certificate file)' }).min(1),
  GATEWAY_TLS_KEY_FILE: z.string({ error: 'is required (PEM private key file)' }).min(1),
  /** Largest accepted request body, bytes. */
  GATEWAY_BODY_LIMIT: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /** Expected `iss` of tokens: the same value as the auth service's AUTH_ISSUER. */
  GATEWAY_ISSUER: z.string().url().default('https://localhost:8443'),
  /** Failed client authentications allowed per client id from one address, and per address, within the window (docs/TOKENS.md). */
  GATEWAY_AUTH_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(10),
  GATEWAY_AUTH_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  GATEWAY_AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Requests per second of a project that set no `api_rate_limit` (docs/RATE-LIMITS.md). */
  GATEWAY_RATE_LIMIT_DEFAULT: z.coerce.number().int().min(API_RATE_LIMIT_MIN).max(API_RATE_LIMIT_MAX).default(API_RATE_LIMIT_DEFAULT),
  /**
   * Trusted-proxy mode (off when empty): comma-separated addresses or CIDRs of the
   * TLS-terminating proxies allowed to send plain HTTP with `X-Forwarded-Proto: https`.
   */
  GATEWAY_TRUSTED_PROXIES: addressList(),
  /**
   * PROXY protocol (off when empty): comma-separated addresses or CIDRs of the TCP load
   * balancers that pass TLS through and send the client's address in a PROXY header
   * (HAProxy `send-proxy-v2`). Connections from them must carry one; nobody else's may.
   */
  GATEWAY_PROXY_PROTOCOL_FROM: addressList(),
  /** The audit trail (docs/AUDIT.md): publish request/response entries of entity calls. `false` turns it off (benches' A/B). */
  GATEWAY_AUDIT: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((v) => v === 'true'),
  /**
   * The token requests of one event-loop turn go to auth in one message (auth.v1.token.issue_batch,
   * docs/TOKENS.md). `false`: one message each (auth.v1.token.issue), e.g. while auth instances
   * older than the subject still run in a rolling update, and for the benches' A/B.
   */
  GATEWAY_TOKEN_BATCHING: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((v) => v === 'true'),
  /** Verified tokens kept in memory (they are re-checked against the revocation list on every use). */
  GATEWAY_TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayEnvSchema, env);
}
