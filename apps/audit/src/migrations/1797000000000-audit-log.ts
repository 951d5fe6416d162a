import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_log`: one row per entry, keyed by the entry id the publisher gave it (so a
 * redelivered message inserts nothing: ON CONFLICT (id) DO NOTHING). Lists read a
 * project's (or an entity's) entries newest first by (timestamp, id), so the keyset
 * indexes start with the tenant columns. `service_keys`: the page-token HMAC key.
 */
export class AuditLog1797000000000 implements MigrationInterface {
  name = 'AuditLog1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        entity_id uuid NULL,
        entity_user_id uuid NULL,
        client_id text NULL,
        type text NOT NULL CHECK (type IN ('request', 'response', 'event')),
        kind text NULL,
        ts timestamptz NOT NULL,
        method text NULL,
        path text NULL,
        params jsonb NULL,
        headers jsonb NULL,
        body jsonb NULL,
        content_type text NULL,
        status_code integer NULL,
        parent_log_id uuid NULL,
        request_id text NULL,
        client_ip text NULL,
        user_agent text NULL,
        target_service text NOT NULL,
        details jsonb NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX audit_log_entity_ts ON audit_log (project_id, entity_id, ts DESC, id DESC) WHERE entity_id IS NOT NULL');
    await q.query("CREATE INDEX audit_log_project_ts ON audit_log (project_id, ts DESC, id DESC) WHERE type = 'event'");
    await q.query('CREATE INDEX audit_log_ts ON audit_log (ts)');
    await q.query('CREATE TABLE service_keys (name text PRIMARY KEY, value bytea NOT NULL)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE service_keys');
    await q.query('DROP TABLE audit_log');
  }
}
