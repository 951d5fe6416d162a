import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RecordStatus } from '@gatehouse/contracts';
import type { RolePermissionsPayload } from '@gatehouse/permissions';

@Entity({ name: 'roles' })
export class RoleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  @Column('uuid', { name: 'entity_id' })
  entityId!: string;

  @Column('text')
  name!: string;

  @Column('jsonb')
  permissions!: RolePermissionsPayload;

  @Column('text')
  status!: RecordStatus;

  @Column('uuid', { name: 'created_by_entity_user_id', nullable: true })
  createdByEntityUserId!: string | null;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
