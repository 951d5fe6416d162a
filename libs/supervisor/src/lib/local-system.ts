import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditStream, AuthSubjects, CredentialsCreatedResponse, GatewayBuckets, identityEventsStream, kvBucketName, PortalBuckets, ProjectView } from '@gatehouse/contracts';
import { createLogger, NatsService } from '@gatehouse/platform';
import { createDatabase, dropDatabase, randomRunId, withDatabase } from './databases';
import { freePort } from './free-port';
import { ensureLocalSecrets, LocalSecrets } from './local-secrets';
import { repoRoot } from './repo-root';
import { ServiceProcess, spawnService } from './service-process';
import { healthUrl, LaunchContext, metricsUrl, scriptPath, serviceEnv, serviceSpec, SERVICES, ServiceName, ServiceSpec } from './services';
import { waitForHealthy } from './wait-for-healthy';

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
/** The issuer the services are given (their configuration's default, the `npm start` one). */
const ISSUER = 'https://localhost:8443';

export interface BrokerOptions {
  url: string;
  /** The subject prefix; default a fresh one of the run (`''` runs the services unprefixed, as in production). */
  prefix?: string;
  /** The credentials of the system's own connection (admin(): projects, credentials); the services' go in `env`. */
  user?: string;
  password?: string;
}

export interface LocalSystemOptions {
  /** Names the run's databases (`gh_<tag>_<run>_<service>`) and temp dir. */
  tag: string;
  /** The subject prefix is `<subjectTag><run>.` (default: the tag). */
  subjectTag?: string;
  /** A server URL; each service with a database gets a fresh one on it. Default TEST_POSTGRES_URL or the local server. */
  postgresUrl?: string;
  /**
   * A broker of the caller's own (its URL, prefix, credentials): the identity stream is
   * left on it at stop. Default: the shared one (NATS_URL), where the run's stream is dropped.
   */
  broker?: BrokerOptions;
  /** The shared broker's URL (default NATS_URL, else the local one), when no `broker` is given. */
  natsUrl?: string;
  /** Which rows of the table, in table order. Default: all. */
  services?: readonly ServiceName[];
  /** Instances per service; default the table's. More than one: instances are named `<service>-<n>`. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** Given to every service (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** Per service, over everything else (limits, a relay URL, NATS credentials). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Where an instance's output is appended, if anywhere. */
  logFile?: (where: { runId: string; dir: string; instance: string }) => string | undefined;
  /** Every output line of every instance. */
  onLine?: (instance: string, line: string) => void;
  /** Per instance, from spawn to its readiness. Default 30 s. */
  readyTimeoutMs?: number;
  /** Between readiness probes. Default 100 ms. */
  readyIntervalMs?: number;
  /** The table (tests of this class give their own). */
  table?: readonly ServiceSpec<ServiceName>[];
}

export interface Instance {
  readonly name: string;
  readonly service: ServiceName;
  /** The environment it is started with (again, on a restart). */
  readonly env: Record<string, string>;
  readonly healthUrl: string;
  /** Where it serves `GET /metrics`. */
  readonly metricsUrl: string;
  /** Undefined when not running (stopped, killed, or not started yet). */
  proc?: ServiceProcess;
}

/**
 * A whole system on this machine as the harnesses run it (the e2e suite, the
 * benches, the resilience cluster): compiled services from the SERVICES table,
 * started in order with their replicas and each instance on a free port, a fresh
 * database per service that has one, a subject prefix of the run (so runs and a
 * developer's `npm start` never answer each other), TLS with a throwaway
 * certificate. Instances can be stopped, killed, restarted with the environment
 * they had, and added. stop() leaves nothing behind.
 */
export class LocalSystem {
  private readonly byName = new Map<string, Instance>();
  private readonly serviceEnvs = new Map<ServiceName, Record<string, string>>();
  private readonly databases: string[] = [];
  private adminConnection?: Promise<NatsService>;
  readonly secrets: LocalSecrets;
  /** The local certificate (PEM): the CA clients trust. */
  readonly ca: string;

  private constructor(
    private readonly opts: LocalSystemOptions,
    readonly runId: string,
    readonly prefix: string,
    /** The run's temp dir: secrets in data/, whatever the caller puts there. */
    readonly dir: string,
    secrets: LocalSecrets,
    readonly broker: BrokerOptions & { own: boolean },
  ) {
    this.secrets = secrets;
    this.ca = readFileSync(secrets.tlsCertFile, 'utf8');
  }

  static async start(opts: LocalSystemOptions): Promise<LocalSystem> {
    const runId = randomRunId();
    const prefix = opts.broker?.prefix ?? `${opts.subjectTag ?? opts.tag}${runId}.`;
    const dir = mkdtempSync(join(tmpdir(), `gatehouse-${opts.tag}-${runId}-`));
    const secrets = await ensureLocalSecrets(join(dir, 'data'));
    const broker = opts.broker ? { ...opts.broker, own: true } : { url: opts.natsUrl ?? process.env.NATS_URL ?? DEFAULT_NATS_URL, own: false };
    const system = new LocalSystem(opts, runId, prefix, dir, secrets, broker);
    try {
      await system.boot();
    } catch (err) {
      await system.stop();
      throw err;
    }
    return system;
  }

  private get table(): readonly ServiceSpec<ServiceName>[] {
    const table = this.opts.table ?? SERVICES;
    const wanted = this.opts.services;
    return wanted ? table.filter((s) => wanted.includes(s.name)) : table;
  }

  private async boot(): Promise<void> {
    const postgres = this.opts.postgresUrl ?? process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
    const ctx: LaunchContext = {
      kek: this.secrets.kek,
      tlsCertFile: this.secrets.tlsCertFile,
      tlsKeyFile: this.secrets.tlsKeyFile,
      publicUrl: ISSUER,
    };
    for (const spec of this.table) {
      const env: Record<string, string> = {
        NATS_URL: this.broker.url,
        NATS_SUBJECT_PREFIX: this.prefix,
        ...HARNESS_ENV,
        ...this.opts.env,
        ...serviceEnv(spec, ctx, {}),
      };
      if (spec.database) {
        const url = withDatabase(postgres, `gh_${this.opts.tag}_${this.runId}_${spec.name}`);
        await createDatabase(url);
        this.databases.push(url);
        env[spec.database.urlVar] = url;
      }
      this.serviceEnvs.set(spec.name, env);
    }
    for (const spec of this.table) {
      const replicas = this.opts.replicas?.[spec.name] ?? spec.replicas;
      for (let i = 1; i <= replicas; i++) await this.start(replicas === 1 ? spec.name : `${spec.name}-${i}`, spec.name);
    }
  }

  /** A service's environment (its first instance's: database, secrets, port). */
  env(service: ServiceName): Record<string, string> {
    const first = [...this.byName.values()].find((i) => i.service === service);
    const env = first?.env ?? this.serviceEnvs.get(service);
    if (!env) throw new Error(`${service} is not part of this system`);
    return env;
  }

  /**
   * Starts an instance and waits until it reports ready. A known one (stopped or
   * killed) starts again with the environment it had, plus `env`; a new one of
   * `service` gets the service's environment, a free port (unless `env` names
   * one), then `env`.
   */
  async start(name: string, service?: ServiceName, env: Record<string, string> = {}): Promise<ServiceProcess> {
    let instance = this.byName.get(name);
    if (instance?.proc && !instance.proc.exitStatus) throw new Error(`${name} is running already`);
    if (!instance || Object.keys(env).length > 0) {
      const of = instance?.service ?? service;
      if (!of) throw new Error(`no instance ${name}: name its service`);
      const spec = this.spec(of);
      const base = instance?.env ?? {
        ...this.serviceEnvs.get(of),
        [spec.health.portVar]: String(await freePort()),
        ...(spec.metrics ? { [spec.metrics.portVar]: String(await freePort()) } : {}),
      };
      const merged = { ...base, ...this.opts.serviceEnv?.[of], ...env };
      instance = { name, service: of, env: merged, healthUrl: healthUrl(spec, merged), metricsUrl: metricsUrl(spec, merged) };
      this.byName.set(name, instance);
    }
    const spec = this.spec(instance.service);
    const current = instance;
    const proc = spawnService({
      name,
      script: scriptPath(spec, repoRoot()),
      env: current.env,
      logFile: this.opts.logFile?.({ runId: this.runId, dir: this.dir, instance: name }),
      onLine: this.opts.onLine ? (line) => this.opts.onLine?.(name, line) : undefined,
    });
    current.proc = proc;
    await waitForHealthy(current.healthUrl, {
      timeoutMs: this.opts.readyTimeoutMs ?? 30_000,
      intervalMs: this.opts.readyIntervalMs,
      process: proc,
      ca: this.ca,
    });
    return proc;
  }

  /** SIGTERM (SIGKILL after 10 s); the instance can be started again. */
  async stopInstance(name: string): Promise<void> {
    const instance = this.byName.get(name);
    await instance?.proc?.stop('SIGTERM', 10_000);
    if (instance) instance.proc = undefined;
  }

  /** kill -9, and wait until it is gone. */
  async kill9(name: string): Promise<void> {
    const instance = this.instance(name);
    instance.proc?.kill9();
    await instance.proc?.exited;
    instance.proc = undefined;
  }

  instance(name: string): Instance {
    const instance = this.byName.get(name);
    if (!instance) throw new Error(`no instance ${name}`);
    return instance;
  }

  /** Every instance, in start order. */
  instances(): Instance[] {
    return [...this.byName.values()];
  }

  /** The processes of the running instances. */
  processes(): ServiceProcess[] {
    return this.instances().flatMap((i) => (i.proc ? [i.proc] : []));
  }

  /** A gateway instance's base URL, under the certificate's name. */
  gatewayUrl(name = 'gateway'): string {
    const instance = this.instance(name);
    return `https://localhost:${instance.env[this.spec(instance.service).health.portVar]}`;
  }

  /** A NATS connection of its own in the system's subject namespace; the caller closes it. */
  connectNats(name: string): Promise<NatsService> {
    return NatsService.connect({
      url: this.broker.url,
      name,
      prefix: this.prefix,
      user: this.broker.user,
      password: this.broker.password,
      requestTimeoutMs: 5_000,
      logger: createLogger(name, 'silent'),
    });
  }

  /** The system's own connection, as the operator's CLI uses (closed at stop). */
  admin(): Promise<NatsService> {
    this.adminConnection ??= this.connectNats(`${this.opts.tag}-${this.runId}`);
    return this.adminConnection;
  }

  async createProject(name = `${this.opts.tag} project`): Promise<ProjectView> {
    return (await this.admin()).request<ProjectView>(AuthSubjects.projectCreate, { name });
  }

  async createCredentials(projectId: string): Promise<CredentialsCreatedResponse> {
    return (await this.admin()).request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, { project_id: projectId });
  }

  /** Stops every instance (last started first); the databases and the run's stream go; the temp dir too unless `keepDir` (then only its secrets). */
  async stop(opts: { keepDir?: boolean } = {}): Promise<void> {
    const admin = this.adminConnection;
    this.adminConnection = undefined;
    await admin?.then((nc) => nc.close()).catch(() => undefined);
    for (const instance of this.instances().reverse()) {
      await instance.proc?.stop('SIGTERM', 10_000).catch(() => undefined);
      instance.proc = undefined;
    }
    for (const db of this.databases.splice(0)) await dropDatabase(db).catch(() => undefined);
    if (!this.broker.own) await dropIdentityStream(this.broker.url, this.prefix).catch(() => undefined);
    rmSync(opts.keepDir ? join(this.dir, 'data') : this.dir, { recursive: true, force: true });
  }

  private spec(service: ServiceName): ServiceSpec<ServiceName> {
    return serviceSpec(service, this.opts.table ?? SERVICES);
  }
}

/**
 * Harnesses drive one project far past Monite's 30 requests a second: the default
 * budget is raised (a suite about rate limits sets its own through serviceEnv).
 */
export const HARNESS_ENV: Readonly<Record<string, string>> = { GATEWAY_RATE_LIMIT_DEFAULT: '100000' };

/**
 * Deletes identity's and audit's JetStream streams of a subject prefix, and the gateway's and the portal's KV buckets
 * of that prefix, so a run leaves nothing behind on a shared broker.
 */
export async function dropIdentityStream(natsUrl: string, prefix: string): Promise<void> {
  const nc = await NatsService.connect({ url: natsUrl, name: 'cleanup', prefix, requestTimeoutMs: 2_000, logger: createLogger('cleanup', 'silent') });
  try {
    const jsm = await nc.connection.jetstreamManager();
    await jsm.streams.delete(identityEventsStream(prefix)).catch(() => undefined);
    await jsm.streams.delete(auditStream(prefix)).catch(() => undefined);
    for (const bucket of [...Object.values(GatewayBuckets), ...Object.values(PortalBuckets)]) await jsm.streams.delete(`KV_${kvBucketName(prefix, bucket)}`).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
