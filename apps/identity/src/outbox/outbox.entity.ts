import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An event waiting to be relayed to JetStream, written in the same transaction as the change. */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text')
  subject!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @Column('jsonb', { name: 'trace_context', nullable: true })
  traceContext!: Record<string, string> | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'clock_timestamp()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;
}
