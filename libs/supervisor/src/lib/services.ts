import { isAbsolute, join } from 'node:path';
import type { LocalSecrets } from './local-secrets';

export type ServiceName = 'audit' | 'auth' | 'identity' | 'policy' | 'gateway' | 'portal';

/**
 * The one table of the services, in start order (what a service asks for at
 * start is up before it; stopped in reverse). `npm start` (tools/start) and the
 * harnesses (LocalSystem: the e2e suite, the benches, the resilience cluster)
 * build every process they start from it. Adding a service is adding a row.
 */
export interface ServiceSpec<Name extends string = string> {
  name: Name;
  /** Compiled entry point, relative to the repository root. */
  script: string;
  /** The readiness endpoint, read from the service's own variables. */
  health: {
    scheme: 'http' | 'https';
    hostVar: string;
    defaultHost: string;
    portVar: string;
    defaultPort: number;
    path: string;
    /** https only: verify the certificate against the generated local one (when it is in use). */
    verifyLocalCert?: boolean;
  };
  /**
   * Where `GET /metrics` is served when not on the health port (the gateway, whose
   * port is public): a plain-HTTP port of its own. Absent: `/metrics` on the health port.
   */
  metrics?: { hostVar: string; defaultHost: string; portVar: string; defaultPort: number };
  /**
   * Variables the service is given. `{name}` is replaced from the launch context
   * (see LaunchContext). Under `npm start` the user's environment wins over every
   * value here; a harness puts its per-service overrides over them.
   */
  env: Record<string, string>;
  /** The service's PostgreSQL database, checked before anything starts (a harness gives it a fresh one on `urlVar`). */
  database?: { urlVar: string; defaultUrl: string };
  /** Instances a harness starts unless told otherwise (`npm start` runs one of each). */
  replicas: number;
}

export const SERVICES: readonly ServiceSpec<ServiceName>[] = [
  // First: auth and the gateway publish into the AUDIT stream it creates.
  {
    name: 'audit',
    script: 'dist/apps/audit/src/main.js',
    health: {
      scheme: 'http',
      hostVar: 'AUDIT_HTTP_HOST',
      defaultHost: '127.0.0.1',
      portVar: 'AUDIT_HTTP_PORT',
      defaultPort: 8084,
      path: '/health/ready',
    },
    env: {},
    database: { urlVar: 'AUDIT_DATABASE_URL', defaultUrl: 'postgres://postgres@127.0.0.1:5432/gatehouse_audit' },
    replicas: 1,
  },
  {
    name: 'auth',
    script: 'dist/apps/auth/src/main.js',
    health: {
      scheme: 'http',
      hostVar: 'AUTH_HTTP_HOST',
      defaultHost: '127.0.0.1',
      portVar: 'AUTH_HTTP_PORT',
      defaultPort: 8081,
      path: '/health/ready',
    },
    env: { AUTH_KEY_ENCRYPTION_KEY: '{kek}', AUTH_ISSUER: '{publicUrl}' },
    database: { urlVar: 'AUTH_DATABASE_URL', defaultUrl: 'postgres://postgres@127.0.0.1:5432/gatehouse_auth' },
    replicas: 1,
  },
  {
    name: 'identity',
    script: 'dist/apps/identity/src/main.js',
    health: {
      scheme: 'http',
      hostVar: 'IDENTITY_HTTP_HOST',
      defaultHost: '127.0.0.1',
      portVar: 'IDENTITY_HTTP_PORT',
      defaultPort: 8082,
      path: '/health/ready',
    },
    env: {},
    database: { urlVar: 'IDENTITY_DATABASE_URL', defaultUrl: 'postgres://postgres@127.0.0.1:5432/gatehouse_identity' },
    replicas: 1,
  },
  {
    name: 'policy',
    script: 'dist/apps/policy/src/main.js',
    health: {
      scheme: 'http',
      hostVar: 'POLICY_HTTP_HOST',
      defaultHost: '127.0.0.1',
      portVar: 'POLICY_HTTP_PORT',
      defaultPort: 8083,
      path: '/health/ready',
    },
    env: {},
    replicas: 1,
  },
  {
    name: 'gateway',
    script: 'dist/apps/gateway/src/main.js',
    health: {
      scheme: 'https',
      hostVar: 'GATEWAY_HOST',
      defaultHost: '127.0.0.1',
      portVar: 'GATEWAY_PORT',
      defaultPort: 8443,
      path: '/health/ready',
      verifyLocalCert: true,
    },
    metrics: { hostVar: 'GATEWAY_METRICS_HOST', defaultHost: '127.0.0.1', portVar: 'GATEWAY_METRICS_PORT', defaultPort: 9464 },
    env: {
      GATEWAY_TLS_CERT_FILE: '{tlsCertFile}',
      GATEWAY_TLS_KEY_FILE: '{tlsKeyFile}',
      GATEWAY_ISSUER: '{publicUrl}',
    },
    replicas: 1,
  },
  // Last: the Partner Portal asks auth (sessions, projects, pairs), identity and audit; nothing asks it.
  {
    name: 'portal',
    script: 'dist/apps/portal/src/main.js',
    health: {
      scheme: 'https',
      hostVar: 'PORTAL_HOST',
      defaultHost: '127.0.0.1',
      portVar: 'PORTAL_PORT',
      defaultPort: 8444,
      path: '/health/ready',
      verifyLocalCert: true,
    },
    metrics: { hostVar: 'PORTAL_METRICS_HOST', defaultHost: '127.0.0.1', portVar: 'PORTAL_METRICS_PORT', defaultPort: 9465 },
    env: {
      PORTAL_TLS_CERT_FILE: '{tlsCertFile}',
      PORTAL_TLS_KEY_FILE: '{tlsKeyFile}',
      PORTAL_API_URL: '{publicUrl}',
    },
    replicas: 1,
  },
];

export function serviceSpec(name: ServiceName, services: readonly ServiceSpec<ServiceName>[] = SERVICES): ServiceSpec<ServiceName> {
  const spec = services.find((s) => s.name === name);
  if (!spec) throw new Error(`no service ${name} in the table`);
  return spec;
}

/** The public entry point: where the gateway listens, under the name the certificate carries. */
export const PUBLIC_SERVICE = { portVar: 'GATEWAY_PORT', defaultPort: 8443 } as const;

/** Values the `{placeholders}` of ServiceSpec.env may name. */
export interface LaunchContext extends Pick<LocalSecrets, 'kek' | 'tlsCertFile' | 'tlsKeyFile'> {
  /** e.g. https://localhost:8443 */
  publicUrl: string;
  [key: string]: string;
}

/** A variable as the user set it; an empty value counts as unset (as loadConfig does). */
export function userValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** The URL a person opens: the gateway's (the API, by default) or another HTTPS service's (the portal), from its port variable. */
export function publicUrl(env: NodeJS.ProcessEnv, service?: ServiceName): string {
  const of = service ? serviceSpec(service).health : PUBLIC_SERVICE;
  const port = userValue(env, of.portVar) ?? String(of.defaultPort);
  return port === '443' ? 'https://localhost' : `https://localhost:${port}`;
}

export function expand(template: string, ctx: LaunchContext): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = ctx[key];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in the SERVICES table`);
    return value;
  });
}

/** The variables to pass a service: its defaults from the table, except those the user set. */
export function serviceEnv(spec: ServiceSpec, ctx: LaunchContext, userEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.env)) {
    if (userValue(userEnv, name) === undefined) env[name] = expand(template, ctx);
  }
  return env;
}

/** The host to poll for a listen address: a wildcard address is reached on loopback. */
function pollHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function healthUrl(spec: ServiceSpec, env: NodeJS.ProcessEnv): string {
  const h = spec.health;
  const host = pollHost(userValue(env, h.hostVar) ?? h.defaultHost);
  const port = userValue(env, h.portVar) ?? String(h.defaultPort);
  return `${h.scheme}://${host}:${port}${h.path}`;
}

/** Where the service serves `GET /metrics` (plain HTTP: its health port, or its own metrics port). */
export function metricsUrl(spec: ServiceSpec, env: NodeJS.ProcessEnv): string {
  const m = spec.metrics ?? spec.health;
  const host = pollHost(userValue(env, m.hostVar) ?? m.defaultHost);
  const port = userValue(env, m.portVar) ?? String(m.defaultPort);
  return `http://${host}:${port}/metrics`;
}

/** Whether the service uses the generated certificate (the user did not bring their own). */
export function usesLocalCert(spec: ServiceSpec, env: NodeJS.ProcessEnv): boolean {
  return Object.entries(spec.env).some(([name, t]) => t === '{tlsCertFile}' && userValue(env, name) === undefined);
}

export function scriptPath(spec: ServiceSpec, root: string): string {
  return isAbsolute(spec.script) ? spec.script : join(root, spec.script);
}

export function databaseUrl(spec: ServiceSpec, env: NodeJS.ProcessEnv): string | undefined {
  if (!spec.database) return undefined;
  return userValue(env, spec.database.urlVar) ?? spec.database.defaultUrl;
}
