import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MemberRole } from '@gatehouse/contracts';

/**
 * A partner's member: signs in to the portal with an email and a password
 * (argon2id, PHC string), optionally a TOTP code. The TOTP secret is sealed with
 * the KEK (AES-256-GCM, the member id as associated data); of the recovery codes
 * only the SHA-256 (hex) of the unused ones is kept. A removed member stays (the
 * trail names them) but can do nothing, and their email is free again.
 */
@Entity({ name: 'members' })
export class MemberEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'partner_id' })
  partnerId!: string;

  /** Lower-cased. */
  @Column('text')
  email!: string;

  @Column('text', { name: 'password_hash' })
  passwordHash!: string;

  @Column('text')
  role!: MemberRole;

  @Column('bytea', { name: 'totp_secret_ciphertext', nullable: true })
  totpSecretCiphertext!: Buffer | null;

  @Column('bytea', { name: 'totp_secret_iv', nullable: true })
  totpSecretIv!: Buffer | null;

  @Column('bytea', { name: 'totp_secret_tag', nullable: true })
  totpSecretTag!: Buffer | null;

  /** Null: TOTP off (a secret may be enrolled but not yet confirmed). */
  @Column('timestamptz', { name: 'totp_enabled_at', nullable: true })
  totpEnabledAt!: Date | null;

  /** The time step of the last TOTP code accepted: a code is good once. */
  @Column('bigint', { name: 'totp_last_step', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  totpLastStep!: number | null;

  /** SHA-256 (hex) of each unused recovery code. */
  @Column('jsonb', { name: 'recovery_code_hashes', default: () => "'[]'::jsonb" })
  recoveryCodeHashes!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'removed_at', nullable: true })
  removedAt!: Date | null;
}
