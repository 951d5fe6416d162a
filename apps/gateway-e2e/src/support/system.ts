import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { AuthSubjects, CredentialsCreatedResponse, ProjectView } from '@gatehouse/contracts';
import { createLogger, NatsService } from '@gatehouse/platform';
import {
  createDatabase,
  dropDatabase,
  dropIdentityStream,
  ensureLocalSecrets,
  freePort,
  ownEnv,
  PORT_VARIABLE,
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
import { HttpClient, auditLogFile, recordSecret } from '@gatehouse/testing';

const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export type { ServiceName };

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

export interface BrokerOptions {
  url: string;
  prefix?: string;
  user?: string;
  password?: string;
}

/**
 * The real system for one test file: compiled services as child processes, a
 * fresh database per service, a NATS subject prefix of its own (so suites and a
 * developer's `npm start` never answer each other), TLS with a throwaway certificate.
 */
export class TestSystem {
  readonly lines: string[] = [];
  private readonly procs = new Map<string, ServiceProcess>();
  private nc?: NatsService;
  private broker: BrokerOptions & { own: boolean } = { url: NATS_URL, own: false };

  private constructor(
    readonly runId: string,
    readonly prefix: string,
    readonly dir: string,
    readonly baseUrl: string,
    readonly ca: string,
    readonly http: HttpClient,
    private readonly envs: Record<ServiceName, Record<string, string>>,
    private readonly databases: string[],
  ) {}

  static async start(opts: SystemOptions = {}): Promise<TestSystem> {
    const runId = randomRunId();
    const prefix = opts.nats?.prefix ?? `t${runId}.`;
    const dir = mkdtempSync(join(tmpdir(), `gatehouse-e2e-${runId}-`));
    const secrets = await ensureLocalSecrets(dir);
    recordSecret(secrets.kek);
    const authDb = withDatabase(PG, `gh_test_${runId}_auth`);
    const identityDb = withDatabase(PG, `gh_test_${runId}_identity`);
    await createDatabase(authDb);
    await createDatabase(identityDb);
    const resources = { databases: { auth: authDb, identity: identityDb }, secrets };
    const common = { NATS_URL: opts.nats?.url ?? NATS_URL, NATS_SUBJECT_PREFIX: prefix, LOG_LEVEL: 'info', AUTH_ISSUER: 'https://localhost:8443', GATEWAY_ISSUER: 'https://localhost:8443' };
    const envs = {} as Record<ServiceName, Record<string, string>>;
    for (const service of SYSTEM_SERVICES) envs[service] = { ...common, ...ownEnv(service, await freePort(), resources), ...opts.env?.[service] };
    const gatewayPort = envs.gateway.GATEWAY_PORT;
    const ca = readFileSync(secrets.tlsCertFile, 'utf8');
    const baseUrl = `https://localhost:${gatewayPort}`;
    const http = new HttpClient(baseUrl, new Agent({ connect: { ca, servername: 'localhost' } }));
    const system = new TestSystem(runId, prefix, dir, baseUrl, ca, http, envs, [authDb, identityDb]);
    if (opts.nats) system.broker = { ...opts.nats, own: true };
    try {
      for (const service of SYSTEM_SERVICES) await system.startService(service);
    } catch (err) {
      await system.stop();
      throw err;
    }
    return system;
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
    return this.envs[name];
  }

  healthUrl(name: ServiceName): string {
    return readyUrl(name, this.envs[name][PORT_VARIABLE[name]]);
  }

  async startService(name: ServiceName, instance = name as string, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const proc = spawnService({
      name: instance,
      script: serviceScript(name),
      env: { ...this.envs[name], ...env },
      logFile: auditLogFile(`${this.runId}-${instance}`),
      onLine: (line) => this.lines.push(line),
    });
    this.procs.set(instance, proc);
    const url = readyUrl(name, env[PORT_VARIABLE[name]] ?? this.envs[name][PORT_VARIABLE[name]]);
    await waitForHealthy(url, { timeoutMs: 30_000, process: proc, ca: this.ca });
    return proc;
  }

  /** A second policy instance in the same queue group (its own health port). */
  async startExtraPolicy(instance = 'policy-2'): Promise<ServiceProcess> {
    return this.startService('policy', instance, { POLICY_HTTP_PORT: String(await freePort()) });
  }

  process(name: string): ServiceProcess {
    const p = this.procs.get(name);
    if (!p) throw new Error(`${name} is not running`);
    return p;
  }

  async stopService(name: string): Promise<void> {
    await this.procs.get(name)?.stop('SIGTERM', 10_000);
    this.procs.delete(name);
  }

  /** A NATS connection in the system's subject namespace, as the CLI would use. */
  async nats(): Promise<NatsService> {
    this.nc ??= await NatsService.connect({
      url: this.broker.url,
      name: `e2e-${this.runId}`,
      prefix: this.prefix,
      user: this.broker.user,
      password: this.broker.password,
      requestTimeoutMs: 5_000,
      logger: createLogger('e2e', 'silent'),
    });
    return this.nc;
  }

  async createProject(name = 'e2e project'): Promise<ProjectView> {
    return (await this.nats()).request<ProjectView>(AuthSubjects.projectCreate, { name });
  }

  async createCredentials(projectId: string): Promise<CredentialsCreatedResponse> {
    const created = await (await this.nats()).request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, { project_id: projectId });
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

  private extra?: { proc: ServiceProcess; http: HttpClient };

  /** A second gateway instance on its own port, sharing everything else. */
  async startExtraGateway(): Promise<HttpClient> {
    const port = await freePort();
    const env = { ...this.envs.gateway, GATEWAY_PORT: String(port) };
    const proc = spawnService({
      name: 'gateway-2',
      script: serviceScript('gateway'),
      env,
      logFile: auditLogFile(`${this.runId}-gateway-2`),
      onLine: (line) => this.lines.push(line),
    });
    const baseUrl = `https://localhost:${port}`;
    await waitForHealthy(readyUrl('gateway', port), { timeoutMs: 30_000, process: proc, ca: this.ca });
    this.extra = { proc, http: new HttpClient(baseUrl, new Agent({ connect: { ca: this.ca, servername: 'localhost' } })) };
    return this.extra.http;
  }

  async stopExtraGateway(): Promise<void> {
    if (!this.extra) return;
    await this.extra.proc.stop('SIGTERM', 10_000);
    await this.extra.http.close();
    this.extra = undefined;
  }

  async stop(): Promise<void> {
    await this.stopExtraGateway();
    await this.nc?.close().catch(() => undefined);
    for (const name of [...this.procs.keys()].reverse()) await this.stopService(name);
    await this.http.close();
    for (const db of this.databases) await dropDatabase(db).catch(() => undefined);
    // The run's JetStream stream, so test runs leave nothing behind on the shared broker.
    if (!this.broker.own) await dropIdentityStream(NATS_URL, this.prefix);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

