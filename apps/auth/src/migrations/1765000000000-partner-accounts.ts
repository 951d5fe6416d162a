import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Partner Portal's accounts (issue 13): partners, their members (argon2id
 * password hashes, TOTP secrets sealed with the KEK, SHA-256 of unused recovery
 * codes), members' sessions and invites (only the SHA-256 of their 256-bit
 * tokens is stored); projects belong to a partner and can be archived; credential
 * pairs get a name, who made them, an expiry (a roll's overlap) and their last use.
 */
export class PartnerAccounts1765000000000 implements MigrationInterface {
  name = 'PartnerAccounts1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partners (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE members (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL REFERENCES partners (id),
        email text NOT NULL CHECK (email = lower(email)),
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'developer', 'viewer')),
        totp_secret_ciphertext bytea,
        totp_secret_iv bytea,
        totp_secret_tag bytea,
        totp_enabled_at timestamptz,
        totp_last_step bigint,
        recovery_code_hashes jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      )`);
    // One member per email among the current ones: login is by email alone.
    await q.query(`CREATE UNIQUE INDEX uq_members_email ON members (email) WHERE removed_at IS NULL`);
    await q.query(`CREATE INDEX idx_members_partner ON members (partner_id, created_at)`);
    await q.query(`
      CREATE TABLE member_sessions (
        id uuid PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE,
        member_id uuid NOT NULL REFERENCES members (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        pending_totp boolean NOT NULL DEFAULT false,
        failed_codes integer NOT NULL DEFAULT 0,
        client_address text,
        user_agent text
      )`);
    await q.query(`CREATE INDEX idx_member_sessions_member ON member_sessions (member_id) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX idx_member_sessions_expires_at ON member_sessions (expires_at)`);
    await q.query(`
      CREATE TABLE invites (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL REFERENCES partners (id),
        token_hash bytea NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN ('owner', 'developer', 'viewer')),
        created_by uuid REFERENCES members (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid REFERENCES members (id),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_invites_partner ON invites (partner_id, created_at)`);

    await q.query(`ALTER TABLE projects ADD COLUMN partner_id uuid REFERENCES partners (id), ADD COLUMN archived_at timestamptz`);
    await q.query(`CREATE INDEX idx_projects_partner ON projects (partner_id, created_at)`);
    await q.query(`
      ALTER TABLE client_credentials
        ADD COLUMN name text,
        ADD COLUMN created_by text,
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN last_used_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE client_credentials DROP COLUMN last_used_at, DROP COLUMN expires_at, DROP COLUMN created_by, DROP COLUMN name`);
    await q.query(`DROP INDEX idx_projects_partner`);
    await q.query(`ALTER TABLE projects DROP COLUMN archived_at, DROP COLUMN partner_id`);
    await q.query(`DROP TABLE invites`);
    await q.query(`DROP TABLE member_sessions`);
    await q.query(`DROP TABLE members`);
    await q.query(`DROP TABLE partners`);
  }
}
