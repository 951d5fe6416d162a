import { Column, PrimaryColumn } from 'typeorm';

/**
 * The columns every identity record (entity, entity user, role) carries: its
 * id, its project (tenant), who created it, its version (bumped on every change,
 * carried by its events) and its timestamps. The tables are the migrations'.
 */
export abstract class RecordColumns {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  @Column('uuid', { name: 'created_by_entity_user_id', nullable: true })
  createdByEntityUserId!: string | null;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
