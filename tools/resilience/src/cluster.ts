import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthSubjects, CredentialsCreatedResponse, ProjectView } from '@gatehouse/contracts';
import { createLogger, NatsService } from '@gatehouse/platform';
import {
  createDatabase,
  dropDatabase,
  dropIdentityStream,
  ensureLocalSecrets,
  freePort,
  ownEnv,
  randomRunId,
  readyUrl,
  ServiceName,
  ServiceProcess,
  serviceScript,
  spawnService,
  SYSTEM_SERVICES,
  waitForHealthy,
  withDatabase,
} from '@gatehouse/supervisor';

interface Instance {
  service: ServiceName;
  name: string;
  env: Record<string, string>;
  healthUrl: string;
  proc?: ServiceProcess;
}

export interface ClusterOptions {
  postgresUrl: string;
  natsUrl: string;
  /** Instances of every service. */
  replicas: number;
}

/**
 * The whole system with `replicas` instances of every service (gateways on
 * ports of their own), a fresh database per service and a subject prefix of its
 * own, on the given PostgreSQL and NATS. Instances can be killed and restarted
 * with the environment they had; every line they write goes to one log folder.
 */
export class Cluster {
  private readonly instances = new Map<string, Instance>();
  private readonly crashes: string[] = [];
  private admin?: NatsService;

  private constructor(
    readonly opts: ClusterOptions,
    readonly prefix: string,
    readonly dir: string,
    readonly ca: string,
    private readonly databases: string[],
  ) {}

  static async start(opts: ClusterOptions): Promise<Cluster> {
    const runId = randomRunId();
    const dir = mkdtempSync(join(tmpdir(), `gatehouse-resilience-${runId}-`));
    const secrets = await ensureLocalSecrets(join(dir, 'data'));
    const authDb = withDatabase(opts.postgresUrl, `gh_res_${runId}_auth`);
    const identityDb = withDatabase(opts.postgresUrl, `gh_res_${runId}_identity`);
    const cluster = new Cluster(opts, `res${runId}.`, dir, readFileSync(secrets.tlsCertFile, 'utf8'), [authDb, identityDb]);
    try {
      for (const db of [authDb, identityDb]) await createDatabase(db);
      const common = {
        NATS_URL: opts.natsUrl,
        NATS_SUBJECT_PREFIX: cluster.prefix,
        LOG_LEVEL: 'info',
        AUTH_ISSUER: 'https://localhost:8443',
        GATEWAY_ISSUER: 'https://localhost:8443',
      };
      const resources = { databases: { auth: authDb, identity: identityDb }, secrets };
      for (const service of SYSTEM_SERVICES) {
        for (let i = 1; i <= opts.replicas; i++) {
          const port = await freePort();
          const instance: Instance = { service, name: `${service}-${i}`, env: { ...common, ...ownEnv(service, port, resources) }, healthUrl: readyUrl(service, port) };
          cluster.instances.set(instance.name, instance);
          await cluster.launch(instance);
        }
      }
      cluster.admin = await NatsService.connect({
        url: opts.natsUrl,
        name: 'resilience-admin',
        prefix: cluster.prefix,
        requestTimeoutMs: 5_000,
        logger: createLogger('resilience', 'silent'),
      });
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** The gateways' base URLs, by instance name. */
  gateways(): Array<{ name: string; url: string }> {
    return [...this.instances.values()]
      .filter((i) => i.service === 'gateway')
      .map((i) => ({ name: i.name, url: `https://localhost:${i.env.GATEWAY_PORT}` }));
  }

  /** kill -9, and wait until it is gone. An instance that had already died on its own is recorded as a crash. */
  async kill9(name: string): Promise<void> {
    const instance = this.instance(name);
    if (instance.proc?.exitStatus) this.crashes.push(`${name} exited ${JSON.stringify(instance.proc.exitStatus)} before its kill`);
    instance.proc?.kill9();
    await instance.proc?.exited;
    instance.proc = undefined;
  }

  /** Starts the instance again with the environment it had; resolves once it reports ready. */
  async restart(name: string): Promise<void> {
    await this.launch(this.instance(name));
  }

  /** A project with one credential pair, made as the operator's CLI does. */
  async partner(): Promise<CredentialsCreatedResponse> {
    if (!this.admin) throw new Error('not started');
    const project = await this.admin.request<ProjectView>(AuthSubjects.projectCreate, { name: 'resilience' });
    return this.admin.request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, { project_id: project.project_id });
  }

  /** Instances that exited without being asked to (a crash the run did not cause). */
  unexpectedExits(): string[] {
    const now = [...this.instances.values()].filter((i) => i.proc?.exitStatus).map((i) => `${i.name} exited ${JSON.stringify(i.proc?.exitStatus)}`);
    return [...this.crashes, ...now];
  }

  logDir(): string {
    return join(this.dir, 'logs');
  }

  /** Stops everything; the databases and the stream go; the logs stay unless `keepLogs` is false. */
  async stop(keepLogs = true): Promise<void> {
    await this.admin?.close().catch(() => undefined);
    for (const instance of [...this.instances.values()].reverse()) await instance.proc?.stop('SIGTERM', 10_000).catch(() => undefined);
    for (const db of this.databases) await dropDatabase(db).catch(() => undefined);
    await dropIdentityStream(this.opts.natsUrl, this.prefix).catch(() => undefined);
    if (keepLogs) rmSync(join(this.dir, 'data'), { recursive: true, force: true });
    else rmSync(this.dir, { recursive: true, force: true });
  }

  private instance(name: string): Instance {
    const instance = this.instances.get(name);
    if (!instance) throw new Error(`no instance ${name}`);
    return instance;
  }

  private async launch(instance: Instance): Promise<void> {
    instance.proc = spawnService({
      name: instance.name,
      script: serviceScript(instance.service),
      env: instance.env,
      logFile: join(this.logDir(), `${instance.name}.log`),
    });
    await waitForHealthy(instance.healthUrl, { timeoutMs: 60_000, process: instance.proc, ca: this.ca, intervalMs: 50 });
  }
}
