import { join } from 'node:path';
import { GatewayBuckets, gatewayBucket, identityEventsStream } from '@gatehouse/contracts';
import { createLogger, NatsService } from '@gatehouse/platform';
import type { LocalSecrets } from './local-secrets';
import { repoRoot } from './repo-root';

/**
 * The services of a whole system as the harnesses start them (the e2e suite,
 * the benchmarks, the resilience suite): what each one is given of its own —
 * database, port, secrets — and where it says it is ready. `npm start` has its
 * own table (tools/start), which also honours the user's environment.
 */
export type ServiceName = 'auth' | 'identity' | 'policy' | 'gateway';

/** Start order: what a service asks for at start is up before it. */
export const SYSTEM_SERVICES: readonly ServiceName[] = ['auth', 'identity', 'policy', 'gateway'];

/** The variable each service listens on (for the gateway, its HTTPS API; for the others, health only). */
export const PORT_VARIABLE: Record<ServiceName, string> = {
  auth: 'AUTH_HTTP_PORT',
  identity: 'IDENTITY_HTTP_PORT',
  policy: 'POLICY_HTTP_PORT',
  gateway: 'GATEWAY_PORT',
};

export interface SystemResources {
  /** The databases of the services that have one. */
  databases: { auth: string; identity: string };
  secrets: Pick<LocalSecrets, 'kek' | 'tlsCertFile' | 'tlsKeyFile'>;
}

/** A service's own variables, on `port`: its database, its secrets, its listening port. */
export function ownEnv(service: ServiceName, port: number, r: SystemResources): Record<string, string> {
  const own: Record<ServiceName, Record<string, string>> = {
    auth: { AUTH_DATABASE_URL: r.databases.auth, AUTH_KEY_ENCRYPTION_KEY: r.secrets.kek },
    identity: { IDENTITY_DATABASE_URL: r.databases.identity },
    policy: {},
    // Harnesses drive one project far past Monite's 30 requests a second: the default budget is
    // raised (the rate-limit suite sets its own).
    gateway: { GATEWAY_TLS_CERT_FILE: r.secrets.tlsCertFile, GATEWAY_TLS_KEY_FILE: r.secrets.tlsKeyFile, GATEWAY_RATE_LIMIT_DEFAULT: '100000' },
  };
  return { ...own[service], [PORT_VARIABLE[service]]: String(port) };
}

/** Where a service on `port` reports readiness (the gateway over HTTPS, under the certificate's name). */
export function readyUrl(service: ServiceName, port: number | string): string {
  return service === 'gateway' ? `https://localhost:${port}/health/ready` : `http://127.0.0.1:${port}/health/ready`;
}

/** The compiled entry point of a service. */
export function serviceScript(service: ServiceName): string {
  return join(repoRoot(), 'dist', 'apps', service, 'src', 'main.js');
}

/**
 * Deletes identity's JetStream stream of a subject prefix, and the gateway's KV buckets
 * of that prefix, so a run leaves nothing behind on a shared broker.
 */
export async function dropIdentityStream(natsUrl: string, prefix: string): Promise<void> {
  const nc = await NatsService.connect({ url: natsUrl, name: 'cleanup', prefix, requestTimeoutMs: 2_000, logger: createLogger('cleanup', 'silent') });
  try {
    const jsm = await nc.connection.jetstreamManager();
    await jsm.streams.delete(identityEventsStream(prefix)).catch(() => undefined);
    for (const bucket of Object.values(GatewayBuckets)) await jsm.streams.delete(`KV_${gatewayBucket(prefix, bucket)}`).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
