import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EntityAddress, EntityStatus, EntityType } from '@gatehouse/contracts';
import { RecordColumns } from './record-columns';

/** A partner's business customer. */
@Entity({ name: 'entities' })
export class EntityEntity extends RecordColumns {
  @Column('text')
  type!: EntityType;

  @Column('text')
  status!: EntityStatus;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('text', { nullable: true })
  website!: string | null;

  @Column('text', { name: 'tax_id', nullable: true })
  taxId!: string | null;

  @Column('text', { name: 'registration_number', nullable: true })
  registrationNumber!: string | null;

  @Column('text', { name: 'registration_authority', nullable: true })
  registrationAuthority!: string | null;

  @Column('jsonb')
  address!: EntityAddress;

  @Column('jsonb', { nullable: true })
  organization!: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  individual!: Record<string, unknown> | null;
}

@Entity({ name: 'entity_settings' })
export class EntitySettingsEntity {
  @PrimaryColumn('uuid', { name: 'entity_id' })
  entityId!: string;

  @Column('uuid', { name: 'default_role_id', nullable: true })
  defaultRoleId!: string | null;

  @Column('jsonb')
  settings!: Record<string, unknown>;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
