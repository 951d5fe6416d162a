import { DataSource } from 'typeorm';
import { createDatabase, dropDatabase, testDatabaseName, withDatabase } from '@gatehouse/supervisor';
import { AUDIT_MIGRATIONS } from '../app.module';

/*
 * The ascending-indexes migration on the real PostgreSQL (a database of its own),
 * run as the service runs migrations: the listing's newest-first pages read the
 * ascending indexes backwards (no sort), and `down` brings the descending ones back.
 */

jest.setTimeout(60_000);

const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PROJECT = '33333333-3333-4333-8333-333333333333';
const ENTITY = '44444444-4444-4444-8444-444444444444';

describe('migration AuditLogAscendingIndexes1797300000000', () => {
  const url = withDatabase(PG, testDatabaseName('audit_index_order'));
  let ds: DataSource;

  const definitions = async (): Promise<string[]> =>
    ((await ds.query("SELECT indexdef FROM pg_indexes WHERE indexname IN ('audit_log_entity_ts', 'audit_log_project_ts') ORDER BY indexname")) as Array<{ indexdef: string }>).map((r) =>
      r.indexdef.replace(/^.* USING btree /, ''),
    );
  /** The plan PostgreSQL picks with sequential and bitmap scans off (a small table would rather be read whole, or sorted), on one connection. */
  const plan = async (sql: string): Promise<string> => {
    const runner = ds.createQueryRunner();
    try {
      await runner.query('SET enable_seqscan = off');
      await runner.query('SET enable_bitmapscan = off');
      const rows = (await runner.query(`EXPLAIN ${sql}`)) as Array<{ 'QUERY PLAN': string }>;
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await runner.query('RESET ALL');
      await runner.release();
    }
  };

  beforeAll(async () => {
    await createDatabase(url);
    ds = await new DataSource({ type: 'postgres', url, migrations: AUDIT_MIGRATIONS }).initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.query(
      `INSERT INTO audit_log (id, project_id, entity_id, type, kind, ts, target_service)
       SELECT gen_random_uuid(), $1, CASE WHEN i % 2 = 0 THEN $2::uuid END, CASE WHEN i % 2 = 0 THEN 'request' ELSE 'event' END, CASE WHEN i % 2 = 1 THEN 'token.issued' END,
              now() - i * interval '1 second', 'auth'
         FROM generate_series(1, 2000) AS i`,
      [PROJECT, ENTITY],
    );
    await ds.query('ANALYZE audit_log');
  });

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url).catch(() => undefined);
  });

  it('leaves both listing indexes ascending, and the newest-first pages read them backwards without a sort', async () => {
    expect(await definitions()).toEqual([
      '(project_id, entity_id, ts, id) WHERE (entity_id IS NOT NULL)',
      "(project_id, ts, id) WHERE (type = 'event'::text)",
    ]);
    const entity = await plan(`SELECT * FROM audit_log WHERE project_id = '${PROJECT}' AND entity_id = '${ENTITY}' ORDER BY ts DESC, id DESC LIMIT 101`);
    expect(entity).toMatch(/Index Scan Backward using audit_log_entity_ts/);
    expect(entity).not.toMatch(/Sort/);
    const project = await plan(`SELECT * FROM audit_log WHERE project_id = '${PROJECT}' AND type = 'event' AND entity_id IS NULL ORDER BY ts DESC, id DESC LIMIT 101`);
    expect(project).toMatch(/Index Scan Backward using audit_log_project_ts/);
    expect(project).not.toMatch(/Sort/);
    // A page back toward newer entries (the 'before' cursor) reads the same index forwards.
    const newer = await plan(`SELECT * FROM audit_log WHERE project_id = '${PROJECT}' AND type = 'event' AND entity_id IS NULL AND (ts, id) > (now() - interval '1 minute', '${ENTITY}') ORDER BY ts ASC, id ASC LIMIT 101`);
    expect(newer).toMatch(/Index Scan using audit_log_project_ts/);
    expect(newer).not.toMatch(/Sort/);
  });

  it('down brings the descending indexes back', async () => {
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await definitions()).toEqual([
      '(project_id, entity_id, ts DESC, id DESC) WHERE (entity_id IS NOT NULL)',
      "(project_id, ts DESC, id DESC) WHERE (type = 'event'::text)",
    ]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await definitions()).toHaveLength(2);
  });
});
