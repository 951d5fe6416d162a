import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MemberRole } from '@gatehouse/contracts';

/** A one-time invitation to join a partner with a role. Only the SHA-256 of its 256-bit token is stored. */
@Entity({ name: 'invites' })
export class InviteEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'partner_id' })
  partnerId!: string;

  @Column('bytea', { name: 'token_hash' })
  tokenHash!: Buffer;

  @Column('text')
  role!: MemberRole;

  /** The inviting member (null: the operator). */
  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'accepted_at', nullable: true })
  acceptedAt!: Date | null;

  @Column('uuid', { name: 'accepted_by', nullable: true })
  acceptedBy!: string | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
