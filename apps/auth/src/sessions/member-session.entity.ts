import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A member's portal session. The token (256 random bits) is the browser's
 * cookie; only its SHA-256 is stored. It ends at `expires_at` (absolute), after
 * the idle limit since `last_seen_at`, when revoked (sign-out, sign-out
 * everywhere, the member removed) or, half signed in (`pending_totp`), after too
 * many wrong codes.
 */
@Entity({ name: 'member_sessions' })
export class MemberSessionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bytea', { name: 'token_hash' })
  tokenHash!: Buffer;

  @Column('uuid', { name: 'member_id' })
  memberId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_seen_at' })
  lastSeenAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** Password checked, TOTP code not yet: only `totp.verify` accepts the session. */
  @Column('boolean', { name: 'pending_totp', default: false })
  pendingTotp!: boolean;

  @Column('integer', { name: 'failed_codes', default: 0 })
  failedCodes!: number;

  @Column('text', { name: 'client_address', nullable: true })
  clientAddress!: string | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent!: string | null;
}
