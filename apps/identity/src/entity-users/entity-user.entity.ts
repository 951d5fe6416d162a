import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RecordStatus } from '@gatehouse/contracts';

@Entity({ name: 'entity_users' })
export class EntityUserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  @Column('uuid', { name: 'entity_id' })
  entityId!: string;

  @Column('text')
  login!: string;

  @Column('text', { name: 'first_name' })
  firstName!: string;

  @Column('text', { name: 'last_name', nullable: true })
  lastName!: string | null;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('text', { nullable: true })
  title!: string | null;

  @Column('uuid', { name: 'role_id', nullable: true })
  roleId!: string | null;

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
