import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A client id / secret pair of a project. The secret itself is never stored. */
@Entity({ name: 'client_credentials' })
export class ClientCredentialEntity {
  @PrimaryColumn('uuid', { name: 'client_id' })
  clientId!: string;

  @Index()
  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  /** SHA-256 of the secret (the secret is 256 random bits: a slow hash adds nothing). */
  @Column('bytea', { name: 'secret_hash' })
  secretHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('text', { nullable: true })
  name!: string | null;

  /** A member's email, or `cli`. */
  @Column('text', { name: 'created_by', nullable: true })
  createdBy!: string | null;

  /** Set by a roll: the pair is refused from then on. */
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  /** Written off the mint's path, at most once a minute per pair and instance. */
  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;
}
