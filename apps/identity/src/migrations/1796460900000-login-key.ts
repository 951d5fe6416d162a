import { MigrationInterface, QueryRunner } from 'typeorm';
import { loginKey } from '@gatehouse/contracts';

/** Rows read and written per round trip while keys are filled in. */
const BATCH = 5_000;

/**
 * Between a disambiguated key and the row's id: a control character, which no
 * login the rule accepts holds, so no new login's key can equal such a key.
 */
const SEPARATOR = '\u0001';

const SELECT = 'SELECT id, entity_id, login, status, created_at::text AS created_at FROM entity_users';

interface Row {
  id: string;
  entity_id: string;
  login: string;
  status: string;
  /** As text: a Date would drop the microseconds, and the keyset would read a row again. */
  created_at: string;
}

/**
 * `entity_users.login_key`: the key that makes `Victim` and `victim` (or `café`
 * composed and decomposed) one login, unique per entity among active users.
 *
 * Rows already stored keep their login as it is. Active rows of one entity whose
 * logins were distinct but share a key (twins accepted before this rule) all stay
 * active and usable: the earliest-created keeps the key, each later one gets
 * `<key>\u0001<id>`. The exact (entity_id, login) index stays: it serves the
 * `login` list filter and keeps exact duplicates out among those twins.
 * The table is locked for writes meanwhile, so no row escapes a key.
 */
export class LoginKey1796460900000 implements MigrationInterface {
  name = 'LoginKey1796460900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('LOCK TABLE entity_users IN SHARE ROW EXCLUSIVE MODE');
    await q.query('ALTER TABLE entity_users ADD COLUMN login_key text');
    let after: Row | undefined;
    let entity: string | undefined;
    let taken = new Set<string>();
    for (;;) {
      const rows: Row[] = after
        ? await q.query(
            `${SELECT} WHERE (entity_id, created_at, id) > ($1::uuid, $2::timestamptz, $3::uuid) ORDER BY entity_id, created_at, id LIMIT ${BATCH}`,
            [after.entity_id, after.created_at, after.id],
          )
        : await q.query(`${SELECT} ORDER BY entity_id, created_at, id LIMIT ${BATCH}`);
      if (!rows.length) break;
      const ids: string[] = [];
      const keys: string[] = [];
      for (const row of rows) {
        if (row.entity_id !== entity) {
          entity = row.entity_id;
          taken = new Set();
        }
        let key = loginKey(row.login);
        if (row.status === 'active') {
          while (taken.has(key)) key = `${key}${SEPARATOR}${row.id}`;
          taken.add(key);
        }
        ids.push(row.id);
        keys.push(key);
      }
      await q.query('UPDATE entity_users u SET login_key = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE u.id = k.id', [ids, keys]);
      after = rows[rows.length - 1];
    }
    await q.query('ALTER TABLE entity_users ALTER COLUMN login_key SET NOT NULL');
    await q.query(`CREATE UNIQUE INDEX uq_entity_users_entity_login_key ON entity_users (entity_id, login_key) WHERE status = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX uq_entity_users_entity_login_key');
    await q.query('ALTER TABLE entity_users DROP COLUMN login_key');
  }
}
