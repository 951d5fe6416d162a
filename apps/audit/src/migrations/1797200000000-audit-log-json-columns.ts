import { MigrationInterface, QueryRunner } from 'typeorm';

const JSON_COLUMNS = ['params', 'headers', 'body', 'details'] as const;

/**
 * `params`, `headers`, `body` and `details` become `json` (they were `jsonb`).
 *
 * - jsonb cannot hold every value JSON can carry: it refuses the escape `\u0000`
 *   and a lone surrogate (`\ud800`). A request body or query holding one made
 *   the entry's COPY fail, and with it its whole batch at every redelivery: the
 *   trail stopped. `json` keeps the text as written (it checks the syntax only),
 *   which is also what an audit trail should keep.
 * - Nothing queries inside these columns (no operators, no indexes), so jsonb's
 *   decomposed form bought nothing, and building it cost PostgreSQL about a fifth
 *   of its work per stored entry (docs/AUDIT.md, "Cost").
 *
 * The change rewrites the table (an ACCESS EXCLUSIVE lock for the time it takes):
 * at most the retention window of entries. Stored jsonb values are kept as their
 * JSON text.
 */
export class AuditLogJsonColumns1797200000000 implements MigrationInterface {
  name = 'AuditLogJsonColumns1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ${JSON_COLUMNS.map((c) => `ALTER COLUMN ${c} TYPE json USING ${c}::json`).join(', ')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    // An entry holding what jsonb cannot would fail this: such a value is written as null.
    await q.query(
      `ALTER TABLE audit_log ${JSON_COLUMNS.map((c) => `ALTER COLUMN ${c} TYPE jsonb USING CASE WHEN ${c}::text ~* '\\\\u(0000|d[89a-f])' THEN NULL ELSE ${c}::jsonb END`).join(', ')}`,
    );
  }
}
