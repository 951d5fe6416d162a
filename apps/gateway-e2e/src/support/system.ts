import { CredentialsCreatedResponse, ProjectView } from '@gatehouse/contracts';
import type { NatsService } from '@gatehouse/platform';
import { BrokerOptions, freePort, LocalSystem, ServiceName, ServiceProcess } from '@gatehouse/supervisor';
import { auditLogFile, HttpClient, recordSecret } from '@gatehouse/testing';

export type { ServiceName, BrokerOptions };

export interface SystemOptions {
  /** Extra environment per service. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * A broker of the test's own instead of the shared one (NATS_URL): its URL, the subject
   * prefix (default: a fresh one; '' runs the services unprefixed, as in production) and the
   * credentials of the test's own connection (`nats()`: createProject, …). The services'
   * credentials go in `env`. The stream is not dropped at stop: the broker is the test's.
   */
  nats?: BrokerOptions;
}

/**
 * The real system for one test file (a LocalSystem: compiled services, a fresh
 * database per service, a subject prefix of its own, TLS with a throwaway
 * certificate), with what the e2e suite adds: every line each service writes
 * goes to the log audit (and to `lines`), every secret handled is noted for it.
 */
export class TestSystem {
  private extra?: { name: string; http: HttpClient };

  private constructor(
    private readonly system: LocalSystem,
    readonly baseUrl: string,
    readonly http: HttpClient,
    /** Every line the services wrote, as read. */
    readonly lines: string[],
  ) {}

  static async start(opts: SystemOptions = {}): Promise<TestSystem> {
    const lines: string[] = [];
    const system = await LocalSystem.start({
      tag: 'test',
      subjectTag: 't',
      broker: opts.nats,
      env: { LOG_LEVEL: 'info' },
      serviceEnv: opts.env,
      logFile: ({ runId, instance }) => auditLogFile(`${runId}-${instance}`),
      onLine: (_instance, line) => lines.push(line),
    });
    recordSecret(system.secrets.kek);
    const baseUrl = system.gatewayUrl();
    return new TestSystem(system, baseUrl, new HttpClient(baseUrl, { ca: system.ca }), lines);
  }

  get runId(): string {
    return this.system.runId;
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

  /** Output reaches us through a pipe, a little after the fact: wait for a line. */
  async waitForLine(predicate: (line: string) => boolean, timeoutMs = 3_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  env(name: ServiceName): Record<string, string> {
    return this.system.env(name);
  }

  healthUrl(name: ServiceName): string {
    return this.system.instance(name).healthUrl;
  }

  /** Where an instance serves `GET /metrics` (plain HTTP: its health port, the gateway's metrics port). */
  metricsUrl(instance: string): string {
    return this.system.instance(instance).metricsUrl;
  }

  /** The running instances' names, by service. */
  instances(): Array<{ name: string; service: ServiceName }> {
    return this.system.instances().map((i) => ({ name: i.name, service: i.service }));
  }

  /** Starts `instance` of service `name` (again, or a new one with `env` on top of the service's). */
  async startService(name: ServiceName, instance = name as string, env: Record<string, string> = {}): Promise<ServiceProcess> {
    return this.system.start(instance, name, env);
  }

  /** A second policy instance in the same queue group (its own health port). */
  async startExtraPolicy(instance = 'policy-2'): Promise<ServiceProcess> {
    return this.startService('policy', instance, { POLICY_HTTP_PORT: String(await freePort()) });
  }

  process(name: string): ServiceProcess {
    const p = this.system.instances().find((i) => i.name === name)?.proc;
    if (!p) throw new Error(`${name} is not running`);
    return p;
  }

  async stopService(name: string): Promise<void> {
    await this.system.stopInstance(name);
  }

  /** A NATS connection in the system's subject namespace, as the CLI would use. */
  nats(): Promise<NatsService> {
    return this.system.admin();
  }

  async createProject(name = 'e2e project'): Promise<ProjectView> {
    return this.system.createProject(name);
  }

  async createCredentials(projectId: string): Promise<CredentialsCreatedResponse> {
    const created = await this.system.createCredentials(projectId);
    recordSecret(created.client_secret);
    return created;
  }

  /** A new project with one credential pair. */
  async createPartner(): Promise<CredentialsCreatedResponse> {
    const project = await this.createProject();
    return this.createCredentials(project.project_id);
  }

  async partnerToken(cred: { client_id: string; client_secret: string }): Promise<string> {
    const res = await this.http.post('/v1/auth/token', {
      json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret },
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
    const token = (res.json as { access_token: string }).access_token;
    recordSecret(token);
    return token;
  }

  /** A second gateway instance on its own port, sharing everything else. */
  async startExtraGateway(): Promise<HttpClient> {
    const name = 'gateway-2';
    await this.system.start(name, 'gateway', { GATEWAY_PORT: String(await freePort()) });
    this.extra = { name, http: new HttpClient(this.system.gatewayUrl(name), { ca: this.ca }) };
    return this.extra.http;
  }

  async stopExtraGateway(): Promise<void> {
    if (!this.extra) return;
    await this.system.stopInstance(this.extra.name);
    await this.extra.http.close();
    this.extra = undefined;
  }

  async stop(): Promise<void> {
    await this.stopExtraGateway();
    await this.system.stop();
    await this.http.close();
  }
}
