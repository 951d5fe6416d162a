import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A partner (an organisation): its members use the portal; its projects are theirs. */
@Entity({ name: 'partners' })
export class PartnerEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
