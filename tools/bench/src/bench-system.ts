import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthSubjects, CredentialsCreatedResponse, ProjectView } from '@gatehouse/contracts';
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
} from '@gatehouse/supervisor';

const PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Gatehouse (auth + gateway) as `npm start` runs it, on free ports, fresh database, its own subject prefix. */
export class BenchSystem {
  readonly procs: ServiceProcess[] = [];
  gatewayUrl = '';
  tls = { cert: '', key: '' };
  private nats?: NatsService;
  private db = '';
  private dir = '';

  async start(): Promise<void> {
    const runId = randomRunId();
    this.dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
    const secrets = await ensureLocalSecrets(this.dir);
    this.tls = { cert: secrets.tlsCertFile, key: secrets.tlsKeyFile };
    this.db = withDb(PG, `gh_bench_${runId}_auth`);
    await createDatabase(this.db);
    const prefix = `bench${runId}.`;
    const gatewayPort = await freePort();
    // Request logging off in both contenders (the baseline logs nothing either).
    const common = { NATS_URL, NATS_SUBJECT_PREFIX: prefix, LOG_LEVEL: 'warn' };
    const authPort = await freePort();
    const auth = spawnService({
      name: 'auth',
      script: join(repoRoot(), 'dist/apps/auth/src/main.js'),
      env: { ...common, AUTH_DATABASE_URL: this.db, AUTH_HTTP_PORT: String(authPort), AUTH_KEY_ENCRYPTION_KEY: secrets.kek },
    });
    this.procs.push(auth);
    await waitForHealthy(`http://127.0.0.1:${authPort}/health/ready`, { timeoutMs: 30_000, process: auth });
    const gateway = spawnService({
      name: 'gateway',
      script: join(repoRoot(), 'dist/apps/gateway/src/main.js'),
      env: { ...common, GATEWAY_PORT: String(gatewayPort), GATEWAY_TLS_CERT_FILE: secrets.tlsCertFile, GATEWAY_TLS_KEY_FILE: secrets.tlsKeyFile },
    });
    this.procs.push(gateway);
    this.gatewayUrl = `https://localhost:${gatewayPort}`;
    await waitForHealthy(`${this.gatewayUrl}/health/ready`, { timeoutMs: 30_000, process: gateway });
    this.nats = await NatsService.connect({ url: NATS_URL, name: 'bench', prefix, requestTimeoutMs: 5_000, logger: createLogger('bench', 'silent') });
  }

  async partner(): Promise<CredentialsCreatedResponse> {
    if (!this.nats) throw new Error('start() first');
    const project = await this.nats.request<ProjectView>(AuthSubjects.projectCreate, { name: 'bench' });
    return this.nats.request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, { project_id: project.project_id });
  }

  async stop(): Promise<void> {
    await this.nats?.close();
    for (const p of [...this.procs].reverse()) await p.stop();
    if (this.db) await dropDatabase(this.db).catch(() => undefined);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
