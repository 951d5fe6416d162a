import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AbstractLogger, DataSource, LogLevel, LogMessage } from 'typeorm';
import { createLogger, ensureDatabase, NatsService } from '@gatehouse/platform';
import { AUTH_ENTITIES, AUTH_MIGRATIONS } from '../app.module';
import { ProjectEntity } from '../projects/project.entity';
import { ProjectsService } from '../projects/projects.service';
import { ClientCredentialEntity } from './client-credential.entity';
import { CredentialsService } from './credentials.service';

/**
 * CredentialsService against the real PostgreSQL (a database of its own) and NATS
 * (a subject prefix of its own), with every SQL statement it sends counted: which
 * lookups reach the database is what makes a known client id cost the same as an
 * unknown one.
 */
const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

class CountingLogger extends AbstractLogger {
  readonly credentialReads: string[] = [];
  protected writeLog(_level: LogLevel, _message: LogMessage | LogMessage[]): void {
    // Only the statements are counted (logQuery); nothing is written.
  }
  override logQuery(query: string): void {
    if (/^SELECT\b.*\bclient_credentials\b/is.test(query)) this.credentialReads.push(query);
  }
}

describe('CredentialsService lookups (real PostgreSQL and NATS)', () => {
  const runId = randomUUID().slice(0, 8);
  const dbUrl = (() => {
    const u = new URL(PG);
    u.pathname = `/gh_test_${runId}_auth_credentials`;
    return u.toString();
  })();
  const logger = new CountingLogger();
  let ds: DataSource;
  let nats: NatsService;
  let credentials: CredentialsService;
  let projectId: string;

  beforeAll(async () => {
    await ensureDatabase(dbUrl);
    ds = new DataSource({ type: 'postgres', url: dbUrl, entities: AUTH_ENTITIES, migrations: AUTH_MIGRATIONS, logging: ['query'], logger });
    await ds.initialize();
    await ds.runMigrations();
    nats = await NatsService.connect({ url: NATS_URL, name: `auth-int-${runId}`, prefix: `aint${runId}.`, requestTimeoutMs: 2_000, logger: createLogger('auth-int', 'silent') });
    const projects = new ProjectsService(ds.getRepository(ProjectEntity), nats);
    credentials = new CredentialsService(ds.getRepository(ClientCredentialEntity), projects, nats);
    credentials.onModuleInit();
    projectId = (await projects.create('int')).project_id;
  });

  afterAll(async () => {
    await nats?.close();
    await ds?.destroy();
    const admin = new Client({ connectionString: PG });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "gh_test_${runId}_auth_credentials" WITH (FORCE)`);
    await admin.end();
  });

  /** Statements that read client_credentials while `work` runs. */
  async function readsDuring(work: () => Promise<unknown>): Promise<number> {
    const before = logger.credentialReads.length;
    await work();
    return logger.credentialReads.length - before;
  }

  const refused = (clientId: string, secret = 'wrong') =>
    credentials.authenticate(clientId, secret).then(
      () => 'authenticated',
      (e: { code?: string }) => e.code,
    );

  it('reads an unknown client id from the database once, as a known one: both are then answered from memory', async () => {
    const known = await credentials.create(projectId);
    const unknown = randomUUID();
    expect(await readsDuring(() => refused(known.client_id))).toBe(1);
    expect(await readsDuring(() => refused(unknown))).toBe(1);
    for (let i = 0; i < 20; i++) {
      expect(await readsDuring(() => refused(known.client_id))).toBe(0);
      expect(await readsDuring(() => refused(unknown))).toBe(0);
    }
    expect(await refused(unknown)).toBe('invalid_client');
    await expect(credentials.authenticate(known.client_id, known.client_secret)).resolves.toBe(projectId);
  });

  it('answers a malformed client id without the database, and refuses it', async () => {
    expect(await readsDuring(() => refused('not-a-client-id'))).toBe(0);
    expect(await refused('not-a-client-id')).toBe('invalid_client');
  });

  it('spells a client id one way: another letter case or urn:uuid: is the same cache entry', async () => {
    const known = await credentials.create(projectId);
    expect(await readsDuring(() => credentials.authenticate(known.client_id.toUpperCase(), known.client_secret))).toBe(1);
    expect(await readsDuring(() => credentials.authenticate(`urn:uuid:${known.client_id}`, known.client_secret))).toBe(0);
    await expect(credentials.authenticate(known.client_id, known.client_secret)).resolves.toBe(projectId);
  });

  it('refuses a revoked pair from then on, from memory, and still knows its project', async () => {
    const known = await credentials.create(projectId);
    await expect(credentials.authenticate(known.client_id, known.client_secret)).resolves.toBe(projectId);
    await credentials.revoke(known.client_id);
    expect(await refused(known.client_id, known.client_secret)).toBe('invalid_client');
    expect(await readsDuring(() => refused(known.client_id, known.client_secret))).toBe(0);
    await expect(credentials.projectOf(known.client_id)).resolves.toBe(projectId);
    await expect(credentials.projectOf(randomUUID())).resolves.toBeNull();
    const revoked = await credentials.recentlyRevoked();
    expect(revoked.map((r) => r.client_id)).toContain(known.client_id);
  });
});
