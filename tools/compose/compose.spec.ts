/**
 * docker-compose.yml, Dockerfile and .dockerignore, checked without a Docker engine:
 * dclint (the compose schema and its rules), then what the services need from
 * them, read from the services' own config schemas and from `npm start`'s table.
 *
 *   npx jest -c tools/jest.config.js compose
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, posix } from 'node:path';
import type { z } from 'zod';
import { loadConfig } from '@gatehouse/platform';
import { generateLocalhostCertificate } from '@gatehouse/supervisor';
// The compose file must match what the services read: their schemas are the source of truth.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { authEnvSchema } from '../../apps/auth/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { gatewayEnvSchema } from '../../apps/gateway/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { identityEnvSchema } from '../../apps/identity/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { auditEnvSchema } from '../../apps/audit/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { policyEnvSchema } from '../../apps/policy/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { portalEnvSchema } from '../../apps/portal/src/config';
import { healthUrl, SERVICES, ServiceSpec } from '@gatehouse/supervisor';
import {
  ComposeFile,
  ComposeService,
  copySources,
  dependenciesOf,
  dockerignore,
  DockerStage,
  effective,
  environmentOf,
  interpolate,
  MissingVariableError,
  mountsOf,
  parseDockerfile,
  readCompose,
  repoPath,
  runDclint,
  stageChain,
  variablesIn,
} from './support';

/** The env schema of every app service. A new app (identity, policy) adds its row here. */
const APP_SCHEMAS: Record<string, z.ZodObject<z.ZodRawShape>> = {
  audit: auditEnvSchema,
  auth: authEnvSchema,
  gateway: gatewayEnvSchema,
  identity: identityEnvSchema,
  policy: policyEnvSchema,
  portal: portalEnvSchema,
};

/** Dependencies between apps that no URL in their environment shows. */
const APP_DEPENDENCIES: Record<string, string[]> = {
  // policy asks identity and auth (over NATS) for what it caches.
  policy: ['auth', 'identity'],
  // The gateway publishes into the AUDIT stream, which audit creates.
  gateway: ['audit', 'auth', 'identity', 'policy'],
  // The portal asks auth (sessions, projects), identity (entities) and audit (the trail).
  portal: ['audit', 'auth', 'identity'],
};

const COMPOSE_FILE = repoPath('docker-compose.yml');
const NATS_CONFIG = 'deploy/nats/nats-server.conf';
const KEK = randomBytes(32).toString('base64');
/** The NATS users: one per app (the Partner Portal's too), and the operator's (the CLI). */
const NATS_USERS = [...new Set([...Object.keys(APP_SCHEMAS), 'portal', 'cli'])];
const natsPasswordVar = (user: string) => `NATS_${user.toUpperCase()}_PASSWORD`;
/** The NATS passwords, as a user puts them in .env (letters and digits, starting with a letter). */
const NATS_PASSWORDS: Record<string, string> = Object.fromEntries(NATS_USERS.map((u) => [natsPasswordVar(u), `p${randomBytes(12).toString('hex')}`]));
/** The variables a user must set (.env): the key-encryption key, the NATS passwords and the portal's CSRF key. */
const USER_VARS: Record<string, string> = { AUTH_KEY_ENCRYPTION_KEY: KEK, ...NATS_PASSWORDS, PORTAL_CSRF_KEY: randomBytes(32).toString('base64') };

const compose: ComposeFile = readCompose(COMPOSE_FILE);
const services = compose.services;
const appNames = Object.keys(services).filter((name) => services[name].build !== undefined);
const stages: DockerStage[] = parseDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'));
const ignored = dockerignore(readFileSync(repoPath('.dockerignore'), 'utf8'));

const targetOf = (service: ComposeService): string | undefined =>
  typeof service.build === 'object' ? service.build.target : undefined;
const resolvedEnv = (name: string, vars: Record<string, string> = USER_VARS): Record<string, string> =>
  Object.fromEntries(Object.entries(environmentOf(services[name])).map(([k, v]) => [k, interpolate(v, vars)]));
/** The variables a schema requires: those without a default. */
const requiredVars = (schema: z.ZodObject<z.ZodRawShape>): string[] =>
  Object.keys(schema.shape).filter((k) => !(schema.shape[k] as z.ZodType).safeParse(undefined).success);
const healthcheckArgs = (service: ComposeService): string[] => {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test : ['CMD-SHELL', test ?? ''];
};
const spawnStatus = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr });
    });
  });

/** nats-server: NATS_SERVER_BIN, else on PATH, else Debian's /usr/sbin (CI installs it). */
const natsServerBinary = (): string => {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN;
  const found = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin'].map((d) => join(d, 'nats-server')).find((f) => existsSync(f));
  if (!found) throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
  return found;
};

describe('dclint', () => {
  jest.setTimeout(30_000); // each run starts a node process
  it('finds no error and no warning in docker-compose.yml', async () => {
    const result = await runDclint(COMPOSE_FILE, { maxWarnings: 0 });
    const messages = result.files.flatMap((f) => f.messages.map((m) => `${m.line}: ${m.type} ${m.rule}: ${m.message}`));
    expect({ status: result.status, messages, output: result.output }).toEqual({ status: 0, messages: [], output: '' });
    expect(result.files.map((f) => f.filePath)).toEqual([COMPOSE_FILE]);
  });

  describe('fails on a broken copy of the file (so the check above can fail)', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'gatehouse-compose-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const lintBroken = async (edit: (text: string) => string, maxWarnings?: number) => {
      const original = readFileSync(COMPOSE_FILE, 'utf8');
      const broken = edit(original);
      expect(broken).not.toBe(original);
      const file = join(dir, `docker-compose.${Math.random().toString(36).slice(2)}.yml`);
      writeFileSync(file, broken);
      return runDclint(file, { maxWarnings });
    };

    it('a key the compose schema does not know', async () => {
      const result = await lintBroken((t) => t.replace(/^( {4})healthcheck:/m, '$1helthcheck:'));
      expect(result.status).not.toBe(0);
      expect(result.files[0].messages.map((m) => m.rule)).toContain('invalid-schema');
    });

    it('a port published on every interface', async () => {
      const result = await lintBroken((t) => t.replace("'127.0.0.1:8443:8443'", "'8443:8443'"));
      expect(result.status).not.toBe(0);
      expect(result.files[0].messages.map((m) => m.rule)).toContain('no-unbound-port-interfaces');
    });

    it('a style warning, as warnings are not allowed either', async () => {
      const result = await lintBroken((t) => t.replace(/^( {2})auth:/m, '$1zz-auth:'), 0);
      expect(result.status).not.toBe(0);
      expect(result.files[0].messages.map((m) => [m.type, m.rule])).toContainEqual(['warning', 'services-alphabetical-order']);
    });

    it('(and passes the unbroken file from the same folder)', async () => {
      const result = await lintBroken((t) => `${t}# a comment, nothing else changed\n`, 0);
      expect({ status: result.status, errors: result.files[0].errorCount, warnings: result.files[0].warningCount }).toEqual({
        status: 0,
        errors: 0,
        warnings: 0,
      });
    });
  });
});

describe('docker-compose.yml', () => {
  it('has neither `name:` (docker-compose 1.29 rejects it) nor `version:` (obsolete)', () => {
    expect(Object.keys(compose)).not.toContain('name');
    expect(Object.keys(compose)).not.toContain('version');
  });

  it('runs every service of `npm start`, and nothing but known apps', () => {
    for (const spec of SERVICES) {
      expect({ service: spec.name, inCompose: spec.name in services }).toEqual({ service: spec.name, inCompose: true });
    }
    expect(appNames.sort()).toEqual(Object.keys(APP_SCHEMAS).sort());
  });

  it('can scale any service: no container_name, no fixed host port but the load balancer 8443 and the portal 8444', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, container_name: service.container_name }).toEqual({ name, container_name: undefined });
      if (name !== 'gateway-lb' && name !== 'portal') expect({ name, ports: service.ports }).toEqual({ name, ports: undefined });
    }
    expect(services['gateway-lb'].ports).toEqual(['127.0.0.1:8443:8443']);
    expect(services.portal.ports).toEqual(['127.0.0.1:8444:8444']);
  });

  it('balances the gateways in TCP mode, passing TLS through, finding every replica by name', () => {
    const lb = services['gateway-lb'];
    expect(dependenciesOf(lb)).toEqual({ gateway: { condition: 'service_healthy' } });
    const config = mountsOf(lb).find((m) => m.source === './deploy/haproxy/haproxy.cfg');
    expect(config).toMatchObject({ readOnly: true });
    const cfg = readFileSync(repoPath('deploy/haproxy/haproxy.cfg'), 'utf8');
    const command = lb.command as string[];
    expect(command).toContain((config as { target: string }).target);
    expect(cfg).toMatch(/^\s*mode tcp$/m);
    expect(cfg).not.toMatch(/^\s*bind .*\bssl\b/m); // no TLS termination at the balancer
    expect(cfg).toMatch(/^\s*bind :8443$/m);
    expect(cfg).toMatch(/^\s*server-template \S+ \d+ gateway:8443$/m);
    expect(cfg).toMatch(/resolvers docker/);
  });

  it('restarts every service and checks its health', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
      const test = healthcheckArgs(service);
      expect({ name, kind: test[0], hasCommand: test.length > 1 && test[1] !== '' }).toEqual({ name, kind: 'CMD', hasCommand: true });
      expect(service.healthcheck?.disable).not.toBe(true);
    }
  });

  it('starts each app only once what it uses is healthy', () => {
    for (const name of appNames) {
      const deps = dependenciesOf(services[name]);
      // Every compose service named as a host in the app's URLs (NATS_URL, *_DATABASE_URL), plus APP_DEPENDENCIES.
      const used = new Set(APP_DEPENDENCIES[name] ?? []);
      for (const value of Object.values(resolvedEnv(name))) {
        if (!/^[a-z]+:\/\//.test(value)) continue;
        const host = new URL(value).hostname;
        if (host in services) used.add(host);
      }
      expect({ name, dependsOn: Object.keys(deps).sort() }).toEqual({ name, dependsOn: [...used].sort() });
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect({ name, dep, condition }).toEqual({ name, dep, condition: 'service_healthy' });
        expect(services[dep]?.healthcheck).toBeDefined();
      }
    }
    expect(Object.keys(dependenciesOf(services.auth)).sort()).toEqual(['nats', 'postgres']);
    expect(Object.keys(dependenciesOf(services.identity)).sort()).toEqual(['nats', 'postgres']);
    expect(Object.keys(dependenciesOf(services.policy)).sort()).toEqual(['auth', 'identity', 'nats']);
    // policy has no database.
    expect(Object.keys(environmentOf(services.policy)).filter((k) => k.includes('DATABASE'))).toEqual([]);
    expect(Object.keys(dependenciesOf(services.gateway)).sort()).toEqual(['audit', 'auth', 'identity', 'nats', 'policy']);
    expect(Object.keys(dependenciesOf(services.audit)).sort()).toEqual(['nats', 'postgres']);
  });

  it('builds each app from its own Dockerfile target', () => {
    const stageNames = stages.map((s) => s.name);
    for (const name of appNames) {
      const build = services[name].build;
      expect(typeof build === 'object' ? { context: build.context, target: build.target } : build).toEqual({ context: '.', target: name });
      expect(stageNames).toContain(targetOf(services[name]));
      expect(existsSync(repoPath('apps', name, 'src', 'main.ts'))).toBe(true);
    }
  });

  it('tells the required variables from the defaulted ones (so the check below can fail)', () => {
    // Not every app has one (identity and policy have none); these two do.
    expect(requiredVars(identityEnvSchema)).toEqual([]);
    expect(requiredVars(policyEnvSchema)).toEqual([]);
    expect(requiredVars(authEnvSchema)).toEqual(['AUTH_KEY_ENCRYPTION_KEY']);
    expect(requiredVars(gatewayEnvSchema).sort()).toEqual(['GATEWAY_TLS_CERT_FILE', 'GATEWAY_TLS_KEY_FILE']);
  });

  describe.each(Object.keys(APP_SCHEMAS))('the %s environment', (name) => {
    const schema = APP_SCHEMAS[name];
    const known = Object.keys(schema.shape);
    const spec = SERVICES.find((s) => s.name === name) as ServiceSpec;

    it("sets only variables the service's config schema knows (no typo)", () => {
      const unknown = Object.keys(environmentOf(services[name])).filter((k) => !known.includes(k));
      expect(unknown).toEqual([]);
    });

    it('provides every variable the schema requires (those without a default)', () => {
      expect(requiredVars(schema).filter((k) => !(k in environmentOf(services[name])))).toEqual([]);
    });

    it('passes the schema once interpolated with only the required variables set', () => {
      expect(() => loadConfig(schema, resolvedEnv(name))).not.toThrow();
    });

    it('listens on every interface of the container, on the port its healthcheck probes', () => {
      const env = resolvedEnv(name);
      expect(env[spec.health.hostVar]).toBe('0.0.0.0');
      const test = healthcheckArgs(services[name]);
      expect(test.slice(0, 3)).toEqual(['CMD', 'node', 'deploy/healthcheck.js']);
      expect(test[3]).toBe(healthUrl(spec, env));
      expect(new URL(test[3]).pathname).toBe('/health/ready');
    });

    it('runs with tini, read-only, without capabilities', () => {
      const s = services[name];
      expect({ init: s.init, read_only: s.read_only, cap_drop: s.cap_drop }).toEqual({ init: true, read_only: true, cap_drop: ['ALL'] });
    });
  });

  it('requires the key-encryption key: no default, compose refuses to start without it', () => {
    const value = environmentOf(services.auth).AUTH_KEY_ENCRYPTION_KEY;
    expect(value).toMatch(/^\$\{AUTH_KEY_ENCRYPTION_KEY:\?[^}]+\}$/);
    expect(variablesIn(value)).toEqual([{ name: 'AUTH_KEY_ENCRYPTION_KEY', required: true, hasDefault: false }]);
    expect(() => resolvedEnv('auth', {})).toThrow(MissingVariableError);
    expect(() => resolvedEnv('auth', { AUTH_KEY_ENCRYPTION_KEY: '' })).toThrow(MissingVariableError);
    expect(resolvedEnv('auth').AUTH_KEY_ENCRYPTION_KEY).toBe(KEK);
    // Only the auth service gets it.
    for (const name of Object.keys(services).filter((n) => n !== 'auth')) {
      expect(Object.keys(environmentOf(services[name]))).not.toContain('AUTH_KEY_ENCRYPTION_KEY');
    }
  });

  it('gives auth and the gateway the same issuer, and every app the same NATS, unprefixed', () => {
    for (const vars of [USER_VARS, { ...USER_VARS, GATEHOUSE_PUBLIC_URL: 'https://auth.example.com', NATS_SUBJECT_PREFIX: 'staging.' }]) {
      const auth = resolvedEnv('auth', vars);
      const gateway = resolvedEnv('gateway', vars);
      expect(auth.AUTH_ISSUER).toBe(gateway.GATEWAY_ISSUER);
      for (const name of appNames) {
        const env = resolvedEnv(name, vars);
        // The NATS permissions name the subjects unprefixed: no prefix, whatever the environment says.
        expect({ name, url: env.NATS_URL, prefix: env.NATS_SUBJECT_PREFIX }).toEqual({ name, url: auth.NATS_URL, prefix: '' });
      }
    }
    expect(resolvedEnv('auth').AUTH_ISSUER).toBe('https://localhost:8443');
  });

  it('gives every portal replica one CSRF key from .env, required (a random key per process breaks a form posted to another replica)', () => {
    const env = environmentOf(services.portal);
    expect(variablesIn(env.PORTAL_CSRF_KEY)).toEqual([{ name: 'PORTAL_CSRF_KEY', required: true, hasDefault: false }]);
    expect(() => resolvedEnv('portal', { ...USER_VARS, PORTAL_CSRF_KEY: '' })).toThrow(MissingVariableError);
  });

  describe('NATS users (deploy/nats/nats-server.conf)', () => {
    const config = readFileSync(repoPath(NATS_CONFIG), 'utf8');
    /** user → the environment variable its password comes from, as the config declares them. */
    const configUsers = Object.fromEntries([...config.matchAll(/\buser:\s*(\w+)\s+password:\s*\$(\w+)/g)].map((m) => [m[1], m[2]]));

    it('declares one user per app and one for the operator, each password from its own variable', () => {
      expect(configUsers).toEqual(Object.fromEntries(NATS_USERS.map((u) => [u, natsPasswordVar(u)])));
      // and nothing else lets a client in: no anonymous user, no token, no second way to log in
      expect(config).not.toMatch(/\bno_auth_user\b|\btoken\s*:|\bnkey\s*:/);
      expect(config.match(/\bpassword:/g)).toHaveLength(NATS_USERS.length);
    });

    it.each(Object.keys(APP_SCHEMAS))('%s logs in as its own user, with a required password (no default)', (name) => {
      const env = environmentOf(services[name]);
      expect(env.NATS_USER).toBe(name);
      expect(variablesIn(env.NATS_PASSWORD)).toEqual([{ name: natsPasswordVar(name), required: true, hasDefault: false }]);
      expect(resolvedEnv(name).NATS_PASSWORD).toBe(NATS_PASSWORDS[natsPasswordVar(name)]);
      expect(() => resolvedEnv(name, { ...USER_VARS, [natsPasswordVar(name)]: '' })).toThrow(MissingVariableError);
      // The user and the password match the config's.
      expect(configUsers[env.NATS_USER]).toBe(natsPasswordVar(name));
    });

    it('gives no two apps the same user, and no app another app’s password or the operator’s', () => {
      const users = appNames.map((n) => environmentOf(services[n]).NATS_USER);
      expect(new Set(users).size).toBe(appNames.length);
      for (const name of Object.keys(services)) {
        const env = environmentOf(services[name]);
        const passwords = Object.values(env)
          .flatMap((v) => variablesIn(v).map((x) => x.name))
          .filter((v) => /^NATS_\w+_PASSWORD$/.test(v))
          .sort();
        // Only the nats service holds every password (its config reads them).
        expect({ name, passwords }).toEqual({ name, passwords: name === 'nats' ? NATS_USERS.map(natsPasswordVar).sort() : appNames.includes(name) ? [natsPasswordVar(name)] : [] });
      }
    });

    it('passes every password to the nats service, required', () => {
      const env = environmentOf(services.nats);
      for (const user of NATS_USERS) {
        const variable = natsPasswordVar(user);
        expect({ variable, refs: variablesIn(env[variable] ?? '') }).toEqual({ variable, refs: [{ name: variable, required: true, hasDefault: false }] });
      }
      expect(() => resolvedEnv('nats', { ...USER_VARS, NATS_CLI_PASSWORD: '' })).toThrow(MissingVariableError);
    });

    it('is a config nats-server accepts with the passwords set, and refuses without one', async () => {
      const bin = natsServerBinary();
      const file = repoPath(NATS_CONFIG);
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...NATS_PASSWORDS };
      expect(await spawnStatus(bin, ['-c', file, '-t'], env)).toEqual({ code: 0, stderr: expect.stringContaining('is valid') });
      const { NATS_GATEWAY_PASSWORD: _, ...missing } = env;
      const refused = await spawnStatus(bin, ['-c', file, '-t'], missing);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('NATS_GATEWAY_PASSWORD');
    });
  });

  it.each([
    ['auth', 'AUTH_DATABASE_URL', '/gatehouse_auth'],
    ['identity', 'IDENTITY_DATABASE_URL', '/gatehouse_identity'],
  ])('connects %s to the postgres service with its password, in its own database', (name, urlVar, database) => {
    for (const vars of [USER_VARS, { ...USER_VARS, POSTGRES_PASSWORD: 's3cret' }]) {
      const url = new URL(resolvedEnv(name, vars)[urlVar]);
      const postgres = resolvedEnv('postgres', vars);
      expect({ host: url.hostname, port: url.port, user: url.username, password: url.password, database: url.pathname }).toEqual({
        host: 'postgres',
        port: '5432',
        user: postgres.POSTGRES_USER ?? 'postgres',
        password: postgres.POSTGRES_PASSWORD,
        database,
      });
    }
  });

  it('mounts the TLS files read-only where the gateway reads them, from ./.data/tls by default', () => {
    const env = resolvedEnv('gateway');
    const mounts = mountsOf(services.gateway);
    for (const file of [env.GATEWAY_TLS_CERT_FILE, env.GATEWAY_TLS_KEY_FILE]) {
      const mount = mounts.find((m) => file.startsWith(`${m.target}/`));
      expect({ file, mount: mount && { readOnly: mount.readOnly, source: interpolate(mount.source, USER_VARS) } }).toEqual({
        file,
        mount: { readOnly: true, source: './.data/tls' },
      });
      // The file names `npm start` generates.
      expect(posix.basename(file)).toMatch(/^(cert|key)\.pem$/);
    }
    expect(interpolate(mounts[0].source, { GATEWAY_TLS_DIR: '/etc/ssl/gatehouse' })).toBe('/etc/ssl/gatehouse');
  });

  it('runs NATS with its config, JetStream stored on a volume, and a healthcheck the alpine image can run', () => {
    const nats = services.nats;
    expect(nats.image).toMatch(/^nats:2\.10(\.\d+)?-alpine/);
    const command = Array.isArray(nats.command) ? nats.command : (nats.command ?? '').split(/\s+/);
    // The config file of the repository, mounted read-only.
    const configFlag = command.findIndex((a) => a === '-c' || a === '--config');
    expect(configFlag).toBeGreaterThan(-1);
    const configMount = mountsOf(nats).find((m) => m.target === command[configFlag + 1]);
    expect(configMount).toEqual({ source: `./${NATS_CONFIG}`, target: command[configFlag + 1], readOnly: true });
    const config = readFileSync(repoPath(NATS_CONFIG), 'utf8');
    // JetStream on, monitoring on 8222, clients on 4222 (in the config, not on the command line)
    expect(config).toMatch(/^jetstream:\s*enabled\s*$/m);
    expect(config).toMatch(/^http_port:\s*8222\s*$/m);
    expect(config).toMatch(/^port:\s*4222\s*$/m);
    // and the store folder on the command line, on the volume (nats-server refuses it in both places).
    expect(config).not.toMatch(/\bstore_dir\b\s*:/);
    const storeFlag = command.findIndex((a) => a === '-sd' || a === '--store_dir');
    expect(storeFlag).toBeGreaterThan(-1);
    expect(mountsOf(nats).map((m) => m.target)).toContain(command[storeFlag + 1]);
    expect(healthcheckArgs(nats).slice(0, 2)).toEqual(['CMD', 'wget']);
    expect(healthcheckArgs(nats).join(' ')).toContain('http://127.0.0.1:8222/healthz');
    expect(new URL(resolvedEnv('auth').NATS_URL).port).toBe('4222');
  });

  it('runs PostgreSQL 15 on a volume, ready only once it accepts TCP connections', () => {
    const postgres = services.postgres;
    expect(postgres.image).toMatch(/^postgres:15(\b|-)/);
    expect(mountsOf(postgres).map((m) => m.target)).toContain('/var/lib/postgresql/data');
    const test = healthcheckArgs(postgres);
    expect(test.slice(0, 2)).toEqual(['CMD', 'pg_isready']);
    expect(test[test.indexOf('-h') + 1]).toBe('127.0.0.1');
  });

  it('declares every named volume it mounts', () => {
    for (const service of Object.values(services)) {
      for (const { source } of mountsOf(service)) {
        if (source && !/^[./~$]/.test(source)) expect(Object.keys(compose.volumes ?? {})).toContain(source);
      }
    }
  });
});

describe('tools/compose/compose.ci.yml (the override of npm run test:compose)', () => {
  const override = readCompose(repoPath('tools/compose/compose.ci.yml'));

  it('names only services of docker-compose.yml, and changes nothing but images and how they are built', () => {
    for (const [name, service] of Object.entries(override.services)) {
      expect({ name, known: name in services }).toEqual({ name, known: true });
      expect({ name, keys: Object.keys(service).filter((k) => k !== 'image' && k !== 'build') }).toEqual({ name, keys: [] });
      if (service.build === undefined) continue;
      const build = service.build as Record<string, unknown>;
      expect(Object.keys(build).sort()).toEqual(['args', 'context', 'network', 'target']);
      expect(build.network).toBe('host');
      expect(build.target).toBe(targetOf(services[name]));
      expect(Object.keys(build.args as object).sort()).toEqual(['NODE_IMAGE', 'RUNTIME_IMAGE']);
    }
  });
});

describe('Dockerfile', () => {
  const stage = (name: string) => stages.find((s) => s.name === name) as DockerStage;
  const runs = (s: DockerStage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const targets = appNames.map((n) => targetOf(services[n]) as string);

  it('starts from node:20-bookworm-slim by default, from build arguments (so CI can give local images)', () => {
    const bases = stages.map((s) => s.from).filter((from) => !stages.some((s) => s.name === from));
    expect([...new Set(bases)].sort()).toEqual(['${NODE_IMAGE}', '${RUNTIME_IMAGE}']);
    const text = readFileSync(repoPath('Dockerfile'), 'utf8');
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(text).toMatch(/^ARG RUNTIME_IMAGE=node:20-bookworm-slim$/m);
    expect(stage('runtime').from).toBe('${RUNTIME_IMAGE}');
  });

  it('builds with every dependency: npm ci, then npm run build', () => {
    const build = stage('build');
    expect(runs(build).some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(runs(build).some((r) => /\bnpm run build\b/.test(r))).toBe(true);
  });

  it.each(targets)('target %s: production dependencies, dist/ and the path resolver; runs as node', (target) => {
    const chain = stageChain(stages, target);
    expect(chain.map((s) => s.name)).toContain('runtime');
    const copiesOf = (list: DockerStage[]) => list.flatMap((s) => s.instructions.filter((i) => i.keyword === 'COPY').map(copySources));
    // The runtime copies /app whole from the stage that assembles it (modes fixed there).
    const assembled = copiesOf([stage('runtime')]).find((c) => c.from && c.sources[0] === '/app')?.from as string;
    expect(assembled).toBeDefined();
    const copies = [...copiesOf(chain), ...copiesOf([stage(assembled)])];
    const fromStage = (dest: string) => copies.find((c) => posix.normalize(c.dest) === dest && c.from)?.from;
    const nodeModulesFrom = fromStage('node_modules');
    expect(nodeModulesFrom).toBeDefined();
    expect(runs(stage(nodeModulesFrom as string)).some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    // Only the service's own compiled code and the libraries: not the other apps, not the tools.
    expect(fromStage('dist/libs')).toBe('build');
    expect(fromStage(`dist/apps/${target}`)).toBe('build');
    expect(copies.filter((c) => c.from === 'build').map((c) => c.sources[0]).filter((src) => /dist\/apps\//.test(src))).toEqual([
      `/app/dist/apps/${target}`,
    ]);
    expect(effective(stages, target, 'HEALTHCHECK')?.args).toContain('deploy/healthcheck.js');
    const fromContext = copies.filter((c) => !c.from).flatMap((c) => c.sources);
    for (const file of ['tsconfig.base.json', 'tools/runtime/register-paths.js', 'deploy/healthcheck.js']) {
      expect(fromContext).toContain(file);
    }

    expect(effective(stages, target, 'USER')?.args).toBe('node');
    expect(effective(stages, target, 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(effective(stages, target, 'WORKDIR')?.args).toBe('/app');
    expect(JSON.parse(effective(stages, target, 'CMD')?.args ?? 'null')).toEqual([
      'node',
      '-r',
      './tools/runtime/register-paths.js',
      `dist/apps/${target}/src/main.js`,
    ]);
    // USER is set once, in runtime, never switched back in a target.
    expect(stage(target).instructions.filter((i) => i.keyword === 'USER')).toEqual([]);
  });

  it.each(targets)('target %s: ENV names the app and sets only variables its schema knows', (target) => {
    const env: Record<string, string> = {};
    for (const s of stageChain(stages, target).reverse()) {
      for (const i of s.instructions.filter((x) => x.keyword === 'ENV')) {
        for (const pair of i.args.split(/\s+/)) {
          const [k, v] = pair.split('=');
          env[k] = v;
        }
      }
    }
    expect(env.APP).toBe(target);
    const known = Object.keys(APP_SCHEMAS[target].shape);
    expect(Object.keys(env).filter((k) => !['APP', 'NODE_ENV'].includes(k) && !known.includes(k))).toEqual([]);
  });

  it('bakes no secret in: no secret-looking ARG or ENV, nothing copied from .data or .env', () => {
    for (const s of stages) {
      for (const i of s.instructions) {
        if (i.keyword === 'ARG' || i.keyword === 'ENV') expect(i.args).not.toMatch(/KEY|SECRET|PASSWORD|TOKEN/i);
        if (i.keyword === 'COPY' || i.keyword === 'ADD') expect(i.args).not.toMatch(/\.data|\.env|\bkek\b|\.pem/);
      }
    }
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const fromContext = stages.flatMap((s) =>
      s.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map(copySources).filter((c) => !c.from),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext.flatMap((c) => c.sources)) {
      expect({ source, exists: existsSync(repoPath(source)), ignored: ignored(source) }).toEqual({ source, exists: true, ignored: false });
    }
  });
});

describe('.dockerignore', () => {
  it('keeps out dependencies, builds, local data and secrets, logs, git', () => {
    for (const path of [
      'node_modules/zod/package.json',
      'apps/auth/node_modules/x/index.js',
      'dist/apps/auth/src/main.js',
      '.data/tls/key.pem',
      '.data/secrets/kek',
      '.env',
      '.env.local',
      '.nx/cache/x',
      'tmp/x',
      'coverage/lcov.info',
      '.git/HEAD',
      'npm-debug.log',
      '.data/logs/auth.log',
      'apps/auth/debug.log',
    ]) {
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
    }
    for (const path of ['apps/auth/src/main.ts', 'libs/platform/src/index.ts', 'package-lock.json', 'deploy/healthcheck.js']) {
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: false });
    }
  });
});

describe('deploy/healthcheck.js', () => {
  jest.setTimeout(30_000);
  const script = repoPath('deploy', 'healthcheck.js');
  const servers: Server[] = [];
  const listen = async (server: Server): Promise<number> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const probe = (url: string) => spawnStatus(process.execPath, [script, url], { ...process.env, HEALTHCHECK_TIMEOUT_MS: '500' });
  afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

  it('exits 0 on a 2xx answer, 1 on any other status', async () => {
    const port = await listen(
      createHttpServer((req, res) => {
        res.statusCode = req.url === '/health/ready' ? 200 : 503;
        res.end();
      }),
    );
    expect((await probe(`http://127.0.0.1:${port}/health/ready`)).code).toBe(0);
    const down = await probe(`http://127.0.0.1:${port}/other`);
    expect(down).toEqual({ code: 1, stderr: expect.stringContaining('HTTP 503') });
  });

  it('accepts a self-signed certificate over https', async () => {
    const { cert, key } = await generateLocalhostCertificate();
    const port = await listen(createHttpsServer({ cert, key }, (_req, res) => res.end('ok')));
    expect((await probe(`https://127.0.0.1:${port}/health/ready`)).code).toBe(0);
  });

  it('exits 1 when nothing listens, when the answer is late, on a bad argument', async () => {
    const closed = await listen(createHttpServer());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect((await probe(`http://127.0.0.1:${closed}/health/ready`)).code).toBe(1);
    const silent = await listen(createHttpServer(() => undefined));
    const late = await probe(`http://127.0.0.1:${silent}/health/ready`);
    expect(late).toEqual({ code: 1, stderr: expect.stringContaining('no answer within 500 ms') });
    expect((await probe('not a url')).code).toBe(1);
    expect((await probe('ftp://127.0.0.1/')).code).toBe(1);
  });
});

describe('support: compose interpolation', () => {
  it('follows compose: :- and - defaults, :? and ? requirements, $$', () => {
    expect(interpolate('${A:-x}', {})).toBe('x');
    expect(interpolate('${A:-x}', { A: '' })).toBe('x');
    expect(interpolate('${A-x}', { A: '' })).toBe('');
    expect(interpolate('${A:-${B:-y}}', {})).toBe('y');
    expect(interpolate('a$${A}b', { A: 'no' })).toBe('a${A}b');
    expect(interpolate('$A/${A}', { A: 'v' })).toBe('v/v');
    expect(interpolate('${A:+set}', { A: 'v' })).toBe('set');
    expect(() => interpolate('${A:?needed}', { A: '' })).toThrow('A: needed');
    expect(interpolate('${A?needed}', { A: '' })).toBe('');
    expect(() => interpolate('${A?needed}', {})).toThrow(MissingVariableError);
  });
});
