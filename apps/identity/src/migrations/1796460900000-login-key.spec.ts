import { DataSource } from 'typeorm';
import { createDatabase, dropDatabase, testDatabaseName, withDatabase } from '@gatehouse/supervisor';
import { InitialSchema1764400000000 } from './1764400000000-initial-schema';
import { LoginKey1796460900000 } from './1796460900000-login-key';

/*
 * The login-key migration on the real PostgreSQL (a database of its own), run
 * as the service runs migrations (TypeORM, a transaction each), over rows stored
 * before the login rule: twins under the new key stay active and usable, the
 * first keeps the key, and `down` brings back the schema as it was.
 */

jest.setTimeout(30_000);

const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const E1 = '11111111-1111-4111-8111-111111111111';
const E2 = '22222222-2222-4222-8222-222222222222';
const PROJECT = '33333333-3333-4333-8333-333333333333';
const SEP = '\u0001';

/** Rows written as the pre-rule service did: logins as sent, no key. */
const LEGACY: Array<{ id: string; entity: string; login: string; status: string; at: string }> = [
  { id: 'a0000000-0000-4000-8000-000000000001', entity: E1, login: 'Victim', status: 'active', at: '2025-01-01 00:00:00.000001+00' },
  { id: 'a0000000-0000-4000-8000-000000000002', entity: E1, login: 'victim', status: 'active', at: '2025-01-01 00:00:00.000002+00' },
  { id: 'a0000000-0000-4000-8000-000000000003', entity: E1, login: 'VICTIM', status: 'deleted', at: '2025-01-01 00:00:00.000003+00' },
  { id: 'a0000000-0000-4000-8000-000000000004', entity: E1, login: 'vIcTiM', status: 'active', at: '2025-01-01 00:00:00.000004+00' },
  { id: 'a0000000-0000-4000-8000-000000000005', entity: E1, login: 'caf\u00e9', status: 'active', at: '2025-01-02 00:00:00+00' },
  { id: 'a0000000-0000-4000-8000-000000000006', entity: E1, login: 'cafe\u0301', status: 'active', at: '2025-01-03 00:00:00+00' },
  { id: 'a0000000-0000-4000-8000-000000000007', entity: E1, login: ' padded\u202e ', status: 'active', at: '2025-01-04 00:00:00+00' },
  { id: 'a0000000-0000-4000-8000-000000000008', entity: E2, login: 'victim', status: 'active', at: '2025-01-01 00:00:00+00' },
];

/** More rows than one batch of the migration, created within microseconds of each other; every 1,000th has a later case twin. */
const MANY = 5_100;

describe('migration LoginKey1796460900000 (entity_users.login_key)', () => {
  const url = withDatabase(PG, testDatabaseName('identity_login_key'));
  let ds: DataSource;
  const q = { query: (sql: string, params?: unknown[]) => ds.query(sql, params) };
  const up = async () => expect((await ds.runMigrations({ transaction: 'each' })).map((m) => m.name)).toEqual(['LoginKey1796460900000']);
  const down = () => ds.undoLastMigration({ transaction: 'each' });

  const keys = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      ((await q.query('SELECT id, login_key FROM entity_users WHERE id::text LIKE $1', ['a0000000-%'])) as Array<{ id: string; login_key: string }>).map((r) => [r.id, r.login_key]),
    );
  const logins = async (): Promise<Array<{ id: string; login: string; status: string }>> =>
    q.query('SELECT id, login, status FROM entity_users ORDER BY id');
  const insertUser = (id: string, entity: string, login: string, extra = '', extraValues: unknown[] = []) =>
    q.query(
      `INSERT INTO entity_users (id, project_id, entity_id, login, first_name${extra ? `, ${extra}` : ''}) VALUES ($1, $2, $3, $4, 'X'${extraValues.map((_, i) => `, $${i + 5}`).join('')})`,
      [id, PROJECT, entity, login, ...extraValues],
    );

  beforeAll(async () => {
    await createDatabase(url);
    // The schema before the login rule, and rows the service stored then.
    ds = await new DataSource({ type: 'postgres', url, migrations: [InitialSchema1764400000000] }).initialize();
    await ds.runMigrations({ transaction: 'each' });
    for (const e of [E1, E2]) await q.query(`INSERT INTO entities (id, project_id, type, address) VALUES ($1, $2, 'organization', '{}')`, [e, PROJECT]);
    for (const u of LEGACY) {
      await q.query(`INSERT INTO entity_users (id, project_id, entity_id, login, first_name, status, created_at) VALUES ($1, $2, $3, $4, 'X', $5, $6)`, [
        u.id,
        PROJECT,
        u.entity,
        u.login,
        u.status,
        u.at,
      ]);
    }
    await q.query(
      `INSERT INTO entity_users (id, project_id, entity_id, login, first_name, created_at)
       SELECT gen_random_uuid(), $1, $2, 'user-' || i, 'X', timestamptz '2025-02-01 00:00:00+00' + i * interval '1 microsecond'
       FROM generate_series(1, ${MANY}) AS i`,
      [PROJECT, E2],
    );
    await q.query(
      `INSERT INTO entity_users (id, project_id, entity_id, login, first_name, created_at)
       SELECT gen_random_uuid(), $1, $2, 'USER-' || i, 'X', timestamptz '2025-03-01 00:00:00+00' + i * interval '1 microsecond'
       FROM generate_series(1000, ${MANY}, 1000) AS i`,
      [PROJECT, E2],
    );
    await ds.destroy();
    ds = await new DataSource({ type: 'postgres', url, migrations: [InitialSchema1764400000000, LoginKey1796460900000] }).initialize();
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url);
  });

  it('keys every row; among active twins the earliest keeps the key and each later one gets a key of its own', async () => {
    const before = await logins();
    await up();
    const k = await keys();
    expect(k).toEqual({
      'a0000000-0000-4000-8000-000000000001': 'victim',
      'a0000000-0000-4000-8000-000000000002': `victim${SEP}a0000000-0000-4000-8000-000000000002`,
      'a0000000-0000-4000-8000-000000000003': 'victim', // deleted: outside the unique index
      'a0000000-0000-4000-8000-000000000004': `victim${SEP}a0000000-0000-4000-8000-000000000004`,
      'a0000000-0000-4000-8000-000000000005': 'caf\u00e9',
      'a0000000-0000-4000-8000-000000000006': `caf\u00e9${SEP}a0000000-0000-4000-8000-000000000006`,
      'a0000000-0000-4000-8000-000000000007': ' padded\u202e ',
      'a0000000-0000-4000-8000-000000000008': 'victim', // another entity
    });
    // Logins (and statuses) as they were, every row keyed.
    expect(await logins()).toEqual(before);
    expect(await q.query('SELECT count(*)::int AS n FROM entity_users WHERE login_key IS NULL')).toEqual([{ n: 0 }]);
  });

  it('reads each row once across batches (microsecond creation times): only the later case twins are disambiguated', async () => {
    const rows: Array<{ login: string; login_key: string }> = await q.query(
      `SELECT login, login_key FROM entity_users WHERE entity_id = $1 AND login ILIKE 'user-%' ORDER BY created_at, id`,
      [E2],
    );
    expect(rows).toHaveLength(MANY + 5);
    const disambiguated = rows.filter((r) => r.login_key.includes(SEP)).map((r) => r.login);
    expect(disambiguated).toEqual(['USER-1000', 'USER-2000', 'USER-3000', 'USER-4000', 'USER-5000']);
    for (const r of rows) if (!r.login_key.includes(SEP)) expect(r.login_key).toBe(r.login.toLowerCase());
  });

  it('then refuses a new active twin in the entity (23505), by key or by exact login, and allows it elsewhere or deleted', async () => {
    const duplicate = async (id: string, entity: string, login: string, key: string, status = 'active') => {
      try {
        await insertUser(id, entity, login, 'login_key, status', [key, status]);
        return 'stored';
      } catch (err) {
        return (err as { code?: string }).code;
      }
    };
    expect(await duplicate('b0000000-0000-4000-8000-000000000001', E1, 'VICTIM', 'victim')).toBe('23505');
    expect(await duplicate('b0000000-0000-4000-8000-000000000002', E1, 'victim', 'victim')).toBe('23505');
    expect(await duplicate('b0000000-0000-4000-8000-000000000003', E1, 'Caf\u00e9', 'caf\u00e9')).toBe('23505');
    expect(await duplicate('b0000000-0000-4000-8000-000000000004', E1, 'VICTIM', 'victim', 'deleted')).toBe('stored');
    expect(await duplicate('b0000000-0000-4000-8000-000000000005', E2, 'user-99999', 'user-99999')).toBe('stored');
    // A key is now required.
    expect(await insertUser('b0000000-0000-4000-8000-000000000006', E1, 'nokey').catch((err) => err.code)).toBe('23502');
  });

  it('goes down to the schema before it, rows intact, and up again to the same keys', async () => {
    const keyed = await keys();
    const before = await logins();
    await down();
    expect(await q.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'entity_users' AND column_name = 'login_key'`)).toEqual([]);
    expect(await q.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'uq_entity_users_entity_login_key'`)).toEqual([]);
    expect(await q.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'uq_entity_users_entity_login'`)).toHaveLength(1);
    expect(await logins()).toEqual(before);
    await up();
    expect(await keys()).toEqual(keyed);
  });
});
