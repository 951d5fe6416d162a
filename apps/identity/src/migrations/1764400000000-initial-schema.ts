import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE entities (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        type text NOT NULL CHECK (type IN ('organization', 'individual')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'deleted')),
        email text,
        phone text,
        website text,
        tax_id text,
        registration_number text,
        registration_authority text,
        address jsonb NOT NULL,
        organization jsonb,
        individual jsonb,
        created_by_entity_user_id uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX idx_entities_project_created ON entities (project_id, created_at, id)`);
    await q.query(`CREATE INDEX idx_entities_project_updated ON entities (project_id, updated_at, id)`);
    await q.query(`
      CREATE TABLE entity_settings (
        entity_id uuid PRIMARY KEY REFERENCES entities(id),
        default_role_id uuid,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE roles (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        entity_id uuid NOT NULL REFERENCES entities(id),
        name text NOT NULL,
        permissions jsonb NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
        created_by_entity_user_id uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // A name is unique among an entity's live roles: the index, not a read-then-write check, decides races.
    await q.query(`CREATE UNIQUE INDEX uq_roles_entity_name ON roles (entity_id, name) WHERE status = 'active'`);
    await q.query(`CREATE INDEX idx_roles_entity_created ON roles (entity_id, created_at, id)`);
    await q.query(`CREATE INDEX idx_roles_entity_updated ON roles (entity_id, updated_at, id)`);
    await q.query(`
      CREATE TABLE entity_users (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        entity_id uuid NOT NULL REFERENCES entities(id),
        login text NOT NULL,
        first_name text NOT NULL,
        last_name text,
        email text,
        phone text,
        title text,
        role_id uuid REFERENCES roles(id),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
        created_by_entity_user_id uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_entity_users_entity_login ON entity_users (entity_id, login) WHERE status = 'active'`);
    await q.query(`CREATE INDEX idx_entity_users_entity_created ON entity_users (entity_id, created_at, id)`);
    await q.query(`CREATE INDEX idx_entity_users_entity_updated ON entity_users (entity_id, updated_at, id)`);
    await q.query(`CREATE INDEX idx_entity_users_role ON entity_users (role_id) WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE service_keys (
        name text PRIMARY KEY,
        value bytea NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['service_keys', 'outbox', 'entity_users', 'roles', 'entity_settings', 'entities']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
