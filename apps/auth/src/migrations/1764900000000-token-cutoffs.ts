import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tokens that end before they expire, beyond one revoked jti: a project-wide
 * cutoff (every token issued before it is refused), and an index for the
 * revoked credential pairs whose tokens may still be live.
 */
export class TokenCutoffs1764900000000 implements MigrationInterface {
  name = 'TokenCutoffs1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projects ADD COLUMN tokens_not_before timestamptz`);
    await q.query(`CREATE INDEX idx_client_credentials_revoked_at ON client_credentials (revoked_at) WHERE revoked_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_client_credentials_revoked_at`);
    await q.query(`ALTER TABLE projects DROP COLUMN tokens_not_before`);
  }
}
