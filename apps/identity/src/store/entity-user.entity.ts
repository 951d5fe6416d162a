import { Column, Entity } from 'typeorm';
import type { RecordStatus } from '@gatehouse/contracts';
import { RecordColumns } from './record-columns';

@Entity({ name: 'entity_users' })
export class EntityUserEntity extends RecordColumns {
  @Column('uuid', { name: 'entity_id' })
  entityId!: string;

  @Column('text')
  login!: string;

  /** Uniqueness key of the login (`loginKey`, libs/contracts): unique per entity among active users. */
  @Column('text', { name: 'login_key' })
  loginKey!: string;

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
}
