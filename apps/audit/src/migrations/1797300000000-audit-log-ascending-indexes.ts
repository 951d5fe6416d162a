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
 * The indexes are rebuilt (a SHARE lock on the table, which holds inserts back
 * for the time it takes; at most the retention window of entries). The consumer
 * waits; JetStream keeps what is published meanwhile.
 */
export class AuditLogAscendingIndexes1797300000000 implements MigrationInterface {
  name = 'AuditLogAscendingIndexes1797300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_entity_ts');
    await q.query('DROP INDEX audit_log_project_ts');
    await q.query('CREATE INDEX audit_log_entity_ts ON audit_log (project_id, entity_id, ts, id) WHERE entity_id IS NOT NULL');
    await q.query("CREATE INDEX audit_log_project_ts ON audit_log (project_id, ts, id) WHERE type = 'event'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_entity_ts');
    await q.query('DROP INDEX audit_log_project_ts');
    await q.query('CREATE INDEX audit_log_entity_ts ON audit_log (project_id, entity_id, ts DESC, id DESC) WHERE entity_id IS NOT NULL');
    await q.query("CREATE INDEX audit_log_project_ts ON audit_log (project_id, ts DESC, id DESC) WHERE type = 'event'");
  }
}
