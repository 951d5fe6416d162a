import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_log (ts)` serves only retention's `ts < cutoff` deletes. Rows arrive in
 * time order, so a BRIN index (one summary per block range) finds them as well as
 * the B-tree did, at almost no cost per insert and a few pages in all, where the
 * B-tree was a third index to update per stored entry (docs/AUDIT.md, "Cost").
 */
export class AuditLogTsBrin1797100000000 implements MigrationInterface {
  name = 'AuditLogTsBrin1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_ts');
    await q.query('CREATE INDEX audit_log_ts_brin ON audit_log USING brin (ts)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_ts_brin');
    await q.query('CREATE INDEX audit_log_ts ON audit_log (ts)');
  }
}
