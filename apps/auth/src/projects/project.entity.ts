import { Column, CreateDateColumn, Entity, PrimaryColumn, VersionColumn } from 'typeorm';

@Entity({ name: 'projects' })
export class ProjectEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  /** The project's settings as the partner set them (defaults are applied on read). */
  @Column('jsonb', { default: () => "'{}'::jsonb" })
  settings!: Record<string, unknown>;

  /** Every token of the project issued before this instant is refused (`npm run cli -- tokens revoke-all`). */
  @Column('timestamptz', { name: 'tokens_not_before', nullable: true })
  tokensNotBefore!: Date | null;

  /** The partner whose members see it in the portal; null: unassigned (made by the CLI before partners). */
  @Column('uuid', { name: 'partner_id', nullable: true })
  partnerId!: string | null;

  /** An archived project mints nothing (its pairs are `invalid_client`) and is hidden from the portal's default list. */
  @Column('timestamptz', { name: 'archived_at', nullable: true })
  archivedAt!: Date | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
