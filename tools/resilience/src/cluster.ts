import { join } from 'node:path';
import { CredentialsCreatedResponse } from '@gatehouse/contracts';
import { LocalSystem, SERVICES, ServiceName } from '@gatehouse/supervisor';

export interface ClusterOptions {
  postgresUrl: string;
  natsUrl: string;
  /** Instances of every service. */
  replicas: number;
}

/**
 * The whole system with `replicas` instances of every service (gateways on
 * ports of their own), a fresh database per service and a subject prefix of its
 * own, on the given PostgreSQL and NATS: a LocalSystem. Instances can be killed
 * and restarted with the environment they had; every line they write goes to one log folder.
 */
export class Cluster {
  private readonly crashes: string[] = [];

  private constructor(private readonly system: LocalSystem) {}

  static async start(opts: ClusterOptions): Promise<Cluster> {
    const replicas = {} as Record<ServiceName, number>;
    for (const spec of SERVICES) replicas[spec.name] = opts.replicas;
    const system = await LocalSystem.start({
      tag: 'res',
      postgresUrl: opts.postgresUrl,
      natsUrl: opts.natsUrl,
      replicas,
      env: { LOG_LEVEL: 'info' },
      logFile: ({ dir, instance }) => join(dir, 'logs', `${instance}.log`),
      readyTimeoutMs: 60_000,
      readyIntervalMs: 50,
    });
    return new Cluster(system);
  }

  get prefix(): string {
    return this.system.prefix;
  }
  get dir(): string {
    return this.system.dir;
  }
  get ca(): string {
    return this.system.ca;
  }

  /** The gateways' base URLs, by instance name. */
  gateways(): Array<{ name: string; url: string }> {
    return this.system
      .instances()
      .filter((i) => i.service === 'gateway')
      .map((i) => ({ name: i.name, url: this.system.gatewayUrl(i.name) }));
  }

  /** kill -9, and wait until it is gone. An instance that had already died on its own is recorded as a crash. */
  async kill9(name: string): Promise<void> {
    const status = this.system.instance(name).proc?.exitStatus;
    if (status) this.crashes.push(`${name} exited ${JSON.stringify(status)} before its kill`);
    await this.system.kill9(name);
  }

  /** Starts the instance again with the environment it had; resolves once it reports ready. */
  async restart(name: string): Promise<void> {
    await this.system.start(name);
  }

  /** A project with one credential pair, made as the operator's CLI does. */
  async partner(): Promise<CredentialsCreatedResponse> {
    const project = await this.system.createProject('resilience');
    return this.system.createCredentials(project.project_id);
  }

  /** Instances that exited without being asked to (a crash the run did not cause). */
  unexpectedExits(): string[] {
    const now = this.system
      .instances()
      .filter((i) => i.proc?.exitStatus)
      .map((i) => `${i.name} exited ${JSON.stringify(i.proc?.exitStatus)}`);
    return [...this.crashes, ...now];
  }

  logDir(): string {
    return join(this.dir, 'logs');
  }

  /** Stops everything; the databases and the stream go; the logs stay unless `keepLogs` is false. */
  async stop(keepLogs = true): Promise<void> {
    await this.system.stop({ keepDir: keepLogs });
  }
}
