import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, dropDatabase, randomRunId, withDatabase } from './databases';
import { freePort } from './free-port';
import { ensureLocalSecrets } from './local-secrets';
import { repoRoot } from './repo-root';
import { spawnService, ServiceProcess } from './service-process';
import { dropIdentityStream } from './local-system';
import { healthUrl, scriptPath, serviceEnv, serviceSpec, ServiceName } from './services';
import { waitForHealthy } from './wait-for-healthy';

/**
 * One compiled service on its own — its own fresh database, a NATS subject
 * prefix of its own on the real broker, nothing else of the system — for tests
 * that prove a service alone through its subjects.
 */
export interface LoneService {
  readonly name: ServiceName;
  readonly process: ServiceProcess;
  /** The subject prefix it serves under (NATS_SUBJECT_PREFIX). */
  readonly prefix: string;
  readonly natsUrl: string;
  /** Its /health/ready. */
  readonly readyUrl: string;
  /** Every output line so far. */
  readonly lines: string[];
  stop(): Promise<void>;
}

export interface LoneServiceOptions {
  natsUrl?: string;
  /** A PostgreSQL URL of the server to create the database on. */
  postgresUrl?: string;
  env?: Record<string, string>;
}

/** Compiles the workspace (incremental: about two seconds when nothing changed), so dist/ is the code under test. */
export function buildWorkspace(): void {
  const root = repoRoot();
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'pipe',
  });
}

export async function startLoneService(name: Exclude<ServiceName, 'gateway'>, opts: LoneServiceOptions = {}): Promise<LoneService> {
  const runId = randomRunId();
  const natsUrl = opts.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const pg = opts.postgresUrl ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const prefix = `l${runId}.`;
  const dir = mkdtempSync(join(tmpdir(), `gatehouse-${name}-${runId}-`));
  const secrets = await ensureLocalSecrets(dir);
  const db = withDatabase(pg, `gh_test_${runId}_${name}`);
  const spec = serviceSpec(name);
  const hasDb = spec.database !== undefined;
  if (hasDb) await createDatabase(db);
  const port = await freePort();
  const env: Record<string, string> = {
    NATS_URL: natsUrl,
    NATS_SUBJECT_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    ...serviceEnv(spec, { kek: secrets.kek, tlsCertFile: secrets.tlsCertFile, tlsKeyFile: secrets.tlsKeyFile, publicUrl: 'https://localhost:8443' }, {}),
    ...(spec.database ? { [spec.database.urlVar]: db } : {}),
    [spec.health.portVar]: String(port),
    ...opts.env,
  };
  const lines: string[] = [];
  const proc = spawnService({ name, script: scriptPath(spec, repoRoot()), env, onLine: (line) => lines.push(line) });
  const ready = healthUrl(spec, env);
  const cleanup = async () => {
    if (name === 'identity' || name === 'audit') await dropIdentityStream(natsUrl, prefix).catch(() => undefined);
    if (hasDb) await dropDatabase(db).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealthy(ready, { timeoutMs: 30_000, process: proc });
  } catch (err) {
    await proc.stop('SIGKILL', 1_000).catch(() => undefined);
    await cleanup();
    throw err;
  }
  return {
    name,
    process: proc,
    prefix,
    natsUrl,
    readyUrl: ready,
    lines,
    async stop() {
      await proc.stop('SIGTERM', 10_000);
      await cleanup();
    },
  };
}
