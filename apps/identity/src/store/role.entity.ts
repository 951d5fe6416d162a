import { Column, Entity } from 'typeorm';
import type { RecordStatus } from '@gatehouse/contracts';
import type { RolePermissionsPayload } from '@gatehouse/permissions';
import { RecordColumns } from './record-columns';

@Entity({ name: 'roles' })
export class RoleEntity extends RecordColumns {
  @Column('uuid', { name: 'entity_id' })
  entityId!: string;

  @Column('text')
  name!: string;

  @Column('jsonb')
  permissions!: RolePermissionsPayload;

  @Column('text')
  status!: RecordStatus;
}
