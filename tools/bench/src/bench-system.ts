import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
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
  SystemResources,
  waitForHealthy,
  withDatabase,
} from '@gatehouse/supervisor';

const PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Gatehouse (auth + identity + gateway, and policy with `start({ policy: true })`)
 * as `npm start` runs it, on free ports, a fresh database per service, its own
 * subject prefix (and so its own JetStream stream).
 */
export class BenchSystem {
  readonly procs: ServiceProcess[] = [];
  /** The first gateway instance. */
  gatewayUrl = '';
  /** Every gateway instance started (see addGateway()), the first one first. */
  readonly gatewayUrls: string[] = [];
  tls = { cert: '', key: '' };
  prefix = '';
  private nats?: NatsService;
  /** The environment every service shares (NATS, subject prefix, log level). */
  private common?: Record<string, string>;
  private resources?: SystemResources;
  private readonly dbs: string[] = [];
  private dir = '';

  /** `policy`: also start the policy service (no database), between identity and the gateway as `npm start` does. */
  async start(opts: { policy?: boolean } = {}): Promise<void> {
    const runId = randomRunId();
    this.dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
    const secrets = await ensureLocalSecrets(this.dir);
    this.tls = { cert: secrets.tlsCertFile, key: secrets.tlsKeyFile };
    const prefix = `bench${runId}.`;
    this.prefix = prefix;
    const authDb = withDatabase(PG, `gh_bench_${runId}_auth`);
    const identityDb = withDatabase(PG, `gh_bench_${runId}_identity`);
    for (const db of [authDb, identityDb]) {
      await createDatabase(db);
      this.dbs.push(db);
    }
    // Request logging off in both contenders (the baseline logs nothing either).
    this.common = { NATS_URL, NATS_SUBJECT_PREFIX: prefix, LOG_LEVEL: 'warn' };
    this.resources = { databases: { auth: authDb, identity: identityDb }, secrets };
    await this.launch('auth', 'auth');
    await this.launch('identity', 'identity');
    if (opts.policy) await this.launch('policy', 'policy');
    this.gatewayUrl = await this.addGateway();
    this.nats = await NatsService.connect({ url: NATS_URL, name: 'bench', prefix, requestTimeoutMs: 5_000, logger: createLogger('bench', 'silent') });
  }

  /**
   * Starts one more gateway instance (same environment, its own port) and waits until
   * it is ready; start() starts the first. Returns its base URL.
   */
  async addGateway(): Promise<string> {
    const n = this.gatewayUrls.length + 1;
    const port = await this.launch('gateway', n === 1 ? 'gateway' : `gateway-${n}`);
    const url = `https://localhost:${port}`;
    this.gatewayUrls.push(url);
    return url;
  }

  /** Starts an instance of `service` on a free port and waits until it is ready; returns the port. */
  private async launch(service: ServiceName, name: string): Promise<number> {
    if (!this.common || !this.resources) throw new Error('start() first');
    const port = await freePort();
    const proc = spawnService({ name, script: serviceScript(service), env: { ...this.common, ...ownEnv(service, port, this.resources) } });
    this.procs.push(proc);
    await waitForHealthy(readyUrl(service, port), { timeoutMs: 30_000, process: proc });
    return port;
  }

  async partner(): Promise<CredentialsCreatedResponse> {
    if (!this.nats) throw new Error('start() first');
    const project = await this.nats.request<ProjectView>(AuthSubjects.projectCreate, { name: 'bench' });
    return this.nats.request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, { project_id: project.project_id });
  }

  /** The version the NATS server announced to the bench's connection (its INFO). */
  natsServerVersion(): string | undefined {
    return this.nats?.connection.info?.version;
  }

  /** A NATS connection of its own in the system's subject namespace (as the services connect); the caller closes it. */
  async connectNats(name: string): Promise<NatsService> {
    if (!this.prefix) throw new Error('start() first');
    return NatsService.connect({ url: NATS_URL, name, prefix: this.prefix, requestTimeoutMs: 5_000, logger: createLogger('bench', 'silent') });
  }

  /** Stops everything started so far and leaves nothing behind (databases, the identity stream, the temp dir), whatever failed before. */
  async stop(): Promise<void> {
    await this.nats?.close().catch(() => undefined);
    this.nats = undefined;
    for (const p of [...this.procs].reverse()) await p.stop().catch(() => undefined);
    this.procs.length = 0;
    this.gatewayUrls.length = 0;
    for (const db of this.dbs.splice(0)) await dropDatabase(db).catch(() => undefined);
    if (this.prefix) await dropIdentityStream(NATS_URL, this.prefix).catch(() => undefined);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** On a failed run: the last lines each process wrote (a crash explains itself), on stderr. */
export function logRecentOutput(procs: ServiceProcess[]): void {
  for (const p of procs) {
    const out = p.recentOutput().trim();
    if (out) process.stderr.write(`--- ${p.name} (pid ${p.pid}${p.exitStatus ? `, exited ${JSON.stringify(p.exitStatus)}` : ''}), recent output:\n${out}\n`);
  }
}

/** Runs a bench's main: a failure prints its stack and exits 1. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((err) => {
    process.stderr.write(`${name} failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
