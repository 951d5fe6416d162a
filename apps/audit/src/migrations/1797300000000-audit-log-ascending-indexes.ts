import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two listing indexes become ascending: `(project_id, entity_id, ts, id)` and
 * `(project_id, ts, id)`, where they were `ts DESC, id DESC`.
 *
 * Entries arrive in time order, so each new key is the greatest of its project. In
 * an ascending index it goes at the end of the project's range, where PostgreSQL
 * splits a full page leaving the left one full; in the descending one it went at
 * the start, every split left two half-empty pages, and the index grew to about
 * twice the size (6.0 MB against 3.4 MB for 60,000 `token.issued` rows, measured)
 * with the page writes and WAL that go with it. A B-tree is read in either
 * direction: the newest-first listing scans these backwards, as cheaply.
 *
 * The new indexes are built first, under a new name (CREATE INDEX takes a SHARE lock:
 * inserts wait for the build, reads go on; at most the retention window of entries;
 * the consumer waits, JetStream keeps what is published meanwhile); then the old ones
 * are dropped and the new ones take their names, which holds reads back only from
 * the drop to the commit, moments.
 */
export class AuditLogAscendingIndexes1797300000000 implements MigrationInterface {
  name = 'AuditLogAscendingIndexes1797300000000';

  async up(q: QueryRunner): Promise<void> {
    await replace(q, {
      entity: '(project_id, entity_id, ts, id) WHERE entity_id IS NOT NULL',
      project: "(project_id, ts, id) WHERE type = 'event'",
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await replace(q, {
      entity: '(project_id, entity_id, ts DESC, id DESC) WHERE entity_id IS NOT NULL',
      project: "(project_id, ts DESC, id DESC) WHERE type = 'event'",
    });
  }
}

/** Builds each listing index anew, then swaps it in for the old one of its name. */
async function replace(q: QueryRunner, definitions: { entity: string; project: string }): Promise<void> {
  const indexes = [
    ['audit_log_entity_ts', definitions.entity],
    ['audit_log_project_ts', definitions.project],
  ];
  for (const [name, definition] of indexes) await q.query(`CREATE INDEX ${name}_new ON audit_log ${definition}`);
  for (const [name] of indexes) {
    await q.query(`DROP INDEX ${name}`);
    await q.query(`ALTER INDEX ${name}_new RENAME TO ${name}`);
  }
}
