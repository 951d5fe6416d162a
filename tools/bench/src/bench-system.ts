import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthSubjects, CredentialsCreatedResponse, identityEventsStream, ProjectView } from '@gatehouse/contracts';
import { createLogger, NatsService } from '@gatehouse/platform';
import {
  createDatabase,
  dropDatabase,
  ensureLocalSecrets,
  freePort,
  randomRunId,
  repoRoot,
  ServiceProcess,
  spawnService,
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
    const common = { NATS_URL, NATS_SUBJECT_PREFIX: prefix, LOG_LEVEL: 'warn' };
    this.common = common;
    const authPort = await freePort();
    const auth = spawnService({
      name: 'auth',
      script: join(repoRoot(), 'dist/apps/auth/src/main.js'),
      env: { ...common, AUTH_DATABASE_URL: authDb, AUTH_HTTP_PORT: String(authPort), AUTH_KEY_ENCRYPTION_KEY: secrets.kek },
    });
    this.procs.push(auth);
    await waitForHealthy(`http://127.0.0.1:${authPort}/health/ready`, { timeoutMs: 30_000, process: auth });
    const identityPort = await freePort();
    const identity = spawnService({
      name: 'identity',
      script: join(repoRoot(), 'dist/apps/identity/src/main.js'),
      env: { ...common, IDENTITY_DATABASE_URL: identityDb, IDENTITY_HTTP_PORT: String(identityPort) },
    });
    this.procs.push(identity);
    await waitForHealthy(`http://127.0.0.1:${identityPort}/health/ready`, { timeoutMs: 30_000, process: identity });
    if (opts.policy) {
      const policyPort = await freePort();
      const policy = spawnService({
        name: 'policy',
        script: join(repoRoot(), 'dist/apps/policy/src/main.js'),
        env: { ...common, POLICY_HTTP_PORT: String(policyPort) },
      });
      this.procs.push(policy);
      await waitForHealthy(`http://127.0.0.1:${policyPort}/health/ready`, { timeoutMs: 30_000, process: policy });
    }
    this.gatewayUrl = await this.addGateway();
    this.nats = await NatsService.connect({ url: NATS_URL, name: 'bench', prefix, requestTimeoutMs: 5_000, logger: createLogger('bench', 'silent') });
  }

  /**
   * Starts one more gateway instance (same environment, its own port) and waits until
   * it is ready; start() starts the first. Returns its base URL.
   */
  async addGateway(): Promise<string> {
    if (!this.common) throw new Error('start() first');
    const port = await freePort();
    const n = this.gatewayUrls.length + 1;
    const gateway = spawnService({
      name: n === 1 ? 'gateway' : `gateway-${n}`,
      script: join(repoRoot(), 'dist/apps/gateway/src/main.js'),
      env: { ...this.common, GATEWAY_PORT: String(port), GATEWAY_TLS_CERT_FILE: this.tls.cert, GATEWAY_TLS_KEY_FILE: this.tls.key },
    });
    this.procs.push(gateway);
    const url = `https://localhost:${port}`;
    await waitForHealthy(`${url}/health/ready`, { timeoutMs: 30_000, process: gateway });
    this.gatewayUrls.push(url);
    return url;
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
    if (this.prefix) await dropIdentityStream(this.prefix).catch(() => undefined);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** The identity service's JetStream stream of this prefix (as the e2e harness drops it), so runs leave nothing on the shared broker. */
async function dropIdentityStream(prefix: string): Promise<void> {
  const nc = await NatsService.connect({ url: NATS_URL, name: 'bench-cleanup', prefix, requestTimeoutMs: 2_000, logger: createLogger('bench', 'silent') });
  try {
    const jsm = await nc.connection.jetstreamManager();
    await jsm.streams.delete(identityEventsStream(prefix)).catch(() => undefined);
  } finally {
    await nc.close();
  }
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
